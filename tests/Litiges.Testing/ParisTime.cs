using Litiges.Deadlines;

namespace Litiges.Testing;

/// <summary>The instant of a wall-clock time in Paris, the time zone of every business date (<see cref="BusinessDate"/>).</summary>
public static class ParisTime
{
    public static DateTimeOffset At(DateOnly day, int hour, int minute = 0)
    {
        var local = day.ToDateTime(new TimeOnly(hour, minute));
        return new DateTimeOffset(local, FrenchBusinessCalendar.Instance.TimeZone.GetUtcOffset(local)).ToUniversalTime();
    }
}
