namespace Litiges.Customers;

/// <summary>
/// Checks the French company identifiers where they enter (API, settings, demo data): a typo in
/// a SIREN or a VAT number would otherwise be printed on credit notes and sent to the e-invoicing
/// platform, which rejects them. Each check returns the code of its problem, or null when valid;
/// the message is the text <c>Error.Identifiers.{code}</c>, in French and English.
/// </summary>
public static class CompanyIdentifiers
{
    /// <summary>La Poste's SIREN: its establishments' SIRETs are numbered with a digit sum divisible by 5, not by Luhn.</summary>
    public const string LaPosteSiren = "356000000";

    /// <summary>The value without the spaces, dots and dashes people type in identifiers, upper case.</summary>
    public static string Normalize(string? value) =>
        new((value ?? string.Empty).Where(c => !char.IsWhiteSpace(c) && c is not ('.' or '-')).Select(char.ToUpperInvariant).ToArray());

    /// <summary>9 digits whose Luhn checksum holds.</summary>
    public static string? SirenProblem(string? siren)
    {
        var value = Normalize(siren);
        return !IsDigits(value, 9) ? "Siren.Format"
            : !Luhn(value) ? "Siren.Checksum"
            : null;
    }

    /// <summary>
    /// 14 digits: the SIREN, then the establishment's number (NIC); the Luhn checksum holds over
    /// all 14, except at La Poste, where the digits add up to a multiple of 5.
    /// </summary>
    public static string? SiretProblem(string? siret, string? siren = null)
    {
        var value = Normalize(siret);
        if (!IsDigits(value, 14))
        {
            return "Siret.Format";
        }

        if (SirenProblem(value[..9]) is not null)
        {
            return "Siret.Checksum";
        }

        var valid = Luhn(value) || (value.StartsWith(LaPosteSiren, StringComparison.Ordinal) && value.Sum(c => c - '0') % 5 == 0);
        if (!valid)
        {
            return "Siret.Checksum";
        }

        return siren is not null && !value.StartsWith(Normalize(siren), StringComparison.Ordinal) ? "Siret.OtherCompany" : null;
    }

    /// <summary>
    /// An intra-EU VAT number: two letters, then the national part. A French one is FR, a key of two
    /// characters and the SIREN; a numeric key must be (12 + 3 × (SIREN mod 97)) mod 97, and the
    /// SIREN must be the company's when given. Other countries' numbers are checked for shape only.
    /// </summary>
    public static string? VatNumberProblem(string? vatNumber, string? siren = null)
    {
        var value = Normalize(vatNumber);
        if (value.Length is < 4 or > 15 || !char.IsAsciiLetterUpper(value[0]) || !char.IsAsciiLetterUpper(value[1]) || !value.All(char.IsAsciiLetterOrDigit))
        {
            return "Vat.Format";
        }

        if (!value.StartsWith("FR", StringComparison.Ordinal))
        {
            return null;
        }

        var key = value.Length == 13 ? value[2..4] : string.Empty;
        var number = value.Length == 13 ? value[4..] : string.Empty;
        if (!IsDigits(number, 9) || !key.All(char.IsAsciiLetterOrDigit))
        {
            return "Vat.Format";
        }

        // Keys with letters are allotted by the tax office to some companies and follow no public formula.
        if (IsDigits(key, 2) && int.Parse(key, System.Globalization.CultureInfo.InvariantCulture) != FrenchVatKey(number))
        {
            return "Vat.Key";
        }

        return siren is not null && number != Normalize(siren) ? "Vat.OtherCompany" : null;
    }

    /// <summary>The numeric key of the French VAT number of <paramref name="siren"/> (9 digits).</summary>
    public static int FrenchVatKey(string siren) =>
        (int)((12 + (3 * (long.Parse(siren, System.Globalization.CultureInfo.InvariantCulture) % 97))) % 97);

    /// <summary>The French VAT number of <paramref name="siren"/>, with its computed key.</summary>
    public static string FrenchVatNumber(string siren) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"FR{FrenchVatKey(Normalize(siren)):00}{Normalize(siren)}");

    /// <summary>Luhn (mod 10): from the right, every second digit doubled, the digits summed.</summary>
    public static bool Luhn(string digits)
    {
        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            var digit = digits[digits.Length - 1 - i] - '0';
            if (i % 2 == 1)
            {
                digit *= 2;
                if (digit > 9)
                {
                    digit -= 9;
                }
            }

            sum += digit;
        }

        return sum % 10 == 0;
    }

    private static bool IsDigits(string value, int length) => value.Length == length && value.All(char.IsAsciiDigit);
}
