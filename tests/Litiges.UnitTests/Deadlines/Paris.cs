using Litiges.Deadlines;

namespace Litiges.UnitTests.Deadlines;

/// <summary>Instants written as a person in Paris reads them, DST included.</summary>
internal static class Paris
{
    public static DateTimeOffset At(int year, int month, int day, int hour = 0, int minute = 0)
    {
        var local = new DateTime(year, month, day, hour, minute, 0, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, FrenchBusinessCalendar.Instance.TimeZone.GetUtcOffset(local));
    }
}
