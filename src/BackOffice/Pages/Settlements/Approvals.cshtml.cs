using Litiges.Accounts;
using Litiges.Data;
using Litiges.Disputes;
using Litiges.Settlements;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Litiges.BackOffice.Pages.Settlements;

/// <summary>The approval queue: proposals above their proposer's limit that the user's own limit covers.</summary>
public sealed class ApprovalsModel(LitigesDbContext db) : PageModel
{
    public IReadOnlyList<Waiting> Proposals { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var limits = new DelegationLimits(await db.DelegationLimits.AsNoTracking().ToListAsync(cancellationToken));
        var role = User.ToActor().Role;
        var waiting = await db.SettlementProposals.AsNoTracking()
            .Where(p => p.Status == ProposalStatus.AwaitingApproval)
            .Join(db.Disputes.VisibleTo(User), p => p.DisputeId, d => d.Id, (p, d) => new Waiting(d.Id, d.Reference, p.Kind, p.Value, p.Currency, p.ProposedByName, p.ProposedAt))
            .ToListAsync(cancellationToken);
        Proposals = [.. waiting.Where(w => limits.Covers(role, w.Value)).OrderBy(w => w.ProposedAt)];
    }

    public sealed record Waiting(int DisputeId, string Reference, SettlementKind Kind, decimal Value, string Currency, string ProposedBy, DateTimeOffset ProposedAt);
}
