using System.Linq.Expressions;
using Litiges.Data;
using Litiges.Deadlines;
using Litiges.Disputes;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query;
using Microsoft.Extensions.DependencyInjection;

namespace Litiges.Kpis;

/// <summary>
/// Computes the dashboard of DESIGN §7 with aggregate queries: every count, sum and average runs
/// in the database (SQLite stores amounts and instants as integers, so its sums are exact too);
/// only the aggregated rows come back. Periods are cut on day starts in Paris, the same cut the
/// queue applies, so each figure's <see cref="DisputeSelection"/> lists exactly what it counts.
/// </summary>
public static class KpiQueries
{
    public const int TopCount = 10;

    private static readonly DisputeSelection Unfiltered = new();

    /// <summary>Queries run side by side by default: about as many as the database has cores to serve them.</summary>
    public const int DefaultParallelism = 4;

    /// <summary>The whole dashboard, its queries one after the other on <paramref name="db"/>.</summary>
    public static Task<KpiReport> ComputeAsync(LitigesDbContext db, KpiFilter filter, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        ComputeAsync(new KpiQueryRunner(db, cancellationToken), filter, now);

    /// <summary>
    /// The whole dashboard, its independent queries side by side (at most
    /// <paramref name="parallelism"/> at once), each on a context of its own from a new scope. On
    /// SQLite they run one after the other on one context: side by side they were twice as slow in
    /// the benchmark, each connection reading the file into its own cache.
    /// </summary>
    public static async Task<KpiReport> ComputeAsync(IServiceScopeFactory scopes, KpiFilter filter, DateTimeOffset now, int parallelism = DefaultParallelism, CancellationToken cancellationToken = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LitigesDbContext>();
        return db.Database.IsSqlite()
            ? await ComputeAsync(db, filter, now, cancellationToken)
            : await ComputeAsync(new KpiQueryRunner(scopes, parallelism, cancellationToken), filter, now);
    }

    private static async Task<KpiReport> ComputeAsync(KpiQueryRunner run, KpiFilter filter, DateTimeOffset now)
    {
        if (filter.To < filter.From)
        {
            throw new ArgumentException("The period ends before it starts.", nameof(filter));
        }

        try
        {
            var today = KpiDays.DateOf(now);
            var basis = DisputeSelection.Of(filter);
            var ledger = run.Start((db, ct) => LedgerTotalsAsync(db, filter, ct));
            var disputedIssued = run.Start((db, ct) => DisputedIssuedAsync(db, filter, basis, ct));
            var open = run.Start((db, ct) => OpenAsync(db, basis, today, ct));
            var trend = run.Start((db, ct) => TrendAsync(db, filter, basis, ct));
            var resolution = run.Track(ResolutionAsync(run, filter, basis));
            var sla = run.Start((db, ct) => SlaAsync(db, filter, basis, ct));
            var blocked = run.Start((db, ct) => BlockedAsync(db, basis, today, ct));
            var recurring = run.Start((db, ct) => RecurringAsync(db, filter, basis, ct));
            var top = run.Start((db, ct) => TopCustomersAsync(db, filter, basis, ct));
            var byReason = run.Start((db, ct) => ByReasonAsync(db, filter, basis, ct));
            var byRootCause = run.Start((db, ct) => ByRootCauseAsync(db, filter, basis, ct));
            var dso = run.Track(DsoAsync(run, filter, ledger));
            return new KpiReport(
                filter,
                today,
                await open,
                await trend,
                DisputedInvoices(filter, basis, await ledger, await disputedIssued),
                await resolution,
                await sla,
                await blocked,
                await recurring,
                await top,
                await byReason,
                await byRootCause,
                await dso);
        }
        finally
        {
            await run.DisposeAsync();
        }
    }

    private static IQueryable<Dispute> Disputes(LitigesDbContext db, DisputeSelection selection) =>
        selection.Apply(db.Disputes.AsNoTracking());

    // The disputed items and blocks of the disputes the selection admits: looked up among the
    // disputes only when it has a criterion, since every item and block belongs to a dispute.
    private static IQueryable<DisputedItem> OfDisputes(IQueryable<DisputedItem> items, LitigesDbContext db, DisputeSelection selection)
    {
        if (selection == Unfiltered)
        {
            return items;
        }

        var disputes = Disputes(db, selection);
        return items.Where(x => disputes.Any(d => d.Id == x.DisputeId));
    }

    private static IQueryable<Invoices.DunningBlock> OfDisputes(IQueryable<Invoices.DunningBlock> blocks, LitigesDbContext db, DisputeSelection selection)
    {
        if (selection == Unfiltered)
        {
            return blocks;
        }

        var disputes = Disputes(db, selection);
        return blocks.Where(b => disputes.Any(d => d.Id == b.DisputeId));
    }

    /// <summary>Open disputes submitted up to today, by age: 0-15, 16-30, 31-60 and over 60 days since the day of submission.</summary>
    private static async Task<OpenDisputes> OpenAsync(LitigesDbContext db, DisputeSelection basis, DateOnly today, CancellationToken cancellationToken)
    {
        var open = basis with { Statuses = DisputeStatuses.Open, Dated = DisputeDate.Submitted, To = today };
        var ranges = new (AgeBucket Bucket, DateOnly? From, DateOnly To)[]
        {
            (AgeBucket.Over60, null, today.AddDays(-61)),
            (AgeBucket.From31To60, today.AddDays(-60), today.AddDays(-31)),
            (AgeBucket.From16To30, today.AddDays(-30), today.AddDays(-16)),
            (AgeBucket.UpTo15, today.AddDays(-15), today),
        };
        var rows = await GroupByPeriodAsync(Disputes(db, open), d => d.SubmittedAt, ranges.Skip(1).Select(r => r.From!.Value).ToList(), cancellationToken);
        var ageing = ranges.Reverse().Select(r =>
        {
            var row = rows.GetValueOrDefault((int)AgeBucket.Over60 - (int)r.Bucket);
            return new AgeingFigure(r.Bucket, new Figure(row.Count, row.Amount, open with { From = r.From, To = r.To }));
        }).ToList();
        return new OpenDisputes(new Figure(ageing.Sum(a => a.Figure.Count), ageing.Sum(a => a.Figure.Amount), open), ageing);
    }

    private static async Task<IReadOnlyList<TrendPoint>> TrendAsync(LitigesDbContext db, KpiFilter filter, DisputeSelection basis, CancellationToken cancellationToken)
    {
        var starts = new List<DateOnly> { filter.From };
        for (var day = filter.From.AddDays(1); day <= filter.To; day = day.AddDays(1))
        {
            var isStart = filter.EffectiveInterval == KpiInterval.Week ? day.DayOfWeek == DayOfWeek.Monday : day.Day == 1;
            if (isStart)
            {
                starts.Add(day);
            }
        }

        var submitted = basis with { Statuses = DisputeSelection.Any, Dated = DisputeDate.Submitted, From = filter.From, To = filter.To };
        var decided = basis with { Statuses = DisputeSelection.Decided, Dated = DisputeDate.Ended, From = filter.From, To = filter.To };
        var withdrawn = decided with { Statuses = [DisputeStatus.Withdrawn] };
        var boundaries = starts.Skip(1).ToList();
        var news = await GroupByPeriodAsync(Disputes(db, submitted), d => d.SubmittedAt, boundaries, cancellationToken);
        // Decided and withdrawn disputes end in the same column: one query, split on the status.
        var ended = decided with { Statuses = [.. DisputeSelection.Decided, DisputeStatus.Withdrawn] };
        var endings = await GroupByPeriodAsync(Disputes(db, ended), d => d.EndedAt, boundaries, cancellationToken, d => d.Status == DisputeStatus.Withdrawn);
        var ends = endings.Where(e => e.Key % 2 == 0).ToDictionary(e => e.Key / 2, e => e.Value);
        var withdrawals = endings.Where(e => e.Key % 2 == 1).ToDictionary(e => e.Key / 2, e => e.Value);

        return starts.Select((start, i) =>
        {
            var end = i + 1 < starts.Count ? starts[i + 1].AddDays(-1) : filter.To;
            Figure At(Dictionary<int, (int Count, decimal Amount)> rows, DisputeSelection selection)
            {
                var row = rows.GetValueOrDefault(i);
                return new Figure(row.Count, row.Amount, selection with { From = start, To = end });
            }

            return new TrendPoint(start, end, At(news, submitted), At(ends, decided), At(withdrawals, withdrawn));
        }).ToList();
    }

    /// <summary>
    /// Counts and sums the disputes per period in one query: the period's index is a CASE on the
    /// instant, compared with the day starts of <paramref name="boundaries"/> (each one starts a period).
    /// With <paramref name="split"/>, the key is twice the index, plus one for the disputes it holds for.
    /// </summary>
    private static async Task<Dictionary<int, (int Count, decimal Amount)>> GroupByPeriodAsync(
        IQueryable<Dispute> disputes,
        Expression<Func<Dispute, DateTimeOffset?>> instant,
        List<DateOnly> boundaries,
        CancellationToken cancellationToken,
        Expression<Func<Dispute, bool>>? split = null)
    {
        var parameter = instant.Parameters[0];
        Expression index = Expression.Constant(boundaries.Count);
        for (var i = boundaries.Count - 1; i >= 0; i--)
        {
            var before = Expression.LessThan(instant.Body, Expression.Constant(KpiDays.StartOf(boundaries[i]), typeof(DateTimeOffset?)));
            index = Expression.Condition(before, Expression.Constant(i), index);
        }

        if (split is not null)
        {
            var holds = ReplacingExpressionVisitor.Replace(split.Parameters[0], parameter, split.Body);
            index = Expression.Add(Expression.Multiply(index, Expression.Constant(2)), Expression.Condition(holds, Expression.Constant(1), Expression.Constant(0)));
        }

        var key = Expression.Lambda<Func<Dispute, int>>(index, parameter);
        var rows = await disputes
            .GroupBy(key)
            .Select(g => new { g.Key, Count = g.Count(), Amount = g.Sum(d => d.DisputedAmount) })
            .ToListAsync(cancellationToken);
        return rows.ToDictionary(r => r.Key, r => (r.Count, r.Amount));
    }

    /// <summary>The customer's invoices (or all), as the ledger KPIs read them.</summary>
    private static IQueryable<Invoices.Invoice> Invoices(LitigesDbContext db, KpiFilter filter) =>
        filter.CustomerAccountId is { } customer
            ? db.Invoices.AsNoTracking().Where(i => i.CustomerAccountId == customer)
            : db.Invoices.AsNoTracking();

    /// <summary>
    /// What the invoices issued by the end of the period still owe today, and how many were issued
    /// in it for how much: summed from the day totals that every invoice change keeps
    /// (<see cref="InvoiceDayTotal"/>), or from the customer's own invoices when the view is one
    /// customer's.
    /// </summary>
    private static async Task<LedgerTotals> LedgerTotalsAsync(LitigesDbContext db, KpiFilter filter, CancellationToken cancellationToken)
    {
        var (from, to) = (filter.From, filter.To);

        // A group by a constant gives one row or none: read as a list, not with FirstOrDefault,
        // which EF warns about at every start-up when there is no ORDER BY (here as below).
        var row = filter.CustomerAccountId is null
            ? (await db.InvoiceDayTotals.AsNoTracking()
                .Where(t => t.IssueDate <= to)
                .GroupBy(_ => 1)
                .Select(g => new LedgerTotals(g.Sum(t => t.Open), g.Sum(t => t.IssueDate >= from ? t.Invoices : 0), g.Sum(t => t.IssueDate >= from ? t.Gross : 0m)))
                .ToListAsync(cancellationToken)).SingleOrDefault()
            : (await Invoices(db, filter)
                .Where(i => i.IssueDate <= to)
                .GroupBy(_ => 1)
                .Select(g => new LedgerTotals(g.Sum(i => i.OpenBalance), g.Count(i => i.IssueDate >= from), g.Sum(i => i.IssueDate >= from ? i.TotalGross : 0m)))
                .ToListAsync(cancellationToken)).SingleOrDefault();
        return row ?? new LedgerTotals(0m, 0, 0m);
    }

    /// <summary>The invoices issued in the period that a dispute under every filter covers (the covered invoices are a subquery the database evaluates once).</summary>
    private static async Task<(int Count, decimal Amount)> DisputedIssuedAsync(LitigesDbContext db, KpiFilter filter, DisputeSelection basis, CancellationToken cancellationToken)
    {
        var (from, to) = (filter.From, filter.To);
        var covered = OfDisputes(db.DisputedItems, db, basis).Select(x => x.InvoiceId);
        var row = (await Invoices(db, filter)
            .Where(i => i.IssueDate >= from && i.IssueDate <= to && covered.Contains(i.Id))
            .GroupBy(_ => 1)
            .Select(g => new { Count = g.Count(), Amount = g.Sum(i => i.TotalGross) })
            .ToListAsync(cancellationToken)).SingleOrDefault();
        return (row?.Count ?? 0, row?.Amount ?? 0m);
    }

    /// <summary>Invoices issued in the period (customer filter only), and those covered by a dispute under every filter.</summary>
    private static DisputedInvoiceRate DisputedInvoices(KpiFilter filter, DisputeSelection basis, LedgerTotals ledger, (int Count, decimal Amount) disputed)
    {
        var selection = basis with { Statuses = DisputeSelection.Any, Dated = DisputeDate.Invoiced, From = filter.From, To = filter.To };
        return new DisputedInvoiceRate(ledger.Issued, ledger.Sales, disputed.Count, disputed.Amount, selection);
    }

    /// <summary>Average and median days from submission to decision, overall and per reason code: counts and sums per reason in one query, then each median side by side.</summary>
    private static async Task<ResolutionTimes> ResolutionAsync(KpiQueryRunner run, KpiFilter filter, DisputeSelection basis)
    {
        var decided = basis with { Statuses = DisputeSelection.Decided, Dated = DisputeDate.Ended, From = filter.From, To = filter.To };
        var groups = await run.Start((db, ct) => Durations(db, decided)
            .GroupBy(d => d.ReasonCode)
            .OrderBy(g => g.Key)
            .Select(g => new { Reason = g.Key, Count = g.Count(), Total = g.Sum(d => d.ResolutionDays!.Value) })
            .ToListAsync(ct));

        var count = groups.Sum(g => g.Count);
        var medians = groups.Select(g => run.Start((db, ct) => MedianAsync(Durations(db, decided with { ReasonCode = g.Reason }), g.Count, ct))).ToList();
        var median = run.Start((db, ct) => MedianAsync(Durations(db, decided), count, ct));

        var byReason = new List<ResolutionTime>();
        for (var i = 0; i < groups.Count; i++)
        {
            var group = groups[i];
            byReason.Add(new ResolutionTime(group.Reason, group.Count, Days(group.Total / group.Count), await medians[i], decided with { ReasonCode = group.Reason }));
        }

        var average = count == 0 ? (double?)null : groups.Sum(g => g.Total) / count;
        var all = new ResolutionTime(null, count, Days(average), await median, decided);
        return new ResolutionTimes(all, byReason);
    }

    /// <summary>The decided disputes of the selection, with the days each took (recorded when it ended).</summary>
    private static IQueryable<Dispute> Durations(LitigesDbContext db, DisputeSelection decided) =>
        Disputes(db, decided).Where(d => d.ResolutionDays != null);

    /// <summary>The middle value (or the mean of the two middle values) read from the database in order: at most two rows come back.</summary>
    private static async Task<decimal?> MedianAsync(IQueryable<Dispute> durations, int count, CancellationToken cancellationToken)
    {
        if (count == 0)
        {
            return null;
        }

        var middle = await durations
            .OrderBy(d => d.ResolutionDays).ThenBy(d => d.Id)
            .Skip((count - 1) / 2).Take(count % 2 == 1 ? 1 : 2)
            .Select(d => d.ResolutionDays!.Value)
            .ToListAsync(cancellationToken);
        return Days(middle.Average());
    }

    private static decimal? Days(double? days) => days is { } value ? Math.Round((decimal)value, 2) : null;

    private static async Task<SlaCompliance> SlaAsync(LitigesDbContext db, KpiFilter filter, DisputeSelection basis, CancellationToken cancellationToken)
    {
        var decided = basis with { Statuses = DisputeSelection.Decided, Dated = DisputeDate.Ended, From = filter.From, To = filter.To };
        var rows = await Disputes(db, decided)
            .Where(d => d.EndedWithinSla != null)
            .GroupBy(d => d.EndedWithinSla!.Value)
            .Select(g => new { Within = g.Key, Count = g.Count(), Amount = g.Sum(d => d.DisputedAmount) })
            .ToListAsync(cancellationToken);
        var within = rows.SingleOrDefault(r => r.Within);
        var late = rows.SingleOrDefault(r => !r.Within);
        var withinFigure = new Figure(within?.Count ?? 0, within?.Amount ?? 0m, decided with { WithinSla = true });
        var lateFigure = new Figure(late?.Count ?? 0, late?.Amount ?? 0m, decided with { WithinSla = false });

        var breachedInPeriod = basis with { Statuses = DisputeSelection.Any, Dated = DisputeDate.Breached, From = filter.From, To = filter.To };
        var (start, end) = (filter.Start, filter.End);
        var breaches = await Disputes(db, basis)
            .SelectMany(d => d.DeadlineAlerts)
            .Where(a => a.Level == DeadlineState.Breached && a.At >= start && a.At < end)
            .GroupBy(a => a.Kind)
            .Select(g => new { Kind = g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.Kind, g => g.Count, cancellationToken);
        var byStep = Enum.GetValues<DeadlineKind>().Select(k => new BreachFigure(k, breaches.GetValueOrDefault(k), breachedInPeriod with { Breach = k })).ToList();

        return new SlaCompliance(
            new Figure(withinFigure.Count + lateFigure.Count, withinFigure.Amount + lateFigure.Amount, decided),
            withinFigure,
            lateFigure,
            byStep);
    }

    /// <summary>
    /// Today's dunning blocks of the disputes, added up per invoice and capped at what the invoice
    /// still owes (as the invoice's own blocked amount is); the disputes counted from the same
    /// blocks. An invoice under a block that owes nothing any more counts, with nothing blocked.
    /// </summary>
    private static async Task<BlockedOutstanding> BlockedAsync(LitigesDbContext db, DisputeSelection basis, DateOnly today, CancellationToken cancellationToken)
    {
        var submitted = basis with { Statuses = DisputeSelection.Any, Dated = DisputeDate.Submitted, To = today };

        // The date only tells when the dashboard is computed as of an earlier day than the last submission.
        var end = KpiDays.StartOf(today.AddDays(1));
        var submittedLater = await db.Disputes.AnyAsync(d => d.SubmittedAt >= end, cancellationToken);
        var blocks = OfDisputes(db.DunningBlocks.AsNoTracking().Where(b => b.LiftedAt == null), db, submittedLater ? submitted : basis);
        var perInvoice =
            from b in blocks
            group b by b.InvoiceId into g
            select new { InvoiceId = g.Key, Blocked = g.Sum(b => b.Amount) };
        var row = (await (
                from x in perInvoice
                join i in BlockedInvoices(db) on x.InvoiceId equals i.Id into owing
                from i in owing.DefaultIfEmpty()
                select new { Amount = i == null ? 0m : x.Blocked < i.OpenBalance ? x.Blocked : i.OpenBalance })
            .GroupBy(_ => 1)
            .Select(g => new { Amount = g.Sum(x => x.Amount), Invoices = g.Count() })
            .ToListAsync(cancellationToken)).SingleOrDefault();
        var disputeCount = await blocks.Select(b => b.DisputeId).Distinct().CountAsync(cancellationToken);
        return new BlockedOutstanding(row?.Amount ?? 0m, row?.Invoices ?? 0, disputeCount, submitted with { Blocked = true });
    }

    /// <summary>Over the twelve months ending with the period: customers with disputes, those with two or more, and the reason codes a customer repeats.</summary>
    private static async Task<RecurringDisputes> RecurringAsync(LitigesDbContext db, KpiFilter filter, DisputeSelection basis, CancellationToken cancellationToken)
    {
        var window = basis with { Statuses = DisputeSelection.Any, Dated = DisputeDate.Submitted, From = filter.To.AddMonths(-12).AddDays(1), To = filter.To };
        var disputes = Disputes(db, window);
        var perCustomer = disputes.GroupBy(d => d.CustomerAccountId).Select(g => new { g.Key, Count = g.Count() });
        var counts = (await perCustomer
            .GroupBy(_ => 1)
            .Select(g => new { Customers = g.Count(), Repeat = g.Count(c => c.Count >= 2) })
            .ToListAsync(cancellationToken)).SingleOrDefault();
        var (customers, repeat) = (counts?.Customers ?? 0, counts?.Repeat ?? 0);
        var pairs = await disputes
            .GroupBy(d => new { d.CustomerAccountId, d.ReasonCode })
            .Select(g => new { g.Key.CustomerAccountId, g.Key.ReasonCode, Count = g.Count() })
            .Where(g => g.Count >= 2)
            .OrderByDescending(g => g.Count).ThenBy(g => g.CustomerAccountId).ThenBy(g => g.ReasonCode)
            .Take(TopCount)
            .ToListAsync(cancellationToken);
        var names = await NamesAsync(db, pairs.Select(p => p.CustomerAccountId), cancellationToken);
        var repeated = pairs
            .Select(p => new RepeatedReason(p.CustomerAccountId, names[p.CustomerAccountId], p.ReasonCode, p.Count, window with { CustomerAccountId = p.CustomerAccountId, ReasonCode = p.ReasonCode }))
            .ToList();
        return new RecurringDisputes(window.From!.Value, filter.To, customers, repeat, repeated);
    }

    private static async Task<IReadOnlyList<CustomerFigure>> TopCustomersAsync(LitigesDbContext db, KpiFilter filter, DisputeSelection basis, CancellationToken cancellationToken)
    {
        var submitted = basis with { Statuses = DisputeSelection.Any, Dated = DisputeDate.Submitted, From = filter.From, To = filter.To };
        var rows = await Disputes(db, submitted)
            .GroupBy(d => d.CustomerAccountId)
            .Select(g => new { Customer = g.Key, Count = g.Count(), Amount = g.Sum(d => d.DisputedAmount) })
            .OrderByDescending(g => g.Amount).ThenBy(g => g.Customer)
            .Take(TopCount)
            .ToListAsync(cancellationToken);
        var names = await NamesAsync(db, rows.Select(r => r.Customer), cancellationToken);
        return rows.Select(r => new CustomerFigure(r.Customer, names[r.Customer], new Figure(r.Count, r.Amount, submitted with { CustomerAccountId = r.Customer }))).ToList();
    }

    /// <summary>Disputes submitted in the period, per reason code.</summary>
    private static async Task<IReadOnlyList<ReasonFigure>> ByReasonAsync(LitigesDbContext db, KpiFilter filter, DisputeSelection basis, CancellationToken cancellationToken)
    {
        var submitted = basis with { Statuses = DisputeSelection.Any, Dated = DisputeDate.Submitted, From = filter.From, To = filter.To };
        var rows = await Disputes(db, submitted)
            .GroupBy(d => d.ReasonCode)
            .Select(g => new { Reason = g.Key, Count = g.Count(), Amount = g.Sum(d => d.DisputedAmount) })
            .ToListAsync(cancellationToken);
        return rows.OrderByDescending(r => r.Amount).ThenBy(r => r.Reason, StringComparer.Ordinal)
            .Select(r => new ReasonFigure(r.Reason, new Figure(r.Count, r.Amount, submitted with { ReasonCode = r.Reason })))
            .ToList();
    }

    /// <summary>Disputes decided in the period and closed with a root cause, per root cause.</summary>
    private static async Task<IReadOnlyList<RootCauseFigure>> ByRootCauseAsync(LitigesDbContext db, KpiFilter filter, DisputeSelection basis, CancellationToken cancellationToken)
    {
        var decided = basis with { Statuses = DisputeSelection.Decided, Dated = DisputeDate.Ended, From = filter.From, To = filter.To };
        var rows = await Disputes(db, decided)
            .Where(d => d.RootCauseId != null)
            .GroupBy(d => d.RootCauseId!.Value)
            .Select(g => new { RootCause = g.Key, Count = g.Count(), Amount = g.Sum(d => d.DisputedAmount) })
            .ToListAsync(cancellationToken);
        var ids = rows.Select(r => r.RootCause).ToList();
        var codes = await db.RootCauses.AsNoTracking().Where(r => ids.Contains(r.Id)).ToDictionaryAsync(r => r.Id, r => r.Code, cancellationToken);
        return rows.OrderByDescending(r => r.Count).ThenBy(r => codes[r.RootCause], StringComparer.Ordinal)
            .Select(r => new RootCauseFigure(r.RootCause, codes[r.RootCause], new Figure(r.Count, r.Amount, decided with { RootCauseId = r.RootCause })))
            .ToList();
    }

    /// <summary>
    /// The invoices that part of is held out of dunning today, read from their own small index. An
    /// invoice with an active block is among them unless it owes nothing any more, and then it adds
    /// nothing to a sum of what is owed or blocked.
    /// </summary>
    private static IQueryable<Invoices.Invoice> BlockedInvoices(LitigesDbContext db) =>
        db.Invoices.AsNoTracking().Where(i => i.BlockedAmount > 0);

    /// <summary>
    /// Receivables at the end of the period, rebuilt from today's balances: what invoices issued by
    /// then still owe, plus what was paid or credited on them after it. The customer filter applies;
    /// the dispute filters do not (DSO measures the whole ledger).
    /// </summary>
    private static async Task<DaysSalesOutstanding> DsoAsync(KpiQueryRunner run, KpiFilter filter, Task<LedgerTotals> ledger)
    {
        var (to, end) = (filter.To, filter.End);

        // Invoices under a block at the end of the period: those still blocked today, and those
        // whose block was lifted since. Each set is read from the blocks (IN, not a correlated
        // EXISTS, so that SQLite too starts from the blocks rather than from every invoice).
        var stillBlocked = run.Start((db, ct) => Invoices(db, filter)
            .Where(i => i.BlockedAmount > 0 && i.IssueDate <= to
                && db.DunningBlocks.Where(b => b.LiftedAt == null && b.PlacedAt < end).Select(b => b.InvoiceId).Contains(i.Id))
            .SumAsync(i => i.OpenBalance, ct));
        var liftedSince = run.Start((db, ct) => Invoices(db, filter)
            .Where(i => i.IssueDate <= to
                && db.DunningBlocks.Where(b => b.PlacedAt < end && b.LiftedAt >= end).Select(b => b.InvoiceId).Contains(i.Id)
                && !(i.BlockedAmount > 0 && db.DunningBlocks.Any(b => b.InvoiceId == i.Id && b.LiftedAt == null && b.PlacedAt < end)))
            .SumAsync(i => i.OpenBalance, ct));
        var paid = run.Start((db, ct) => SettledLaterAsync(db, filter, Payments(db), blocked: false, ct));
        var paidBlocked = run.Start((db, ct) => SettledLaterAsync(db, filter, Payments(db), blocked: true, ct));
        var credited = run.Start((db, ct) => SettledLaterAsync(db, filter, Credits(db), blocked: false, ct));
        var creditedBlocked = run.Start((db, ct) => SettledLaterAsync(db, filter, Credits(db), blocked: true, ct));
        var totals = await ledger;
        return new DaysSalesOutstanding(
            totals.Owed + await paid + await credited,
            await stillBlocked + await liftedSince + await paidBlocked + await creditedBlocked,
            totals.Sales,
            filter.Days);
    }

    private static IQueryable<BalanceMovement> Payments(LitigesDbContext db) =>
        db.Payments.AsNoTracking().Select(p => new BalanceMovement { InvoiceId = p.InvoiceId, On = p.ReceivedOn, Amount = p.Amount });

    private static IQueryable<BalanceMovement> Credits(LitigesDbContext db) =>
        db.CreditNotes.AsNoTracking().Select(c => new BalanceMovement { InvoiceId = c.InvoiceId, On = c.IssueDate, Amount = c.TotalGross });

    /// <summary>
    /// What the payments or credit notes after the period took off the invoices issued by its end
    /// (or, <paramref name="blocked"/>, off those under a block at its end). They are few: each one
    /// looks its invoice up on its key, so that the database does not join every invoice to find them.
    /// </summary>
    private static Task<decimal> SettledLaterAsync(LitigesDbContext db, KpiFilter filter, IQueryable<BalanceMovement> movements, bool blocked, CancellationToken cancellationToken)
    {
        var (to, end) = (filter.To, filter.End);
        var issued = Invoices(db, filter);
        var later = movements.Where(m => m.On > to && issued.Any(i => i.Id == m.InvoiceId && i.IssueDate <= to));
        if (blocked)
        {
            later = later.Where(m => db.DunningBlocks.Any(b => b.InvoiceId == m.InvoiceId && b.PlacedAt < end && (b.LiftedAt == null || b.LiftedAt >= end)));
        }

        return later.SumAsync(m => m.Amount, cancellationToken);
    }

    private static Task<Dictionary<int, string>> NamesAsync(LitigesDbContext db, IEnumerable<int> customerIds, CancellationToken cancellationToken)
    {
        var ids = customerIds.Distinct().ToList();
        return db.CustomerAccounts.AsNoTracking().Where(c => ids.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.LegalName, cancellationToken);
    }
}

/// <summary>Today's balances of the invoices issued by the end of the period, and the count and gross total of those issued in it.</summary>
internal sealed record LedgerTotals(decimal Owed, int Issued, decimal Sales);

/// <summary>A payment or a credit note, as the DSO reads it: on which invoice, on which day, how much it took off the balance.</summary>
internal sealed class BalanceMovement
{
    public int InvoiceId { get; init; }

    public DateOnly On { get; init; }

    public decimal Amount { get; init; }
}
