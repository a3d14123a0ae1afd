using System.Globalization;
using Litiges.Finance;

namespace Litiges.UnitTests.Finance;

public class MoneyTests
{
    private static readonly CultureInfo French = CultureInfo.GetCultureInfo("fr-FR");
    private static readonly CultureInfo British = CultureInfo.GetCultureInfo("en-GB");

    private static Money Dollars(decimal amount) => new(amount, "USD");

    [Fact]
    public void Amounts_in_the_same_currency_add_and_subtract()
    {
        var sum = Money.Euros(10.10m) + Money.Euros(0.25m);
        var difference = Money.Euros(10.10m).Subtract(Money.Euros(12.35m));

        Assert.Equal(new Money(10.35m, "EUR"), sum);
        Assert.Equal(Money.Euros(-2.25m), difference);
        Assert.Equal(Money.Euros(10.35m), Money.Zero("EUR").Add(sum));
    }

    [Fact]
    public void Adding_or_subtracting_different_currencies_is_refused()
    {
        Assert.Throws<InvalidOperationException>(() => Money.Euros(10m) + Dollars(10m));
        Assert.Throws<InvalidOperationException>(() => Money.Euros(10m) - Dollars(10m));
        Assert.Throws<InvalidOperationException>(() => Money.Euros(10m).Add(Dollars(1m)));
        Assert.Throws<InvalidOperationException>(() => Dollars(10m).Subtract(Money.Euros(1m)));
    }

    [Fact]
    public void Amounts_in_the_same_currency_compare()
    {
        Assert.True(Money.Euros(10.01m) > Money.Euros(10m));
        Assert.True(Money.Euros(10m) >= Money.Euros(10m));
        Assert.True(Money.Euros(9.99m) < Money.Euros(10m));
        Assert.True(Money.Euros(10m) <= Money.Euros(10m));
        Assert.False(Money.Euros(10m) > Money.Euros(10m));
        Assert.True(Money.Euros(1m).CompareTo(Money.Euros(2m)) < 0);
    }

    [Fact]
    public void Comparing_different_currencies_is_refused_whichever_is_larger()
    {
        // 5 € against 10 $ must not quietly answer "not greater".
        Assert.Throws<InvalidOperationException>(() => Money.Euros(5m) > Dollars(10m));
        Assert.Throws<InvalidOperationException>(() => Money.Euros(5m) >= Dollars(10m));
        Assert.Throws<InvalidOperationException>(() => Money.Euros(10m) < Dollars(5m));
        Assert.Throws<InvalidOperationException>(() => Money.Euros(10m) <= Dollars(5m));
        Assert.Throws<InvalidOperationException>(() => Money.Euros(5m).CompareTo(Dollars(5m)));
    }

    [Theory]
    [InlineData("0.005", "0.01")]
    [InlineData("0.015", "0.02")]
    [InlineData("0.025", "0.03")]
    [InlineData("2.675", "2.68")]
    [InlineData("-0.005", "-0.01")]
    [InlineData("-2.675", "-2.68")]
    [InlineData("1.004", "1.00")]
    [InlineData("1.0049999", "1.00")]
    [InlineData("3.29835", "3.30")]
    public void Rounding_to_the_cent_goes_half_away_from_zero(string value, string expected)
    {
        var rounded = Money.RoundToCent(decimal.Parse(value, CultureInfo.InvariantCulture));

        Assert.Equal(decimal.Parse(expected, CultureInfo.InvariantCulture), rounded);
    }

    [Fact]
    public void Euros_are_formatted_the_French_way_in_French()
    {
        // CLDR French groups thousands with a narrow no-break space (U+202F).
        Assert.Equal("1\u202F234\u202F567,89 €", Money.Euros(1234567.89m).Format(French));
        Assert.Equal("0,50 €", Money.Euros(0.5m).Format(French));
        Assert.Equal("-12,30 €", Money.Euros(-12.3m).Format(French));
    }

    [Fact]
    public void Euros_are_formatted_with_English_separators_in_English()
    {
        Assert.Equal("€1,234,567.89", Money.Euros(1234567.89m).Format(British));
        Assert.Equal("€0.50", Money.Euros(0.5m).Format(British));
    }

    [Fact]
    public void Other_currencies_show_their_code()
    {
        Assert.Equal("1\u202F000,00 USD", Dollars(1000m).Format(French));
        Assert.Equal("GBP 1,000.00", new Money(1000m, "GBP").Format(British));
    }

    [Fact]
    public void Each_currency_keeps_its_own_symbol_when_formats_are_reused()
    {
        // The currency formats are kept per culture and currency: alternating currencies must
        // never give one the other's symbol or layout.
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal("12,00 €", Money.Euros(12m).Format(French));
            Assert.Equal("12,00 USD", Dollars(12m).Format(French));
            Assert.Equal("€12.00", Money.Euros(12m).Format(British));
            Assert.Equal("GBP 12.00", new Money(12m, "GBP").Format(British));
        }
    }

    [Fact]
    public void A_format_that_can_still_change_is_read_as_it_is_now()
    {
        var culture = new CultureInfo("en-GB");
        Assert.False(culture.NumberFormat.IsReadOnly);
        Assert.Equal("€1,000.00", Money.Euros(1000m).Format(culture));

        culture.NumberFormat.CurrencyGroupSeparator = "'";

        Assert.Equal("€1'000.00", Money.Euros(1000m).Format(culture));
    }

    [Fact]
    public void ToString_does_not_depend_on_the_current_culture()
    {
        var previous = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = French;

            Assert.Equal("€1,234.50", Money.Euros(1234.5m).ToString());
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Fact]
    public void The_VAT_breakdown_groups_lines_by_rate_in_rate_order()
    {
        var breakdown = VatBreakdown.Of(
        [
            (0.20m, 100.00m, 20.00m),
            (0.055m, 59.97m, 3.30m),
            (0.20m, 0.13m, 0.03m),
        ]);

        Assert.Equal([new VatLine(0.055m, 59.97m, 3.30m), new VatLine(0.20m, 100.13m, 20.03m)], breakdown);
        Assert.Equal(120.16m, breakdown[1].GrossAmount);
        Assert.Empty(VatBreakdown.Of([]));
    }
}
