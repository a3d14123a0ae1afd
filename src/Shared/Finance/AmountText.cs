using System.Globalization;
using System.Text.RegularExpressions;

namespace Litiges.Finance;

/// <summary>
/// Amounts as people type them, the one reader of every form that takes an amount: "1 234,56",
/// "1234.56", "1.234,56 €", "1,234.56". Spaces (also the non-breaking ones the pages print) and
/// the euro sign are ignored. With both marks, the last one separates the decimals and the other
/// groups thousands; a mark repeated in groups of three digits groups thousands; a lone comma
/// followed by exactly three digits groups thousands only where the culture groups with commas
/// (English: "1,234" is 1234; French: 1,234); otherwise a comma or a dot separates the decimals.
/// No sign: nobody types a negative amount on these forms.
/// </summary>
public static partial class AmountText
{
    /// <summary>The message key (<c>Error.Amount.Unreadable</c>) of an amount that cannot be read, its argument the text.</summary>
    public const string UnreadableKey = "Amount.Unreadable";

    /// <summary>How a form shows an amount back in its field: two decimals, the culture's decimal mark, no grouping.</summary>
    public static string Format(decimal value) => value.ToString("0.00", CultureInfo.CurrentCulture);

    /// <summary>Reads <paramref name="text"/> in the current culture (the page's language).</summary>
    public static bool TryParse(string? text, out decimal value) => TryParse(text, CultureInfo.CurrentCulture, out value);

    public static bool TryParse(string? text, CultureInfo culture, out decimal value)
    {
        value = 0;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var cleaned = new string([.. text.Where(c => !char.IsWhiteSpace(c) && c is not '€' and not '\u00A0' and not '\u202F')]);
        var comma = cleaned.LastIndexOf(',');
        var dot = cleaned.LastIndexOf('.');
        string digits;
        if (comma >= 0 && dot >= 0)
        {
            var (decimals, grouping) = comma > dot ? (',', '.') : ('.', ',');
            if (cleaned.IndexOf(decimals, StringComparison.Ordinal) != cleaned.LastIndexOf(decimals) || !Grouped(cleaned[..cleaned.LastIndexOf(decimals)], grouping))
            {
                return false;
            }

            digits = cleaned.Replace(grouping.ToString(), string.Empty, StringComparison.Ordinal).Replace(decimals, '.');
        }
        else if (comma >= 0 || dot >= 0)
        {
            var mark = comma >= 0 ? ',' : '.';
            var repeated = cleaned.IndexOf(mark, StringComparison.Ordinal) != cleaned.LastIndexOf(mark);
            var groupsThousands = repeated || (mark == ',' && culture.NumberFormat.NumberGroupSeparator == "," && Grouped(cleaned, ','));
            if (repeated && !Grouped(cleaned, mark))
            {
                return false;
            }

            digits = groupsThousands ? cleaned.Replace(mark.ToString(), string.Empty, StringComparison.Ordinal) : cleaned.Replace(mark, '.');
        }
        else
        {
            digits = cleaned;
        }

        return decimal.TryParse(digits, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>Reads an amount or refuses it with <see cref="UnreadableKey"/>, which the pages show as a clear message.</summary>
    public static decimal Parse(string? text, CultureInfo culture) =>
        TryParse(text, culture, out var value) ? value : throw new DomainException(UnreadableKey, text ?? string.Empty);

    // "1,234,567" or "1.234": one to three digits, then groups of exactly three.
    private static bool Grouped(string text, char mark) =>
        (mark == ',' ? CommaGroups() : DotGroups()).IsMatch(text);

    [GeneratedRegex(@"^\d{1,3}(,\d{3})+$")]
    private static partial Regex CommaGroups();

    [GeneratedRegex(@"^\d{1,3}(\.\d{3})+$")]
    private static partial Regex DotGroups();
}
