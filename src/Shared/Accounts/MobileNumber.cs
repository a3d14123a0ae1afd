namespace Litiges.Accounts;

/// <summary>
/// A mobile number as SMS providers want it: E.164, "+" then the country code and the number, no
/// spaces. People type the French national form ("06 12 34 56 78"), the international one with
/// "+33" or "0033", with spaces, dots, dashes or brackets; all become "+33612345678". A French
/// number must be a mobile (06 or 07): a landline, a special-rate or an internet-box number
/// cannot receive a text. Other countries' numbers are taken as given when they are well formed.
/// </summary>
public static class MobileNumber
{
    /// <summary>The number in E.164, or the code of the problem ("Mobile.Invalid", "Mobile.NotMobile").</summary>
    public static bool TryNormalise(string? input, out string number, out string problem)
    {
        number = problem = string.Empty;
        var compact = new string((input ?? string.Empty).Where(c => !char.IsWhiteSpace(c) && c is not ('.' or '-' or '(' or ')' or '/')).ToArray());
        if (compact.StartsWith("00", StringComparison.Ordinal))
        {
            compact = "+" + compact[2..];
        }
        else if (compact.Length == 10 && compact[0] == '0')
        {
            // The French national form: 0 and nine digits.
            compact = "+33" + compact[1..];
        }

        // E.164: at most 15 digits, the country code never starting with 0.
        if (compact.Length < 9 || compact.Length > 16 || compact[0] != '+' || compact[1] == '0' || !compact[1..].All(char.IsAsciiDigit))
        {
            problem = "Mobile.Invalid";
            return false;
        }

        if (compact.StartsWith("+33", StringComparison.Ordinal) && (compact.Length != 12 || compact[3] is not ('6' or '7')))
        {
            problem = compact.Length == 12 ? "Mobile.NotMobile" : "Mobile.Invalid";
            return false;
        }

        number = compact;
        return true;
    }

    /// <summary>The number as a person reads it: "+33 6 12 34 56 78" for a French one, else as stored.</summary>
    public static string Display(string number) =>
        number.StartsWith("+33", StringComparison.Ordinal) && number.Length == 12
            ? $"+33 {number[3]} {number[4..6]} {number[6..8]} {number[8..10]} {number[10..12]}"
            : number;
}
