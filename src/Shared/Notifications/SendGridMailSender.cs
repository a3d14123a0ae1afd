using MimeKit;
using SendGrid;
using SendGrid.Helpers.Mail;

namespace Litiges.Notifications;

/// <summary>SendGrid's HTTP API. A refused or failed call throws, so the outbox retries it later.</summary>
public sealed class SendGridMailSender(SendGridClientOptions options) : IMailSender
{
    private readonly SendGridClient _client = new(options);

    public async Task SendAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        var from = message.From.Mailboxes.First();
        var mail = new SendGridMessage
        {
            From = new EmailAddress(from.Address, from.Name),
            Subject = message.Subject,
            PlainTextContent = message.TextBody,
            HtmlContent = message.HtmlBody,
        };
        foreach (var to in message.To.Mailboxes)
        {
            mail.AddTo(new EmailAddress(to.Address, to.Name));
        }

        // SendGrid writes its own Message-ID; the threading headers and ours go as they are.
        foreach (var header in message.Headers.Where(h => h.Field.StartsWith("X-Litiges-", StringComparison.Ordinal) || h.Id is HeaderId.InReplyTo or HeaderId.References))
        {
            mail.AddHeader(header.Field, header.Value.Trim());
        }

        foreach (var part in message.Attachments.OfType<MimePart>().Where(p => p.Content is not null))
        {
            using var content = new MemoryStream();
            await part.Content!.DecodeToAsync(content, cancellationToken);
            mail.AddAttachment(part.FileName, Convert.ToBase64String(content.ToArray()), part.ContentType.MimeType);
        }

        var response = await _client.SendEmailAsync(mail, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Body.ReadAsStringAsync(cancellationToken);
            throw new InvalidOperationException($"SendGrid answered {(int)response.StatusCode}: {body}");
        }
    }
}
