using System.Text.Json;
using Litiges.Data;
using Litiges.Deadlines;
using Litiges.Disputes;
using Litiges.Invoices;
using Litiges.Kpis;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Litiges.IntegrationTests.Kpis;

/// <summary>
/// Every figure of the dashboard over the first quarter of 2025 against the values worked out by
/// hand from <see cref="KpiFixture"/>, then each figure's disputes against the disputes it counts.
/// </summary>
public abstract class KpiTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : KpiFixture
{
    private static readonly KpiFilter Quarter = new(new DateOnly(2025, 1, 1), new DateOnly(2025, 3, 31)) { Interval = KpiInterval.Month };

    private KpiData Kpi => fixture.Kpi;

    [Fact]
    public async Task Open_disputes_and_their_age_are_counted_on_the_day()
    {
        var report = await ComputeAsync(Quarter);

        Assert.Equal(new DateOnly(2025, 4, 10), report.Today);
        Assert.Equal((4, 4000m), (report.Open.Total.Count, report.Open.Total.Amount));
        Assert.Equal(
            [(AgeBucket.UpTo15, 2, 1100m), (AgeBucket.From16To30, 0, 0m), (AgeBucket.From31To60, 1, 900m), (AgeBucket.Over60, 1, 2000m)],
            report.Open.Ageing.Select(a => (a.Bucket, a.Figure.Count, a.Figure.Amount)));
    }

    [Fact]
    public async Task New_resolved_and_withdrawn_disputes_per_month_cut_days_in_Paris()
    {
        var report = await ComputeAsync(Quarter);

        Assert.Equal([new DateOnly(2025, 1, 1), new(2025, 2, 1), new(2025, 3, 1)], report.Trend.Select(t => t.Start));
        Assert.Equal([new DateOnly(2025, 1, 31), new(2025, 2, 28), new(2025, 3, 31)], report.Trend.Select(t => t.End));
        Assert.Equal([(5, 6300m), (2, 600m), (2, 1300m)], report.Trend.Select(t => (t.New.Count, t.New.Amount)));

        // D5, rejected in February then reopened, counts once: when it was resolved in March.
        Assert.Equal([(1, 300m), (1, 100m), (3, 4000m)], report.Trend.Select(t => (t.Resolved.Count, t.Resolved.Amount)));
        Assert.Equal([0, 1, 0], report.Trend.Select(t => t.Withdrawn.Count));
    }

    [Fact]
    public async Task Weekly_trend_starts_each_week_on_monday()
    {
        var report = await ComputeAsync(Quarter with { Interval = KpiInterval.Week });

        Assert.Equal(14, report.Trend.Count);
        Assert.Equal((new DateOnly(2025, 1, 1), new DateOnly(2025, 1, 5)), (report.Trend[0].Start, report.Trend[0].End));
        Assert.Equal((new DateOnly(2025, 1, 6), new DateOnly(2025, 1, 12)), (report.Trend[1].Start, report.Trend[1].End));
        Assert.Equal((new DateOnly(2025, 3, 31), new DateOnly(2025, 3, 31)), (report.Trend[^1].Start, report.Trend[^1].End));
        Assert.Equal((1, 2000m), (report.Trend[0].New.Count, report.Trend[0].New.Amount));
        Assert.Equal((2, 900m), (report.Trend[1].New.Count, report.Trend[1].New.Amount));
        Assert.Equal(9, report.Trend.Sum(t => t.New.Count));
        Assert.Equal((1, 400m), (report.Trend[^1].New.Count, report.Trend[^1].New.Amount));
        Assert.Equal((1, 2400m), (report.Trend[^1].Resolved.Count, report.Trend[^1].Resolved.Amount));
    }

    [Fact]
    public async Task Disputed_invoice_rate_compares_disputed_invoices_with_invoices_issued()
    {
        var rate = (await ComputeAsync(Quarter)).DisputedInvoices;

        Assert.Equal((10, 17400m, 8, 13800m), (rate.IssuedCount, rate.IssuedAmount, rate.DisputedCount, rate.DisputedAmount));
        Assert.Equal(0.8m, rate.CountRate);
        Assert.Equal(13800m / 17400m, rate.AmountRate);
    }

    [Fact]
    public async Task Resolution_time_is_averaged_and_halved_from_submission_to_decision()
    {
        var resolution = (await ComputeAsync(Quarter)).Resolution;

        Assert.Equal((5, 36.8m, 46m), (resolution.All.Count, resolution.All.AverageDays, resolution.All.MedianDays));
        Assert.Equal(
            [("FAC", 2, 40m, 40m), ("LIV", 1, 56m, 56m), ("QUA", 1, 46m, 46m), ("TEC", 1, 2m, 2m)],
            resolution.ByReason.Select(r => (r.ReasonCode!, r.Count, r.AverageDays!.Value, r.MedianDays!.Value)));
    }

    [Fact]
    public async Task Sla_share_counts_the_pause_and_breaches_are_counted_per_step_in_the_period()
    {
        var sla = (await ComputeAsync(Quarter)).Sla;

        Assert.Equal((5, 3, 1000m, 2, 3400m), (sla.Decided.Count, sla.Within.Count, sla.Within.Amount, sla.Late.Count, sla.Late.Amount));
        Assert.Equal(0.6m, sla.Share);
        Assert.Equal(
            [(DeadlineKind.Acknowledge, 0), (DeadlineKind.FirstAnswer, 1), (DeadlineKind.Resolve, 1), (DeadlineKind.HardLimit, 1)],
            sla.Breaches.Select(b => (b.Step, b.Count)));
    }

    [Fact]
    public async Task Blocked_outstanding_is_capped_at_what_the_invoice_still_owes()
    {
        var blocked = (await ComputeAsync(Quarter)).Blocked;

        // D8 blocks 900 € of an invoice that a credit note brought down to 600 €.
        Assert.Equal((3700m, 4, 4), (blocked.Amount, blocked.Invoices, blocked.DisputeCount));
    }

    [Fact]
    public async Task Recurring_disputes_look_at_the_twelve_months_ending_with_the_period()
    {
        var recurring = (await ComputeAsync(Quarter)).Recurring;

        Assert.Equal((new DateOnly(2024, 4, 1), new DateOnly(2025, 3, 31)), (recurring.WindowFrom, recurring.WindowTo));
        Assert.Equal((4, 3, 0.75m), (recurring.Customers, recurring.RepeatCustomers, recurring.Share));
        Assert.Equal([(Kpi.K(2), "LIV", 3), (Kpi.K(1), "FAC", 2)], recurring.RepeatedReasons.Select(r => (r.CustomerAccountId, r.ReasonCode, r.Count)));
    }

    [Fact]
    public async Task Top_customers_reason_codes_and_root_causes_rank_amounts_and_counts()
    {
        var report = await ComputeAsync(Quarter);

        Assert.Equal(
            [(Kpi.K(1), 4, 4600m), (Kpi.K(3), 2, 2400m), (Kpi.K(2), 2, 1100m), (Kpi.K(4), 1, 100m)],
            report.TopCustomers.Select(c => (c.CustomerAccountId, c.Figure.Count, c.Figure.Amount)));
        Assert.Equal("Kpi Client 1", report.TopCustomers[0].Customer);
        Assert.Equal(
            [("FAC", 3, 3100m), ("QUA", 2, 3000m), ("LIV", 3, 2000m), ("TEC", 1, 100m)],
            report.ByReason.Select(r => (r.ReasonCode, r.Figure.Count, r.Figure.Amount)));
        Assert.Equal(
            [(Kpi.CauseA, 2, 900m), (Kpi.CauseB, 1, 100m)],
            report.ByRootCause.Select(r => (r.RootCauseId, r.Figure.Count, r.Figure.Amount)));
    }

    [Fact]
    public async Task Dso_rebuilds_receivables_at_the_end_of_the_period()
    {
        var dso = (await ComputeAsync(Quarter)).Dso;

        // Payments and credit notes after 31 March are added back; blocks placed after it are not disputed yet.
        Assert.Equal((20100m, 7800m, 17400m, 90), (dso.Receivables, dso.DisputedReceivables, dso.CreditSales, dso.Days));
        Assert.Equal(104.0m, dso.Dso);
        Assert.Equal(63.6m, dso.DsoExcludingDisputed);
    }

    [Fact]
    public async Task Dso_equals_a_recount_of_every_invoice_at_each_month_end()
    {
        var (invoices, payments, credits, blocks) = await fixture.WithDbAsync(async db => (
            await db.Invoices.AsNoTracking().Select(i => new { i.Id, i.CustomerAccountId, i.IssueDate, i.TotalGross, i.OpenBalance }).ToListAsync(),
            await db.Payments.AsNoTracking().Select(p => new { p.InvoiceId, On = p.ReceivedOn, p.Amount }).ToListAsync(),
            await db.CreditNotes.AsNoTracking().Select(c => new { c.InvoiceId, On = c.IssueDate, Amount = c.TotalGross }).ToListAsync(),
            await db.DunningBlocks.AsNoTracking().Select(b => new { b.InvoiceId, b.PlacedAt, b.LiftedAt }).ToListAsync()));

        var checkedMonths = 0;
        for (var month = new DateOnly(2024, 12, 1); month <= new DateOnly(2025, 4, 1); month = month.AddMonths(1))
        {
            var filter = new KpiFilter(month, month.AddMonths(1).AddDays(-1));
            foreach (var customer in new int?[] { null, Kpi.K(1), Kpi.K(2), Kpi.K(3), Kpi.K(4) })
            {
                var (to, end) = (filter.To, filter.End);
                var issued = invoices.Where(i => i.IssueDate <= to && (customer == null || i.CustomerAccountId == customer)).ToList();
                decimal OwedAtEnd(int invoiceId, decimal openToday) =>
                    openToday + payments.Where(p => p.InvoiceId == invoiceId && p.On > to).Sum(p => p.Amount) + credits.Where(c => c.InvoiceId == invoiceId && c.On > to).Sum(c => c.Amount);
                bool BlockedAtEnd(int invoiceId) => blocks.Any(b => b.InvoiceId == invoiceId && b.PlacedAt < end && (b.LiftedAt == null || b.LiftedAt >= end));

                var dso = (await ComputeAsync(filter with { CustomerAccountId = customer })).Dso;

                Assert.Equal(issued.Sum(i => OwedAtEnd(i.Id, i.OpenBalance)), dso.Receivables);
                Assert.Equal(issued.Where(i => BlockedAtEnd(i.Id)).Sum(i => OwedAtEnd(i.Id, i.OpenBalance)), dso.DisputedReceivables);
                Assert.Equal(issued.Where(i => i.IssueDate >= filter.From).Sum(i => i.TotalGross), dso.CreditSales);
                checkedMonths++;
            }
        }

        Assert.Equal(25, checkedMonths);
    }

    [Fact]
    public async Task Folding_the_day_totals_leaves_one_row_per_day_and_changes_no_figure()
    {
        var before = await ComputeAsync(Quarter);

        await fixture.WithDbAsync(db => InvoiceDays.FoldAsync(db));

        var (totals, invoices) = await fixture.WithDbAsync(async db => (
            await db.InvoiceDayTotals.AsNoTracking().OrderBy(t => t.IssueDate).Select(t => new { t.IssueDate, t.Invoices, t.Gross, t.Open }).ToListAsync(),
            await db.Invoices.AsNoTracking().GroupBy(i => i.IssueDate).OrderBy(g => g.Key)
                .Select(g => new { IssueDate = g.Key, Invoices = g.Count(), Gross = g.Sum(i => i.TotalGross), Open = g.Sum(i => i.OpenBalance) }).ToListAsync()));
        Assert.Equal(invoices, totals);
        Assert.Equal(JsonSerializer.Serialize(before), JsonSerializer.Serialize(await ComputeAsync(Quarter)));
    }

    [Fact]
    public async Task Filters_narrow_every_figure()
    {
        var billing = await ComputeAsync(Quarter with { ReasonCode = "FAC" });
        Assert.Equal((3, 3100m), (billing.Trend.Sum(t => t.New.Count), billing.Trend.Sum(t => t.New.Amount)));
        Assert.Equal((2, 40m, 40m), (billing.Resolution.All.Count, billing.Resolution.All.AverageDays, billing.Resolution.All.MedianDays));
        Assert.Equal((2, 1), (billing.Sla.Decided.Count, billing.Sla.Within.Count));
        Assert.Equal((2, 1100m), (billing.Open.Total.Count, billing.Open.Total.Amount));
        Assert.Equal((10, 4), (billing.DisputedInvoices.IssuedCount, billing.DisputedInvoices.DisputedCount));

        var logistics = await fixture.WithDbAsync(db => db.Departments.Where(d => d.Code == ReferenceData.Departments.Logistics).Select(d => d.Id).SingleAsync());
        var delivery = await ComputeAsync(Quarter with { DepartmentId = logistics });
        Assert.Equal((3, 2000m), (delivery.Trend.Sum(t => t.New.Count), delivery.Trend.Sum(t => t.New.Amount)));
        Assert.Equal((600m, 1, 1), (delivery.Blocked.Amount, delivery.Blocked.Invoices, delivery.Blocked.DisputeCount));

        var owned = await ComputeAsync(Quarter with { OwnerUserId = Kpi.OwnerId });
        Assert.Equal((1, 2000m), (owned.Open.Total.Count, owned.Open.Total.Amount));
        Assert.Equal(1, owned.Trend.Sum(t => t.New.Count));
        var unowned = await ComputeAsync(Quarter with { OwnerUserId = KpiFilter.Unassigned });
        Assert.Equal(8, unowned.Trend.Sum(t => t.New.Count));

        var second = await ComputeAsync(Quarter with { CustomerAccountId = Kpi.K(2) });
        Assert.Equal((2, 1100m), (second.Trend.Sum(t => t.New.Count), second.Trend.Sum(t => t.New.Amount)));
        Assert.Equal((3000m, 0m, 2400m), (second.Dso.Receivables, second.Dso.DisputedReceivables, second.Dso.CreditSales));
        Assert.Equal(112.5m, second.Dso.Dso);
        Assert.Equal((1, 1), (second.Recurring.Customers, second.Recurring.RepeatCustomers));
    }

    [Fact]
    public async Task Each_figure_selects_exactly_the_disputes_it_counts()
    {
        var report = await ComputeAsync(Quarter);

        await AssertSelectsAsync(report.Open.Total, 6, 7, 8, 9);
        await AssertSelectsAsync(report.Open.Ageing[0].Figure, 6, 9);
        await AssertSelectsAsync(report.Open.Ageing[1].Figure);
        await AssertSelectsAsync(report.Open.Ageing[2].Figure, 8);
        await AssertSelectsAsync(report.Open.Ageing[3].Figure, 7);
        await AssertSelectsAsync(report.Trend[0].New, 1, 2, 3, 5, 7);
        await AssertSelectsAsync(report.Trend[1].Resolved, 12);
        await AssertSelectsAsync(report.Trend[1].Withdrawn, 4);
        await AssertSelectsAsync(report.Trend[2].Resolved, 2, 3, 5);
        await AssertSelectsAsync(report.Sla.Within, 1, 3, 12);
        await AssertSelectsAsync(report.Sla.Late, 2, 5);
        await AssertSelectsAsync(report.ByRootCause[0].Figure, 1, 3);
        await AssertSelectsAsync(report.TopCustomers[0].Figure, 1, 2, 5, 8);
        await AssertSelectsAsync(report.ByReason.Single(r => r.ReasonCode == "LIV").Figure, 3, 4, 8);
        Assert.Equal(Ids(2), await SelectAsync(report.Sla.Breaches.Single(b => b.Step == DeadlineKind.Resolve).Disputes));
        Assert.Empty(await SelectAsync(report.Sla.Breaches.Single(b => b.Step == DeadlineKind.Acknowledge).Disputes));
        Assert.Equal(Ids(1, 2, 4, 5, 6, 8, 9, 12), await SelectAsync(report.DisputedInvoices.Disputes));
        Assert.Equal(Ids(6, 7, 8, 9), await SelectAsync(report.Blocked.Disputes));
        Assert.Equal(Ids(3, 4, 10), await SelectAsync(report.Recurring.RepeatedReasons[0].Disputes));
        Assert.Equal(Ids(1, 2), await SelectAsync(report.Resolution.ByReason.Single(r => r.ReasonCode == "FAC").Disputes));
    }

    private async Task AssertSelectsAsync(Figure figure, params int[] disputes)
    {
        var selected = await SelectAsync(figure.Disputes);
        Assert.Equal(Ids(disputes), selected);
        Assert.Equal(figure.Count, selected.Count);
        var amount = await fixture.WithDbAsync(db => db.Disputes.Where(d => selected.Contains(d.Id)).Select(d => d.DisputedAmount).ToListAsync());
        Assert.Equal(figure.Amount, amount.Sum());
    }

    private Task<List<int>> SelectAsync(DisputeSelection selection) =>
        fixture.WithDbAsync(db => selection.Apply(db.Disputes.AsNoTracking()).Select(d => d.Id).OrderBy(id => id).ToListAsync());

    private List<int> Ids(params int[] numbers) => numbers.Select(Kpi.D).Order().ToList();

    [Fact]
    public async Task Queries_run_side_by_side_give_the_figures_of_queries_run_one_after_the_other()
    {
        foreach (var filter in new[] { Quarter, Quarter with { ReasonCode = "FAC" }, Quarter with { CustomerAccountId = Kpi.K(2), Interval = KpiInterval.Week } })
        {
            var sequential = await fixture.WithDbAsync(db => KpiQueries.ComputeAsync(db, filter, KpiFixture.Now));
            var parallel = await ComputeAsync(filter);

            Assert.Equal(JsonSerializer.Serialize(sequential), JsonSerializer.Serialize(parallel));
        }
    }

    // As the page computes it: the queries side by side, each on a context of its own.
    private Task<KpiReport> ComputeAsync(KpiFilter filter) =>
        KpiQueries.ComputeAsync(fixture.BackOffice.Services.GetRequiredService<IServiceScopeFactory>(), filter, KpiFixture.Now);
}

public sealed class SqliteKpiTests(KpiSqliteFixture fixture) : KpiTests<KpiSqliteFixture>(fixture);

public sealed class PostgreSqlKpiTests(KpiPostgreSqlFixture fixture) : KpiTests<KpiPostgreSqlFixture>(fixture);
