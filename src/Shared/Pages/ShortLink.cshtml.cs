using System.Globalization;
using Litiges.Data;
using Litiges.Disputes;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Litiges.Pages;

/// <summary>
/// A dispute's short link (<c>/d/{reference}</c>), the one an SMS carries: after the usual sign-in,
/// the dispute's page on this app, for whoever may see that dispute (<see cref="DisputeAccess"/>);
/// for anyone else, "not found", as for a dispute that does not exist. The id works too.
/// </summary>
public sealed class ShortLinkModel(LitigesDbContext db) : PageModel
{
    public async Task<IActionResult> OnGetAsync(string id, CancellationToken cancellationToken)
    {
        var visible = db.Disputes.AsNoTracking().VisibleTo(User);
        var disputeId = await visible.Where(d => d.Reference == id).Select(d => (int?)d.Id).FirstOrDefaultAsync(cancellationToken);
        if (disputeId is null && int.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            disputeId = await visible.Where(d => d.Id == number).Select(d => (int?)d.Id).FirstOrDefaultAsync(cancellationToken);
        }

        return disputeId is { } found
            ? LocalRedirect(Url.Content(string.Create(CultureInfo.InvariantCulture, $"~/Disputes/Details/{found}")))
            : NotFound();
    }
}
