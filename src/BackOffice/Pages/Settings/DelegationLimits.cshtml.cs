using Litiges.Data;
using Litiges.Disputes;
using Litiges.Settlements;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Litiges.BackOffice.Pages.Settings;

/// <summary>How much each role may offer alone; the credit manager sets it (empty = unlimited).</summary>
public sealed class DelegationLimitsModel(LitigesDbContext db, IStringLocalizer t) : PageModel
{
    /// <summary>The maximum typed for each role, as text ("5 000,00" or "5000.00"); empty means unlimited.</summary>
    [BindProperty]
    public Dictionary<ActorRole, string?> Maximums { get; set; } = [];

    public IReadOnlyList<DelegationLimit> Limits { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Limits = await LoadAsync(cancellationToken);
        Maximums = Limits.ToDictionary(l => l.Role, l => l.MaxAmount?.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture));
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var limits = await db.DelegationLimits.OrderBy(l => l.Role).ToListAsync(cancellationToken);
        var parsed = new Dictionary<ActorRole, decimal?>();
        foreach (var limit in limits)
        {
            var text = Maximums.GetValueOrDefault(limit.Role);
            if (string.IsNullOrWhiteSpace(text))
            {
                parsed[limit.Role] = null;
            }
            else if (Finance.AmountText.TryParse(text, out var amount) && amount >= 0 && decimal.Round(amount, 2) == amount)
            {
                parsed[limit.Role] = amount;
            }
            else
            {
                ModelState.AddModelError($"Maximums[{limit.Role}]", t["DelegationLimits.Invalid", t["ActorRole." + limit.Role].Value]);
            }
        }

        if (!ModelState.IsValid)
        {
            Limits = limits;
            return Page();
        }

        foreach (var limit in limits)
        {
            limit.SetMaximum(parsed[limit.Role]);
        }

        await db.SaveChangesAsync(cancellationToken);
        TempData["Success"] = t["DelegationLimits.Saved"].Value;
        return RedirectToPage();
    }

    private async Task<IReadOnlyList<DelegationLimit>> LoadAsync(CancellationToken cancellationToken) =>
        await db.DelegationLimits.AsNoTracking().OrderBy(l => l.Role).ToListAsync(cancellationToken);
}
