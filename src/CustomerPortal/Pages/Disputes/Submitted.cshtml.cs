using System.Security.Claims;
using Litiges.Data;
using Litiges.Deadlines;
using Litiges.Disputes;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Litiges.CustomerPortal.Pages.Disputes;

/// <summary>The confirmation after filing: the reference to quote, the amount held out of dunning, and each deadline that now runs.</summary>
public sealed class SubmittedModel(LitigesDbContext db, TimeProvider clock) : PageModel
{
    public Dispute Dispute { get; private set; } = null!;

    public IReadOnlyList<DeadlineStatus> Deadlines { get; private set; } = [];

    public string? Email { get; private set; }

    public async Task<IActionResult> OnGetAsync(int id, CancellationToken cancellationToken)
    {
        var dispute = await db.Disputes.AsNoTracking()
            .VisibleTo(User)
            .Include(d => d.Pauses)
            .Include(d => d.Evidence.Where(e => e.Visibility == EvidenceVisibility.Shared))
            .AsSplitQuery()
            .SingleOrDefaultAsync(d => d.Id == id, cancellationToken);
        if (dispute is null)
        {
            return NotFound();
        }

        Dispute = dispute;
        Deadlines = dispute.Deadlines(clock.GetUtcNow());
        Email = User.FindFirstValue(ClaimTypes.Email);
        return Page();
    }
}
