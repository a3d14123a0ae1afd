using Litiges.Deadlines;

namespace Litiges.UnitTests.Deadlines;

public class FrenchBusinessCalendarTests
{
    private static readonly FrenchBusinessCalendar Calendar = FrenchBusinessCalendar.Instance;

    [Fact]
    public void Holidays_of_2026_are_the_eleven_national_public_holidays()
    {
        DateOnly[] expected =
        [
            new(2026, 1, 1), new(2026, 4, 6), new(2026, 5, 1), new(2026, 5, 8), new(2026, 5, 14),
            new(2026, 5, 25), new(2026, 7, 14), new(2026, 8, 15), new(2026, 11, 1), new(2026, 11, 11),
            new(2026, 12, 25),
        ];

        Assert.Equal(expected, Calendar.HolidaysOf(2026));
    }

    [Fact]
    public void Holidays_of_2027_are_the_eleven_national_public_holidays()
    {
        DateOnly[] expected =
        [
            new(2027, 1, 1), new(2027, 3, 29), new(2027, 5, 1), new(2027, 5, 6), new(2027, 5, 8),
            new(2027, 5, 17), new(2027, 7, 14), new(2027, 8, 15), new(2027, 11, 1), new(2027, 11, 11),
            new(2027, 12, 25),
        ];

        Assert.Equal(expected, Calendar.HolidaysOf(2027));
    }

    [Fact]
    public void Easter_monday_2026_is_april_6()
    {
        Assert.True(Calendar.IsHoliday(new DateOnly(2026, 4, 6)));
        Assert.False(Calendar.IsHoliday(new DateOnly(2026, 4, 5)));
    }

    [Theory]
    [InlineData(2019, 4, 22)]
    [InlineData(2024, 4, 1)]
    [InlineData(2025, 4, 21)]
    [InlineData(2038, 4, 26)] // latest possible Easter: 25 April
    [InlineData(2285, 3, 23)] // earliest possible Easter: 22 March
    public void Easter_monday_follows_the_gregorian_computus(int year, int month, int day)
    {
        var easterMonday = new DateOnly(year, month, day);

        Assert.Contains(easterMonday, Calendar.HolidaysOf(year));
        Assert.Contains(easterMonday.AddDays(38), Calendar.HolidaysOf(year)); // Ascension
        Assert.Contains(easterMonday.AddDays(49), Calendar.HolidaysOf(year)); // Whit Monday
    }

    [Fact]
    public void Ascension_on_may_day_is_listed_once()
    {
        // Easter 2008 was 23 March, so Ascension fell on 1 May.
        Assert.Equal(10, Calendar.HolidaysOf(2008).Count);
        Assert.True(Calendar.IsHoliday(new DateOnly(2008, 5, 1)));
    }

    [Theory]
    [InlineData("2026-05-07", true)]  // Thursday
    [InlineData("2026-05-08", false)] // Friday, Victoire 1945
    [InlineData("2026-05-09", false)] // Saturday
    [InlineData("2026-05-10", false)] // Sunday
    [InlineData("2026-05-11", true)]  // Monday
    public void Weekends_and_holidays_are_not_business_days(string date, bool expected)
    {
        Assert.Equal(expected, Calendar.IsBusinessDay(DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void Two_business_days_after_thursday_7_may_2026_skip_the_holiday_and_the_weekend()
    {
        Assert.Equal(new DateOnly(2026, 5, 12), Calendar.AddBusinessDays(new DateOnly(2026, 5, 7), 2));
    }

    [Fact]
    public void One_business_day_after_the_day_before_ascension_is_the_friday_after_it()
    {
        Assert.Equal(new DateOnly(2026, 5, 15), Calendar.AddBusinessDays(new DateOnly(2026, 5, 13), 1));
    }

    [Fact]
    public void Negative_business_days_count_backwards_and_zero_keeps_the_date()
    {
        Assert.Equal(new DateOnly(2026, 5, 7), Calendar.AddBusinessDays(new DateOnly(2026, 5, 12), -2));
        Assert.Equal(new DateOnly(2026, 5, 9), Calendar.AddBusinessDays(new DateOnly(2026, 5, 9), 0));
    }

    [Fact]
    public void May_2026_has_17_business_days()
    {
        Assert.Equal(17, Calendar.BusinessDaysBetween(new DateOnly(2026, 4, 30), new DateOnly(2026, 5, 31)));
        Assert.Equal(-17, Calendar.BusinessDaysBetween(new DateOnly(2026, 6, 1), new DateOnly(2026, 5, 1)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(10)]
    [InlineData(30)]
    [InlineData(-7)]
    public void Business_days_between_undoes_adding_them(int days)
    {
        for (var start = new DateOnly(2026, 12, 20); start < new DateOnly(2027, 1, 10); start = start.AddDays(1))
        {
            Assert.Equal(days, Calendar.BusinessDaysBetween(start, Calendar.AddBusinessDays(start, days)));
        }
    }

    [Fact]
    public void A_due_instant_keeps_the_wall_clock_time_business_days_later()
    {
        Assert.Equal(Paris.At(2026, 6, 3, 10), Calendar.AddBusinessDays(Paris.At(2026, 6, 1, 10), 2));
    }

    [Fact]
    public void A_start_on_a_weekend_counts_from_monday_midnight()
    {
        var due = Calendar.AddBusinessDays(Paris.At(2026, 6, 6, 15, 30), 2);

        Assert.Equal(Paris.At(2026, 6, 10), due);
    }

    [Fact]
    public void A_start_on_a_holiday_counts_from_the_next_business_day()
    {
        // Ascension Thursday 14 May 2026: the clock starts on Friday 15 at 00:00.
        var due = Calendar.AddBusinessDays(Paris.At(2026, 5, 14, 9, 30), 1);

        Assert.Equal(Paris.At(2026, 5, 18), due);
    }

    [Fact]
    public void Spring_dst_weekend_keeps_the_wall_clock_and_one_business_day_is_24_hours()
    {
        var friday = Paris.At(2026, 3, 27, 10);

        var due = Calendar.AddBusinessDays(friday, 1);

        Assert.Equal(new DateTimeOffset(2026, 3, 30, 8, 0, 0, TimeSpan.Zero), due); // 10:00 CEST
        Assert.Equal(TimeSpan.FromHours(24), Calendar.BusinessTimeBetween(friday, due));
    }

    [Fact]
    public void Autumn_dst_weekend_keeps_the_wall_clock_and_one_business_day_is_24_hours()
    {
        var friday = Paris.At(2026, 10, 23, 10);

        var due = Calendar.AddBusinessDays(friday, 1);

        Assert.Equal(new DateTimeOffset(2026, 10, 26, 9, 0, 0, TimeSpan.Zero), due); // 10:00 CET
        Assert.Equal(TimeSpan.FromHours(24), Calendar.BusinessTimeBetween(friday, due));
    }

    [Fact]
    public void Business_time_skips_the_weekend_and_is_negative_when_reversed()
    {
        var fridayEvening = Paris.At(2026, 6, 5, 18);
        var mondayMorning = Paris.At(2026, 6, 8, 9);

        Assert.Equal(TimeSpan.FromHours(15), Calendar.BusinessTimeBetween(fridayEvening, mondayMorning));
        Assert.Equal(TimeSpan.FromHours(-15), Calendar.BusinessTimeBetween(mondayMorning, fridayEvening));
    }

    [Fact]
    public void Business_days_end_at_midnight_in_paris_whatever_the_offset_given()
    {
        // 21:00Z on Friday 15 May 2026 is 23:00 in Paris; 23:00Z is already Saturday 01:00.
        var from = new DateTimeOffset(2026, 5, 15, 21, 0, 0, TimeSpan.Zero);
        var to = new DateTimeOffset(2026, 5, 15, 23, 0, 0, TimeSpan.Zero);

        Assert.Equal(TimeSpan.FromHours(1), Calendar.BusinessTimeBetween(from, to));
    }

    [Fact]
    public void Adding_business_time_jumps_over_the_weekend()
    {
        Assert.Equal(Paris.At(2026, 6, 8, 2), Calendar.AddBusinessTime(Paris.At(2026, 6, 5, 20), TimeSpan.FromHours(6)));
    }
}
