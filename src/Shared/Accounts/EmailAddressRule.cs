using System.ComponentModel.DataAnnotations;
using System.Net.Mail;

namespace Litiges.Accounts;

/// <summary>
/// The one rule for an e-mail address that a person types or a system sends us: exactly one bare
/// address (<c>name@domain.example</c>). The display-name form (<c>"Name" &lt;a@b.example&gt;</c>) and lists
/// (<c>a@b.example, c@d.example</c>) are refused: the address is a sign-in name and a recipient,
/// and a second hidden recipient must not slip through.
/// </summary>
public static class EmailAddressRule
{
    public const int MaxLength = 256;

    /// <summary>The message key pages and the API show when <see cref="IsValid"/> is false.</summary>
    public const string MessageKey = "Validation.SingleEmail";

    public static bool IsValid(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return false;
        }

        var address = value.Trim();
        return address.Length <= MaxLength
            && !address.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '<' or '>' or ',' or ';' or '"' or '(' or ')' or '[' or ']' or '\\')
            && address.Count(c => c == '@') == 1
            && MailAddress.TryCreate(address, out var parsed)
            && parsed.DisplayName.Length == 0
            && string.Equals(parsed.Address, address, StringComparison.Ordinal)
            && parsed.Host.Contains('.', StringComparison.Ordinal)
            && !parsed.Host.StartsWith('.') && !parsed.Host.EndsWith('.');
    }
}

/// <summary>
/// Validates an input field with <see cref="EmailAddressRule"/>; an empty value is left to [Required].
/// A regular-expression attribute only so that MVC's localising adapter takes its message through
/// the text catalogue (a plain custom attribute would show the key); the rule itself is <see cref="IsValid(object?)"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field | AttributeTargets.Parameter)]
public sealed class SingleEmailAddressAttribute : RegularExpressionAttribute
{
    public SingleEmailAddressAttribute()
        : base(@"^[^\s<>,;""]+@[^\s<>,;""]+$")
    {
        ErrorMessage = EmailAddressRule.MessageKey;
    }

    public override bool IsValid(object? value) =>
        value is null || (value is string text && (text.Length == 0 || EmailAddressRule.IsValid(text)));
}
