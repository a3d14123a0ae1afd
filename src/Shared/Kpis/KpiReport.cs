using Litiges.Deadlines;

namespace Litiges.Kpis;

/// <summary>Every figure of the dashboard for one period and set of filters; each carries the disputes behind it.</summary>
public sealed record KpiReport(
    KpiFilter Filter,
    DateOnly Today,
    OpenDisputes Open,
    IReadOnlyList<TrendPoint> Trend,
    DisputedInvoiceRate DisputedInvoices,
    ResolutionTimes Resolution,
    SlaCompliance Sla,
    BlockedOutstanding Blocked,
    RecurringDisputes Recurring,
    IReadOnlyList<CustomerFigure> TopCustomers,
    IReadOnlyList<ReasonFigure> ByReason,
    IReadOnlyList<RootCauseFigure> ByRootCause,
    DaysSalesOutstanding Dso);

/// <summary>A count and an amount, with the disputes behind them.</summary>
public sealed record Figure(int Count, decimal Amount, DisputeSelection Disputes);

public enum AgeBucket
{
    UpTo15,
    From16To30,
    From31To60,
    Over60,
}

public sealed record AgeingFigure(AgeBucket Bucket, Figure Figure);

/// <summary>Disputes open today, and their age in days since submission.</summary>
public sealed record OpenDisputes(Figure Total, IReadOnlyList<AgeingFigure> Ageing);

/// <summary>One week or month of the period: disputes submitted, decided and withdrawn in it.</summary>
public sealed record TrendPoint(DateOnly Start, DateOnly End, Figure New, Figure Resolved, Figure Withdrawn);

/// <summary>Invoices issued in the period, and those of them that at least one dispute covers.</summary>
public sealed record DisputedInvoiceRate(int IssuedCount, decimal IssuedAmount, int DisputedCount, decimal DisputedAmount, DisputeSelection Disputes)
{
    public decimal? CountRate => IssuedCount == 0 ? null : (decimal)DisputedCount / IssuedCount;

    public decimal? AmountRate => IssuedAmount == 0 ? null : DisputedAmount / IssuedAmount;
}

/// <summary>Days from submission to decision, over the disputes decided in the period.</summary>
public sealed record ResolutionTime(string? ReasonCode, int Count, decimal? AverageDays, decimal? MedianDays, DisputeSelection Disputes);

public sealed record ResolutionTimes(ResolutionTime All, IReadOnlyList<ResolutionTime> ByReason);

public sealed record BreachFigure(DeadlineKind Step, int Count, DisputeSelection Disputes);

/// <summary>Disputes decided in the period within their resolution deadline, and deadlines breached in the period by step.</summary>
public sealed record SlaCompliance(Figure Decided, Figure Within, Figure Late, IReadOnlyList<BreachFigure> Breaches)
{
    public decimal? Share => Decided.Count == 0 ? null : (decimal)Within.Count / Decided.Count;
}

/// <summary>What is held out of dunning today by open disputes.</summary>
public sealed record BlockedOutstanding(decimal Amount, int Invoices, int DisputeCount, DisputeSelection Disputes);

public sealed record RepeatedReason(int CustomerAccountId, string Customer, string ReasonCode, int Count, DisputeSelection Disputes);

/// <summary>Customers who filed disputes in the twelve months ending with the period, and those who filed two or more.</summary>
public sealed record RecurringDisputes(DateOnly WindowFrom, DateOnly WindowTo, int Customers, int RepeatCustomers, IReadOnlyList<RepeatedReason> RepeatedReasons)
{
    public decimal? Share => Customers == 0 ? null : (decimal)RepeatCustomers / Customers;
}

public sealed record CustomerFigure(int CustomerAccountId, string Customer, Figure Figure);

public sealed record ReasonFigure(string ReasonCode, Figure Figure);

public sealed record RootCauseFigure(int RootCauseId, string Code, Figure Figure);

/// <summary>
/// Receivables at the end of the period over the period's credit sales, times its days; and the same
/// with the receivables of invoices under a dunning block at the end of the period left out.
/// </summary>
public sealed record DaysSalesOutstanding(decimal Receivables, decimal DisputedReceivables, decimal CreditSales, int Days)
{
    public decimal? Dso => CreditSales == 0 ? null : Math.Round(Receivables / CreditSales * Days, 1);

    public decimal? DsoExcludingDisputed => CreditSales == 0 ? null : Math.Round((Receivables - DisputedReceivables) / CreditSales * Days, 1);
}
