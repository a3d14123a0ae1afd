using System.Collections.Concurrent;
using System.Collections.ObjectModel;

namespace Litiges.Deadlines;

/// <summary>
/// Business days in France: Monday to Friday, except the eleven national public holidays.
/// Instants are read in Europe/Paris time, because a deadline falls on a French working day,
/// whatever the server's or the user's time zone.
/// </summary>
public sealed class FrenchBusinessCalendar
{
    public static FrenchBusinessCalendar Instance { get; } = new();

    private readonly ConcurrentDictionary<int, ReadOnlyCollection<DateOnly>> _holidaysByYear = new();

    private FrenchBusinessCalendar()
    {
        TimeZone = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");
    }

    public TimeZoneInfo TimeZone { get; }

    public bool IsHoliday(DateOnly date) => HolidaysOf(date.Year).Contains(date);

    public bool IsBusinessDay(DateOnly date) =>
        date.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday) && !IsHoliday(date);

    /// <summary>The national public holidays of a year, in date order.</summary>
    /// <remarks>
    /// Alsace-Moselle's extra days (Good Friday, 26 December) are left out: the seller's
    /// commitments follow the national calendar.
    /// </remarks>
    public IReadOnlyList<DateOnly> HolidaysOf(int year) =>
        _holidaysByYear.GetOrAdd(year, static y =>
        {
            var easter = EasterSunday(y);
            DateOnly[] days =
            [
                new(y, 1, 1),
                easter.AddDays(1),   // lundi de Pâques
                new(y, 5, 1),
                new(y, 5, 8),
                easter.AddDays(39),  // Ascension
                easter.AddDays(50),  // lundi de Pentecôte
                new(y, 7, 14),
                new(y, 8, 15),
                new(y, 11, 1),
                new(y, 11, 11),
                new(y, 12, 25),
            ];
            // Ascension can fall on 1 or 8 May (e.g. 2008): keep one entry per date.
            return Array.AsReadOnly(days.Distinct().Order().ToArray());
        });

    /// <summary>
    /// The date <paramref name="days"/> business days after (or, if negative, before)
    /// <paramref name="date"/>; the start date itself is never counted.
    /// </summary>
    public DateOnly AddBusinessDays(DateOnly date, int days)
    {
        var step = Math.Sign(days);
        var remaining = days;
        while (remaining != 0)
        {
            date = date.AddDays(step);
            if (IsBusinessDay(date))
            {
                remaining -= step;
            }
        }

        return date;
    }

    /// <summary>
    /// Business days in (<paramref name="fromExclusive"/>, <paramref name="toInclusive"/>];
    /// when reversed, minus those in [<paramref name="toInclusive"/>, <paramref name="fromExclusive"/>),
    /// so that <c>BusinessDaysBetween(d, AddBusinessDays(d, n)) == n</c> for any sign of n.
    /// </summary>
    public int BusinessDaysBetween(DateOnly fromExclusive, DateOnly toInclusive)
    {
        if (toInclusive < fromExclusive)
        {
            return -BusinessDaysBetween(toInclusive.AddDays(-1), fromExclusive.AddDays(-1));
        }

        var count = 0;
        for (var day = fromExclusive.AddDays(1); day <= toInclusive; day = day.AddDays(1))
        {
            if (IsBusinessDay(day))
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>
    /// The same Paris wall-clock time <paramref name="days"/> business days later. A start on
    /// a weekend or holiday counts from 00:00 of the next business day, so a dispute filed on
    /// Saturday gets the same time as one filed first thing on Monday.
    /// </summary>
    public DateTimeOffset AddBusinessDays(DateTimeOffset start, int days)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(days);

        var local = TimeZoneInfo.ConvertTime(start, TimeZone).DateTime;
        var date = DateOnly.FromDateTime(local);
        var time = TimeOnly.FromDateTime(local);
        if (!IsBusinessDay(date))
        {
            date = AddBusinessDays(date, 1);
            time = TimeOnly.MinValue;
        }

        return FromLocal(AddBusinessDays(date, days).ToDateTime(time));
    }

    /// <summary>
    /// Time between two instants that falls on Paris business days; negative when
    /// <paramref name="to"/> is before <paramref name="from"/>.
    /// </summary>
    public TimeSpan BusinessTimeBetween(DateTimeOffset from, DateTimeOffset to)
    {
        if (to < from)
        {
            return -BusinessTimeBetween(to, from);
        }

        var total = TimeSpan.Zero;
        var lastDay = LocalDate(to);
        for (var day = LocalDate(from); day <= lastDay; day = day.AddDays(1))
        {
            if (!IsBusinessDay(day))
            {
                continue;
            }

            var start = Max(StartOfDay(day), from);
            var end = Min(StartOfDay(day.AddDays(1)), to);
            if (end > start)
            {
                total += end - start;
            }
        }

        return total;
    }

    /// <summary>
    /// The earliest instant at which <paramref name="businessTime"/> of business time has
    /// passed since <paramref name="start"/>; used to push a deadline back by a pause.
    /// </summary>
    public DateTimeOffset AddBusinessTime(DateTimeOffset start, TimeSpan businessTime)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(businessTime, TimeSpan.Zero);

        var cursor = start;
        var remaining = businessTime;
        var day = LocalDate(start);
        while (remaining > TimeSpan.Zero)
        {
            var nextDayStart = StartOfDay(day.AddDays(1));
            if (IsBusinessDay(day))
            {
                var available = nextDayStart - cursor;
                if (remaining <= available)
                {
                    return cursor + remaining;
                }

                remaining -= available;
            }

            cursor = nextDayStart;
            day = day.AddDays(1);
        }

        return cursor;
    }

    /// <summary>Adds calendar months in Paris time, so that 10:00 stays 10:00 across DST.</summary>
    public DateTimeOffset AddMonths(DateTimeOffset start, int months) =>
        FromLocal(TimeZoneInfo.ConvertTime(start, TimeZone).DateTime.AddMonths(months));

    private DateOnly LocalDate(DateTimeOffset instant) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, TimeZone).DateTime);

    private DateTimeOffset StartOfDay(DateOnly day) => FromLocal(day.ToDateTime(TimeOnly.MinValue));

    private DateTimeOffset FromLocal(DateTime local)
    {
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        if (TimeZone.IsAmbiguousTime(local))
        {
            // Autumn's repeated hour: take its first occurrence, the earlier instant.
            return new DateTimeOffset(local, TimeZone.GetAmbiguousTimeOffsets(local).Max());
        }

        if (TimeZone.IsInvalidTime(local))
        {
            // Spring's skipped hour: read with the offset before the change, which lands
            // just after the gap (02:30 becomes 03:30).
            return new DateTimeOffset(local, TimeZone.GetUtcOffset(local.AddHours(-3)))
                .ToOffset(TimeZone.GetUtcOffset(local.AddHours(3)));
        }

        return new DateTimeOffset(local, TimeZone.GetUtcOffset(local));
    }

    private static DateOnly EasterSunday(int year)
    {
        // Anonymous Gregorian algorithm (Meeus/Jones/Butcher).
        var a = year % 19;
        var b = year / 100;
        var c = year % 100;
        var d = b / 4;
        var e = b % 4;
        var f = (b + 8) / 25;
        var g = (b - f + 1) / 3;
        var h = ((19 * a) + b - d - g + 15) % 30;
        var i = c / 4;
        var k = c % 4;
        var l = (32 + (2 * e) + (2 * i) - h - k) % 7;
        var m = (a + (11 * h) + (22 * l)) / 451;
        var month = (h + l - (7 * m) + 114) / 31;
        var day = ((h + l - (7 * m) + 114) % 31) + 1;
        return new DateOnly(year, month, day);
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
