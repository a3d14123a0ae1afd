using Litiges.Data;
using Litiges.Disputes;
using Litiges.Invoices;
using Litiges.Kpis;
using Litiges.Numbering;
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

    private static readonly DateOnly Earlier = new(2018, 3, 1);

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
        Assert.Equal(new InvoiceDayFold(0, Refused: false), await FoldAsync());
    }

    /// <summary>
    /// EF's documented pattern for a save in a transaction that may be retried: SaveChanges(false),
    /// commit, then AcceptAllChanges. A commit that fails (rolled back) is retried on the same
    /// tracked entities; the payment must count once in the day totals.
    /// </summary>
    [Fact]
    public async Task A_save_without_accepting_changes_retried_after_a_rollback_counts_once()
    {
        var id = await fixture.WithDbAsync(async db =>
        {
            var invoice = NewInvoice("RV-1", Earlier, 1200m);
            db.Invoices.Add(invoice);
            await db.SaveChangesAsync();
            return invoice.Id;
        });

        await fixture.WithDbAsync(async db =>
        {
            var invoice = await db.Invoices.SingleAsync(i => i.Id == id);
            invoice.RecordPayment(200m, Earlier.AddDays(3), "RV-VIR-1");

            // As the app would: inside the execution strategy (the server providers retry).
            await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
            {
                await using (var attempt = await db.Database.BeginTransactionAsync())
                {
                    await db.SaveChangesAsync(acceptAllChangesOnSuccess: false);
                    await attempt.RollbackAsync(); // the commit failed: nothing of this attempt stays
                }

                await using (var retry = await db.Database.BeginTransactionAsync())
                {
                    await db.SaveChangesAsync(acceptAllChangesOnSuccess: false);
                    await retry.CommitAsync();
                }
            });

            db.ChangeTracker.AcceptAllChanges();
        });

        var (invoices, open) = await DayAsync(Earlier);
        Assert.Equal((1, 1000m), (invoices, open));
    }

    /// <summary>
    /// DESIGN §7 / Kpis.Summary.Definition: blocked outstanding is "capped at what each invoice still
    /// owes". Two disputes block 800 € and 300 € of one invoice; a payment leaves 200 € owed.
    /// </summary>
    [Fact]
    public async Task Blocked_outstanding_of_two_disputes_on_one_invoice_is_capped_at_what_it_owes()
    {
        var now = DateTimeOffset.UtcNow;
        var customerId = await fixture.WithDbAsync(async db =>
        {
            var customer = new Customers.CustomerAccount("C-REVIEW-B", "Review Blocks", "552100554", "FR40552100554", new Customers.PostalAddress("1 rue", null, "69001", "Lyon", "France"));
            db.CustomerAccounts.Add(customer);
            await db.SaveChangesAsync();
            var invoice = new Invoice("RV-B1", customer.Id, Litiges.Deadlines.BusinessDate.Of(now).AddDays(-10), Litiges.Deadlines.BusinessDate.Of(now).AddDays(20));
            invoice.AddLine("Prestation", 1, 1000m, 0.20m);
            db.Invoices.Add(invoice);
            await db.SaveChangesAsync();
            var reason = await db.ReasonCodes.SingleAsync(r => r.Code == "FAC");
            var actor = new Actor("review", "Review", ActorRole.Customer, customer.Id);
            foreach (var amount in new[] { 800m, 300m })
            {
                var reference = await SequenceNumbers.NextAsync(db, "LIT", now.Year);
                db.Disputes.Add(Dispute.Open(reference, customer.Id, reason, "Écart", DesiredOutcome.CreditNote, [new DisputeClaim(invoice, null, amount)], DisputeSource.CustomerPortal, actor, now.AddMinutes(-5)));
                await db.SaveChangesAsync();
            }

            invoice.RecordPayment(1000m, Litiges.Deadlines.BusinessDate.Of(now), "RV-VIR-B1");
            await db.SaveChangesAsync();
            return customer.Id;
        });

        var today = Litiges.Deadlines.BusinessDate.Of(now);
        var blocked = (await fixture.WithDbAsync(db => KpiQueries.ComputeAsync(db, new KpiFilter(today.AddDays(-30), today) { CustomerAccountId = customerId }, now))).Blocked;

        Assert.Equal((200m, 1, 2), (blocked.Amount, blocked.Invoices, blocked.DisputeCount));
    }

    [Fact]
    public async Task Migrate_repairs_day_totals_and_resolution_days_changed_behind_the_apps_back()
    {
        var id = await fixture.WithDbAsync(async db =>
        {
            var invoice = NewInvoice("RV-R1", Earlier.AddDays(60), 1200m);
            db.Invoices.Add(invoice);
            await db.SaveChangesAsync();
            return invoice.Id;
        });
        var ended = await fixture.WithDbAsync(async db =>
        {
            var agent = new Actor("repair-agent", "Agent", ActorRole.Agent);
            var dispute = await db.Disputes.Include(d => d.Items).ThenInclude(i => i.Invoice).ThenInclude(i => i!.DunningBlocks)
                .SingleAsync(d => d.Id == fixture.Data.BetaDispute.Id);
            if (dispute.EndedAt is null)
            {
                dispute.Acknowledge(agent, dispute.SubmittedAt.AddHours(2));
                dispute.Reject(agent, "Conforme", dispute.SubmittedAt.AddDays(5));
                await db.SaveChangesAsync();
            }

            return dispute.Id;
        });

        // A change made by hand, and a dispute ended by a version that did not keep its days.
        await fixture.WithDbAsync(async db =>
        {
            await db.Invoices.Where(i => i.Id == id).ExecuteUpdateAsync(u => u.SetProperty(i => i.OpenBalance, 700m));
            await db.Disputes.Where(d => d.Id == ended).ExecuteUpdateAsync(u => u.SetProperty(d => d.ResolutionDays, (double?)null));
        });
        Assert.Equal((1, 1200m), await DayAsync(Earlier.AddDays(60)));

        await DatabaseMigrator.MigrateAsync(fixture.BackOffice.Services, demoData: false);

        Assert.Equal((1, 700m), await DayAsync(Earlier.AddDays(60)));
        await AssertTotalsMatchInvoicesAsync();
        var (_, durations) = await ActualAsync();
        var (_, expectedDurations) = await ExpectedAsync();
        Assert.Equal(expectedDurations.Count, durations.Count);
        Assert.Equal(expectedDurations[ended], durations[ended], 9);
    }

    private async Task<(List<(DateOnly Day, int Invoices, decimal Gross, decimal Open)> Days, Dictionary<int, double> Durations)> ExpectedAsync() =>
        await fixture.WithDbAsync(async db =>
        {
            var invoices = await db.Invoices.AsNoTracking().Select(i => new { i.IssueDate, i.TotalGross, i.OpenBalance }).ToListAsync();
            var days = invoices.GroupBy(i => i.IssueDate).OrderBy(g => g.Key)
                .Select(g => (g.Key, g.Count(), g.Sum(i => i.TotalGross), g.Sum(i => i.OpenBalance))).ToList();
            var ended = await db.Disputes.AsNoTracking().Where(d => d.EndedAt != null).Select(d => new { d.Id, d.SubmittedAt, d.EndedAt }).ToListAsync();
            return (days, ended.ToDictionary(d => d.Id, d => (d.EndedAt!.Value - d.SubmittedAt).TotalDays));
        });

    private async Task<(List<(DateOnly Day, int Invoices, decimal Gross, decimal Open)> Days, Dictionary<int, double> Durations)> ActualAsync() =>
        await fixture.WithDbAsync(async db =>
        {
            var totals = await db.InvoiceDayTotals.AsNoTracking().Select(t => new { t.IssueDate, t.Invoices, t.Gross, t.Open }).ToListAsync();
            var days = totals.GroupBy(t => t.IssueDate).OrderBy(g => g.Key)
                .Select(g => (g.Key, g.Sum(t => t.Invoices), g.Sum(t => t.Gross), g.Sum(t => t.Open))).ToList();
            var durations = await db.Disputes.AsNoTracking().Where(d => d.ResolutionDays != null).ToDictionaryAsync(d => d.Id, d => d.ResolutionDays!.Value);
            return (days, durations);
        });

    private async Task<InvoiceDayFold> FoldAsync()
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
