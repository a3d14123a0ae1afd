using System.Globalization;
using Litiges.Finance;

namespace Litiges.UnitTests.Finance;

public class AmountTextTests
{
    private static readonly CultureInfo French = CultureInfo.GetCultureInfo("fr-FR");
    private static readonly CultureInfo English = CultureInfo.GetCultureInfo("en-GB");

    [Theory]
    [InlineData("1 234,56", 1234.56)]
    [InlineData("1234.56", 1234.56)]
    [InlineData("1234,56", 1234.56)]
    [InlineData("1.234,56 €", 1234.56)]
    [InlineData("1\u202F234,56\u00A0€", 1234.56)]
    [InlineData("1,234.56", 1234.56)]
    [InlineData("1.234.567", 1234567)]
    [InlineData("100 000,50", 100000.50)]
    [InlineData("1,234", 1.234)]
    [InlineData("42", 42)]
    public void Reads_what_a_french_user_types(string text, decimal expected)
    {
        Assert.True(AmountText.TryParse(text, French, out var amount));
        Assert.Equal(expected, amount);
    }

    [Theory]
    [InlineData("1,234", 1234)]
    [InlineData("1,234.56", 1234.56)]
    [InlineData("12,50", 12.50)]
    [InlineData("1234.56", 1234.56)]
    [InlineData("1 234,56 €", 1234.56)]
    public void Reads_commas_grouping_thousands_on_an_english_page(string text, decimal expected)
    {
        Assert.True(AmountText.TryParse(text, English, out var amount));
        Assert.Equal(expected, amount);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("abc")]
    [InlineData("-10")]
    [InlineData("12,34.56")]
    [InlineData("1.2.3")]
    [InlineData("1,234,56.7,8")]
    [InlineData("10 EUR")]
    public void Refuses_what_is_not_an_amount(string? text)
    {
        Assert.False(AmountText.TryParse(text, French, out _));
        var refused = Assert.Throws<DomainException>(() => AmountText.Parse(text, French));
        Assert.Equal(AmountText.UnreadableKey, refused.Code);
    }
}
