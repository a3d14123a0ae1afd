using System.Globalization;
using System.Numerics;

namespace Litiges.Finance;

/// <summary>
/// An IBAN (ISO 13616): country code, two check digits, the national account number; valid when
/// the number moved to the end, letters as 10–35, is 1 modulo 97. The French one has 27 characters.
/// </summary>
public static class Iban
{
    /// <summary>The code of the problem (text <c>Error.Identifiers.{code}</c>), or null when valid.</summary>
    public static string? Problem(string? iban)
    {
        var value = Customers.CompanyIdentifiers.Normalize(iban);
        if (value.Length is < 15 or > 34 || !char.IsAsciiLetterUpper(value[0]) || !char.IsAsciiLetterUpper(value[1])
            || !char.IsAsciiDigit(value[2]) || !char.IsAsciiDigit(value[3]) || !value.All(char.IsAsciiLetterOrDigit)
            || (value.StartsWith("FR", StringComparison.Ordinal) && value.Length != 27))
        {
            return "Iban.Format";
        }

        var rearranged = value[4..] + value[..4];
        var digits = string.Concat(rearranged.Select(c => char.IsAsciiDigit(c) ? c.ToString() : (c - 'A' + 10).ToString(CultureInfo.InvariantCulture)));
        return BigInteger.Parse(digits, CultureInfo.InvariantCulture) % 97 == 1 ? null : "Iban.Checksum";
    }

    /// <summary>Grouped by four for print: FR76 3000 6000 0112 3456 7890 189.</summary>
    public static string Format(string iban)
    {
        var value = Customers.CompanyIdentifiers.Normalize(iban);
        return string.Join(' ', value.Chunk(4).Select(c => new string(c)));
    }
}
