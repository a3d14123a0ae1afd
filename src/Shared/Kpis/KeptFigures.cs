using Litiges.Data;
using Litiges.Invoices;
using Microsoft.EntityFrameworkCore;

namespace Litiges.Kpis;

/// <summary>
/// The figures kept beside what they summarise for the dashboard: the invoice day totals and each
/// ended dispute's resolution days. The migrate command recomputes them, so that running it again
/// repairs what an older version of the apps or a change made by hand left behind.
/// </summary>
public static class KeptFigures
{
    public static async Task RepairAsync(LitigesDbContext db, CancellationToken cancellationToken = default)
    {
        await InvoiceDays.RebuildAsync(db, cancellationToken);

        var unrecorded = await db.Disputes.Where(d => d.EndedAt != null && d.ResolutionDays == null).ToListAsync(cancellationToken);
        foreach (var dispute in unrecorded)
        {
            dispute.RecordResolutionDays();
        }

        await db.SaveChangesAsync(cancellationToken);
        db.ChangeTracker.Clear();
    }
}
