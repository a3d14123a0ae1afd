using System.Globalization;
using System.Net;
using Litiges.Data;
using Litiges.Finance;
using Litiges.Localization;

namespace Litiges.Notifications;

/// <summary>Queues messages in the outbox; they leave with the caller's SaveChanges, or not at all.</summary>
public static class Outbox
{
    /// <summary>
    /// Queues an e-mail whose subject and body come from the text catalogue in the recipient's
    /// language. Arguments are HTML-encoded in the HTML part: no user text is rendered unescaped.
    /// A <see cref="Money"/> argument is written in the recipient's culture.
    /// </summary>
    public static OutboxMessage QueueEmail(
        LitigesDbContext db,
        string kind,
        string recipient,
        string language,
        DateTimeOffset now,
        string? link,
        params object[] arguments)
    {
        var culture = Cultures.For(language);

        // Amounts are written as the recipient's culture writes money, whoever queued them.
        arguments = [.. arguments.Select(a => a is Money money ? money.Format(culture) : a)];
        var subject = Format(culture, $"Email.{kind}.Subject", arguments);
        var body = Format(culture, $"Email.{kind}.Body", arguments);
        var action = Format(culture, $"Email.{kind}.Action", arguments);
        var signature = Format(culture, "Email.Signature");

        var text = link is null ? $"{body}\n\n{signature}" : $"{body}\n\n{action}: {link}\n\n{signature}";
        var encodedArguments = arguments.Select(a => (object)WebUtility.HtmlEncode(Convert.ToString(a, culture) ?? string.Empty)).ToArray();
        var htmlBody = Format(culture, $"Email.{kind}.Body", encodedArguments).Replace("\n", "<br>", StringComparison.Ordinal);
        var html = $"""
            <!DOCTYPE html>
            <html lang="{culture.TwoLetterISOLanguageName}"><body style="font-family:sans-serif;color:#222">
            <p>{htmlBody}</p>
            {(link is null ? string.Empty : $"<p><a href=\"{WebUtility.HtmlEncode(link)}\" style=\"background:#0d6efd;color:#fff;padding:8px 14px;border-radius:4px;text-decoration:none\">{WebUtility.HtmlEncode(action)}</a></p>")}
            <p style="color:#666">{WebUtility.HtmlEncode(signature)}</p>
            </body></html>
            """;
        var message = new OutboxMessage(NotificationChannel.Email, kind, recipient, subject, text, html, now);
        db.Outbox.Add(message);
        return message;
    }

    /// <summary>
    /// Queues an SMS to <paramref name="number"/> (E.164) whose text comes from the catalogue
    /// (<c>Sms.{kind}</c>) in the recipient's language, in plain GSM-7. Its subject, shown on the
    /// Outbox page, is the text, but with <paramref name="secret"/> (a verification code) masked.
    /// </summary>
    public static OutboxMessage QueueSms(LitigesDbContext db, string kind, string number, string language, DateTimeOffset now, string? secret, params object[] arguments)
    {
        var culture = Cultures.For(language);
        var text = SmsText.Normalise(Format(culture, $"Sms.{kind}", arguments));
        var subject = secret is null ? text : text.Replace(secret, new string('*', secret.Length), StringComparison.Ordinal);
        var message = new OutboxMessage(NotificationChannel.Sms, kind, number, subject, text, null, now);
        db.Outbox.Add(message);
        return message;
    }

    private static string Format(CultureInfo culture, string key, params object[] arguments)
    {
        if (!TextCatalog.Instance.TryGet(key, culture, out var template))
        {
            throw new InvalidOperationException($"Missing text '{key}'.");
        }

        return arguments.Length == 0 ? template : string.Format(culture, template, arguments);
    }
}
