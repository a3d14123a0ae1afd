using System.ComponentModel.DataAnnotations;
using Litiges.Data;
using Litiges.Disputes;
using Litiges.Localization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Litiges.BackOffice.Pages.Settings.RootCauses;

/// <summary>
/// The root causes recorded at closing, for the dashboard of non-quality. A cause is never
/// deleted (closed disputes point to it): it is relabelled or deactivated.
/// </summary>
public sealed class IndexModel(LitigesDbContext db, IStringLocalizer t) : PageModel
{
    [BindProperty]
    public RootCauseInput Input { get; set; } = new();

    public IReadOnlyList<RootCause> Causes { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken) =>
        Causes = await db.RootCauses.AsNoTracking().OrderBy(r => r.Code).ToListAsync(cancellationToken);

    public async Task<IActionResult> OnPostAddAsync(CancellationToken cancellationToken)
    {
        var code = Input.Code?.Trim().ToUpperInvariant() ?? string.Empty;
        if (code.Length is < 2 or > 40 || !code.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
        {
            ModelState.AddModelError("Input.Code", t["Settings.DepartmentCodeInvalid"]);
        }
        else if (await db.RootCauses.AnyAsync(r => r.Code == code, cancellationToken))
        {
            ModelState.AddModelError("Input.Code", t["Settings.CodeTaken", code]);
        }

        if (!ModelState.IsValid)
        {
            await OnGetAsync(cancellationToken);
            return Page();
        }

        db.RootCauses.Add(new RootCause(code, new LocalizedText(Input.LabelFr!.Trim(), Input.LabelEn!.Trim())));
        await db.SaveChangesAsync(cancellationToken);
        TempData["Success"] = t["Settings.RootCauseAdded", code].Value;
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostRelabelAsync(int rootCauseId, CancellationToken cancellationToken)
    {
        ModelState.Remove("Input.Code");
        return await ChangeAsync(rootCauseId, cause => cause.Relabel(new LocalizedText(Input.LabelFr!.Trim(), Input.LabelEn!.Trim())), "Settings.RootCauseRelabelled", cancellationToken);
    }

    public Task<IActionResult> OnPostDeactivateAsync(int rootCauseId, CancellationToken cancellationToken) =>
        ChangeAsync(rootCauseId, cause => cause.Deactivate(), "Settings.RootCauseDeactivated", cancellationToken, validate: false);

    public Task<IActionResult> OnPostActivateAsync(int rootCauseId, CancellationToken cancellationToken) =>
        ChangeAsync(rootCauseId, cause => cause.Activate(), "Settings.RootCauseActivated", cancellationToken, validate: false);

    private async Task<IActionResult> ChangeAsync(int rootCauseId, Action<RootCause> change, string doneKey, CancellationToken cancellationToken, bool validate = true)
    {
        var cause = await db.RootCauses.SingleOrDefaultAsync(r => r.Id == rootCauseId, cancellationToken);
        if (cause is null)
        {
            return NotFound();
        }

        if (validate && !ModelState.IsValid)
        {
            await OnGetAsync(cancellationToken);
            return Page();
        }

        change(cause);
        await db.SaveChangesAsync(cancellationToken);
        TempData["Success"] = t[doneKey, cause.Code].Value;
        return RedirectToPage();
    }

    public sealed class RootCauseInput
    {
        [Display(Name = "Settings.Code")]
        public string? Code { get; set; }

        [Required(ErrorMessage = "Validation.Required")]
        [StringLength(200, ErrorMessage = "Settings.Validation.Length")]
        [Display(Name = "Settings.LabelFr")]
        public string? LabelFr { get; set; }

        [Required(ErrorMessage = "Validation.Required")]
        [StringLength(200, ErrorMessage = "Settings.Validation.Length")]
        [Display(Name = "Settings.LabelEn")]
        public string? LabelEn { get; set; }
    }
}
