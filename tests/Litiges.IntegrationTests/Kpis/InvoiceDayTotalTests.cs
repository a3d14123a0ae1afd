using Litiges.Data;
using Litiges.Invoices;
using Litiges.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Litiges.IntegrationTests.Kpis;

/// <summary>
/// The day totals the dashboard sums must always add up to the invoices: whatever changes an
/// invoice writes its share in the same save, a refused save leaves none behind, and folding (even
/// two folds at once) keeps the sums.
/// </summary>
public abstract class InvoiceDayTotalTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : LitigesFixture
{
    private static readonly DateOnly First = new(2019, 5, 1);

    [Fact]
    public async Task Day_totals_follow_every_change_to_an_invoice()
    {
        var (paidId, movedId) = await fixture.WithDbAsync(async db =>
        {
            var paid = NewInvoice("DT-1", First, 1200m);
            var moved = NewInvoice("DT-2", First.AddDays(1), 600m);
            db.Invoices.AddRange(paid, moved);
            await db.SaveChangesAsync();
            return (paid.Id, moved.Id);
        });
        await AssertTotalsMatchInvoicesAsync();

        await fixture.WithDbAsync(async db =>
        {
            var paid = await db.Invoices.SingleAsync(i => i.Id == paidId);
            paid.RecordPayment(200m, First.AddDays(10), "DT-VIR-1");
            paid.ApplyCredit(100m);
            var moved = await db.Invoices.Include(i => i.Lines).Include(i => i.DunningBlocks).SingleAsync(i => i.Id == movedId);
            moved.Revise(First.AddDays(2), First.AddDays(40), [new InvoiceLineData("Révisé", 1, 1000m, 0.20m)]);
            await db.SaveChangesAsync();
        });
        await AssertTotalsMatchInvoicesAsync();
        Assert.Equal((1, 900m), await DayAsync(First));
        Assert.Equal((0, 0m), await DayAsync(First.AddDays(1)));
        Assert.Equal((1, 1200m), await DayAsync(First.AddDays(2)));
    }

    [Fact]
    public async Task A_refused_save_leaves_no_share_and_the_retry_counts_once()
    {
        var id = await fixture.WithDbAsync(async db =>
        {
            var invoice = NewInvoice("DT-3", First.AddDays(5), 1200m);
            db.Invoices.Add(invoice);
            await db.SaveChangesAsync();
            return invoice.Id;
        });

        await using var firstScope = fixture.BackOffice.Services.CreateAsyncScope();
        await using var secondScope = fixture.BackOffice.Services.CreateAsyncScope();
        var first = firstScope.ServiceProvider.GetRequiredService<LitigesDbContext>();
        var second = secondScope.ServiceProvider.GetRequiredService<LitigesDbContext>();
        var mine = await first.Invoices.SingleAsync(i => i.Id == id);
        var theirs = await second.Invoices.SingleAsync(i => i.Id == id);
        mine.RecordPayment(300m, First.AddDays(6), "DT-VIR-2");
        await first.SaveChangesAsync();
        theirs.RecordPayment(500m, First.AddDays(6), "DT-VIR-3");
        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => second.SaveChangesAsync());

        // The person reloads and records the payment again.
        second.ChangeTracker.Clear();
        var reloaded = await second.Invoices.SingleAsync(i => i.Id == id);
        reloaded.RecordPayment(500m, First.AddDays(6), "DT-VIR-3");
        await second.SaveChangesAsync();

        await AssertTotalsMatchInvoicesAsync();
        Assert.Equal((1, 400m), await DayAsync(First.AddDays(5)));
    }

    [Fact]
    public async Task Two_folds_at_once_keep_the_sums_and_leave_one_row_per_day()
    {
        await fixture.WithDbAsync(async db =>
        {
            for (var n = 0; n < 20; n++)
            {
                db.Invoices.Add(NewInvoice($"DT-F{n}", First.AddDays(20 + (n % 4)), 120m * (n + 1)));
                await db.SaveChangesAsync();
            }
        });

        await Task.WhenAll(FoldAsync(), FoldAsync());
        await FoldAsync();

        await AssertTotalsMatchInvoicesAsync();
        var rowsPerDay = await fixture.WithDbAsync(db => db.InvoiceDayTotals.GroupBy(t => t.IssueDate).Select(g => g.Count()).ToListAsync());
        Assert.All(rowsPerDay, count => Assert.Equal(1, count));
        Assert.Equal(0, await FoldAsync());
    }

    private async Task<int> FoldAsync()
    {
        await using var scope = fixture.BackOffice.Services.CreateAsyncScope();
        return await InvoiceDays.FoldAsync(scope.ServiceProvider.GetRequiredService<LitigesDbContext>());
    }

    private Invoice NewInvoice(string number, DateOnly issued, decimal gross)
    {
        var invoice = new Invoice(number, fixture.Data.AlphaId, issued, issued.AddDays(30));
        invoice.AddLine("Prestation", 1, gross / 1.2m, 0.20m);
        return invoice;
    }

    private Task<(int Invoices, decimal Open)> DayAsync(DateOnly day) =>
        fixture.WithDbAsync(async db =>
        {
            var shares = await db.InvoiceDayTotals.Where(t => t.IssueDate == day).Select(t => new { t.Invoices, t.Open }).ToListAsync();
            return (shares.Sum(s => s.Invoices), shares.Sum(s => s.Open));
        });

    private async Task AssertTotalsMatchInvoicesAsync()
    {
        var (totals, invoices) = await fixture.WithDbAsync(async db => (
            await db.InvoiceDayTotals.AsNoTracking().GroupBy(t => t.IssueDate)
                .Select(g => new { Day = g.Key, Invoices = g.Sum(t => t.Invoices), Gross = g.Sum(t => t.Gross), Open = g.Sum(t => t.Open) }).ToListAsync(),
            await db.Invoices.AsNoTracking().GroupBy(i => i.IssueDate)
                .Select(g => new { Day = g.Key, Invoices = g.Count(), Gross = g.Sum(i => i.TotalGross), Open = g.Sum(i => i.OpenBalance) }).ToListAsync()));
        Assert.Equal(invoices.OrderBy(d => d.Day), totals.Where(t => t.Invoices != 0 || t.Gross != 0m || t.Open != 0m).OrderBy(d => d.Day));
    }
}

public sealed class SqliteInvoiceDayTotalTests(SqliteFixture fixture) : InvoiceDayTotalTests<SqliteFixture>(fixture);

public sealed class PostgreSqlInvoiceDayTotalTests(PostgreSqlFixture fixture) : InvoiceDayTotalTests<PostgreSqlFixture>(fixture);
