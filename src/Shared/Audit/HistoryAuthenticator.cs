using Litiges.Data;
using Litiges.Disputes;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Litiges.Audit;

/// <summary>
/// Authenticates every new history entry in the save that writes it, whichever page, job or API
/// call records it: the MAC covers the dispute's reference and the entry's chained hash, under
/// the current history key. Entries read back from the database are never re-authenticated here,
/// so a save cannot launder an entry someone altered.
/// </summary>
public sealed class HistoryAuthenticator(HistoryKeys keys) : SaveChangesInterceptor
{
    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Authenticate(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Authenticate(eventData.Context);
        return result;
    }

    /// <summary>
    /// The one-off upgrade of entries written before keys (plain SHA-256 chain only): a dispute
    /// whose chain still verifies gets its entries authenticated with the current key, the same
    /// MACs whoever runs it; a chain already broken is left as it is and stays shown broken.
    /// Returns the number of entries authenticated.
    /// </summary>
    public static async Task<int> AuthenticateLegacyAsync(LitigesDbContext db, HistoryKeys keys, CancellationToken cancellationToken)
    {
        var disputeIds = await db.DisputeHistory.Where(h => h.Mac == null).Select(h => h.DisputeId).Distinct().ToListAsync(cancellationToken);
        var authenticated = 0;
        foreach (var chunk in disputeIds.Chunk(100))
        {
            var disputes = await db.Disputes.Include(d => d.History).Where(d => chunk.Contains(d.Id)).AsSplitQuery().ToListAsync(cancellationToken);
            foreach (var dispute in disputes.Where(d => d.FirstBrokenHistoryEntry() is null))
            {
                foreach (var entry in dispute.History.Where(h => h.Mac is null))
                {
                    keys.Authenticate(dispute.Reference, entry);
                    authenticated++;
                }
            }

            await db.SaveChangesAsync(cancellationToken);
            db.ChangeTracker.Clear();
        }

        return authenticated;
    }

    private void Authenticate(DbContext? context)
    {
        if (context is not LitigesDbContext db)
        {
            return;
        }

        db.ChangeTracker.DetectChanges();
        foreach (var dispute in db.ChangeTracker.Entries<Dispute>().Select(e => e.Entity))
        {
            foreach (var entry in dispute.History.Where(h => h.Mac is null && db.Entry(h).State == EntityState.Added))
            {
                keys.Authenticate(dispute.Reference, entry);
            }
        }
    }
}
