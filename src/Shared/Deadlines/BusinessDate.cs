namespace Litiges.Deadlines;

/// <summary>
/// "Today" is the business date in Paris, for every rule and page: a proposal due "today", an
/// instalment missed, a task late, a credit note's issue date. The UTC date is a day behind
/// between midnight and 01:00 or 02:00 in Paris, and would make such a rule wrong for that hour.
/// </summary>
public static class BusinessDate
{
    /// <summary>The Paris date of an instant.</summary>
    public static DateOnly Of(DateTimeOffset instant) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, FrenchBusinessCalendar.Instance.TimeZone).DateTime);

    /// <summary>Today's date in Paris by this clock.</summary>
    public static DateOnly Today(this TimeProvider clock) => Of(clock.GetUtcNow());
}
