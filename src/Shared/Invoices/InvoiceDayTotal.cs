using Litiges.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Litiges.Invoices;

/// <summary>
/// A share of what the invoices issued on one day add up to: how many there are, their gross total
/// and what they still owe. The context writes a share with every change to an invoice, in the same
/// save (<see cref="LitigesDbContext"/>), and <see cref="InvoiceDays.FoldAsync"/> folds each
/// day's shares into one row, so that the dashboard sums a few hundred rows where it would read
/// every invoice. The shares of a day always add up to the day's invoices.
/// </summary>
public sealed class InvoiceDayTotal
{
    private InvoiceDayTotal()
    {
    }

    internal InvoiceDayTotal(DateOnly issueDate, int invoices, decimal gross, decimal open)
    {
        IssueDate = issueDate;
        Invoices = invoices;
        Gross = gross;
        Open = open;
    }

    public long Id { get; private set; }

    public DateOnly IssueDate { get; private set; }

    public int Invoices { get; private set; }

    public decimal Gross { get; private set; }

    public decimal Open { get; private set; }

    internal bool IsNothing => Invoices == 0 && Gross == 0m && Open == 0m;
}

/// <summary>Writes and folds the <see cref="InvoiceDayTotal"/> shares.</summary>
public static class InvoiceDays
{
    /// <summary>
    /// The shares that the pending changes to invoices make: an invoice added counts on its issue
    /// day, one removed counts off it, and one changed counts off its old figures and on its new ones.
    /// </summary>
    internal static List<InvoiceDayTotal> SharesOf(IEnumerable<Microsoft.EntityFrameworkCore.ChangeTracking.EntityEntry<Invoice>> entries)
    {
        var shares = new List<InvoiceDayTotal>();
        foreach (var entry in entries)
        {
            switch (entry.State)
            {
                case EntityState.Added:
                    shares.Add(Share(entry.CurrentValues, 1));
                    break;
                case EntityState.Deleted:
                    shares.Add(Share(entry.OriginalValues, -1));
                    break;
                case EntityState.Modified:
                    var before = Share(entry.OriginalValues, -1);
                    var after = Share(entry.CurrentValues, 1);
                    if (before.IssueDate == after.IssueDate)
                    {
                        var change = new InvoiceDayTotal(after.IssueDate, 0, after.Gross + before.Gross, after.Open + before.Open);
                        if (!change.IsNothing)
                        {
                            shares.Add(change);
                        }
                    }
                    else
                    {
                        shares.Add(before);
                        shares.Add(after);
                    }

                    break;
            }
        }

        return shares;
    }

    private static InvoiceDayTotal Share(Microsoft.EntityFrameworkCore.ChangeTracking.PropertyValues values, int sign) =>
        new(
            values.GetValue<DateOnly>(nameof(Invoice.IssueDate)),
            sign,
            sign * values.GetValue<decimal>(nameof(Invoice.TotalGross)),
            sign * values.GetValue<decimal>(nameof(Invoice.OpenBalance)));

    /// <summary>
    /// Folds every day's shares into one row, in one serializable transaction. The rows summed are
    /// the rows deleted: if another instance folded or wrote meanwhile and the counts differ,
    /// nothing is changed and the next pass tries again; so too when the database refuses the
    /// transaction for a conflict.
    /// </summary>
    public static async Task<InvoiceDayFold> FoldAsync(LitigesDbContext db, CancellationToken cancellationToken = default)
    {
        try
        {
            return await FoldOnceAsync(db, cancellationToken);
        }
        catch (Exception ex) when (IsConflict(ex))
        {
            // Another fold (or a writer) got there first, or the database timed out: it refused this one whole.
            db.ChangeTracker.Clear();
            return new InvoiceDayFold(0, Refused: true);
        }
    }

    /// <summary>
    /// Recomputes the day totals from the invoices, in one serializable transaction (the migrate
    /// command runs it, so running it again repairs totals that an older version of the apps or a
    /// change made by hand left behind). Returns the number of days.
    /// </summary>
    public static Task<int> RebuildAsync(LitigesDbContext db, CancellationToken cancellationToken = default) =>
        SerializableAsync(db, async transaction =>
        {
            var days = await db.Invoices
                .GroupBy(i => i.IssueDate)
                .Select(g => new { Day = g.Key, Invoices = g.Count(), Gross = g.Sum(i => i.TotalGross), Open = g.Sum(i => i.OpenBalance) })
                .ToListAsync(cancellationToken);
            await db.InvoiceDayTotals.ExecuteDeleteAsync(cancellationToken);
            db.InvoiceDayTotals.AddRange(days.Select(d => new InvoiceDayTotal(d.Day, d.Invoices, d.Gross, d.Open)));
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return days.Count;
        }, cancellationToken);

    // Runs the work in one serializable transaction on a cleared context, under the provider's
    // execution strategy; the work commits what it keeps (leaving without a commit rolls back).
    private static Task<T> SerializableAsync<T>(LitigesDbContext db, Func<IDbContextTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        var strategy = db.Database.CreateExecutionStrategy();
        return strategy.ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(System.Data.IsolationLevel.Serializable, cancellationToken);
            var result = await work(transaction);
            db.ChangeTracker.Clear();
            return result;
        });
    }

    private static bool IsConflict(Exception? ex)
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            if (ex is System.Data.Common.DbException { IsTransient: true })
            {
                return true;
            }
        }

        return false;
    }

    private static Task<InvoiceDayFold> FoldOnceAsync(LitigesDbContext db, CancellationToken cancellationToken) =>
        SerializableAsync(db, async transaction =>
        {
            var last = await db.InvoiceDayTotals.MaxAsync(t => (long?)t.Id, cancellationToken);
            if (last is null)
            {
                return new InvoiceDayFold(0, Refused: false);
            }

            var days = await db.InvoiceDayTotals
                .Where(t => t.Id <= last)
                .GroupBy(t => t.IssueDate)
                .Where(g => g.Count() > 1)
                .Select(g => new { Day = g.Key, Rows = g.Count(), Invoices = g.Sum(t => t.Invoices), Gross = g.Sum(t => t.Gross), Open = g.Sum(t => t.Open) })
                .ToListAsync(cancellationToken);
            if (days.Count == 0)
            {
                return new InvoiceDayFold(0, Refused: false);
            }

            var dates = days.Select(d => d.Day).ToList();
            var deleted = await db.InvoiceDayTotals.Where(t => t.Id <= last && dates.Contains(t.IssueDate)).ExecuteDeleteAsync(cancellationToken);
            var summed = days.Sum(d => d.Rows);
            if (deleted != summed)
            {
                await transaction.RollbackAsync(cancellationToken);
                return new InvoiceDayFold(0, Refused: true);
            }

            db.InvoiceDayTotals.AddRange(days
                .Select(d => new InvoiceDayTotal(d.Day, d.Invoices, d.Gross, d.Open))
                .Where(t => !t.IsNothing));
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return new InvoiceDayFold(summed, Refused: false);
        }, cancellationToken);
}

/// <summary>What a fold did: the shares folded, or that it was refused (another fold or a writer got there first) and changed nothing.</summary>
public sealed record InvoiceDayFold(int Shares, bool Refused);
