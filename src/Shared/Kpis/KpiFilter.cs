using Litiges.Deadlines;

namespace Litiges.Kpis;

/// <summary>How the trend of new and resolved disputes is cut.</summary>
public enum KpiInterval
{
    Week,
    Month,
}

/// <summary>
/// What the dashboard is asked for: a period of whole days (Paris time, both ends included) and
/// the optional filters on the disputes' reason code, department, owner and customer.
/// </summary>
public sealed record KpiFilter(DateOnly From, DateOnly To)
{
    /// <summary>The owner value that stands for "no owner", as in the queue.</summary>
    public const string Unassigned = "none";

    public string? ReasonCode { get; init; }

    public int? DepartmentId { get; init; }

    /// <summary>An owner's user id, or <see cref="Unassigned"/>.</summary>
    public string? OwnerUserId { get; init; }

    public int? CustomerAccountId { get; init; }

    /// <summary>Null: weeks for periods up to 13 weeks, months beyond.</summary>
    public KpiInterval? Interval { get; init; }

    public KpiInterval EffectiveInterval => Interval ?? (Days <= 91 ? KpiInterval.Week : KpiInterval.Month);

    /// <summary>Days in the period, both ends included.</summary>
    public int Days => To.DayNumber - From.DayNumber + 1;

    /// <summary>The first instant of the period.</summary>
    public DateTimeOffset Start => KpiDays.StartOf(From);

    /// <summary>The first instant after the period.</summary>
    public DateTimeOffset End => KpiDays.StartOf(To.AddDays(1));
}

/// <summary>Days as the credit manager counts them: calendar days in Paris.</summary>
public static class KpiDays
{
    /// <summary>Midnight in Paris at the start of <paramref name="date"/>, as a UTC instant (stored instants are UTC on every provider).</summary>
    public static DateTimeOffset StartOf(DateOnly date)
    {
        var utc = TimeZoneInfo.ConvertTimeToUtc(date.ToDateTime(TimeOnly.MinValue), FrenchBusinessCalendar.Instance.TimeZone);
        return new DateTimeOffset(utc, TimeSpan.Zero);
    }

    /// <summary>The date in Paris of an instant.</summary>
    public static DateOnly DateOf(DateTimeOffset instant) =>
        BusinessDate.Of(instant);
}
