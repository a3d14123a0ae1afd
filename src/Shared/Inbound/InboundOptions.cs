using MailKit.Security;

namespace Litiges.Inbound;

/// <summary>E-mail in (section <c>Inbound</c>): the reply address and the mailbox it is read from.</summary>
public sealed class InboundOptions
{
    /// <summary>The address replies go to (<c>Inbound:Address</c>, e.g. <c>litiges@example.com</c>); each dispute's e-mails use <c>litiges+token@example.com</c>.</summary>
    public string? Address { get; set; }

    /// <summary>The key of the reply tokens' signature (<c>Inbound:TokenKey</c>, base64, at least 32 bytes).</summary>
    public string? TokenKey { get; set; }

    public byte[]? TokenKeyBytes
    {
        get
        {
            if (string.IsNullOrWhiteSpace(TokenKey))
            {
                return null;
            }

            var bytes = Convert.FromBase64String(TokenKey);
            return bytes.Length >= 32 ? bytes : throw new InvalidOperationException("Inbound:TokenKey must be at least 32 bytes (base64).");
        }
    }

    /// <summary>
    /// How long a handled e-mail (landed on a dispute, or discarded) keeps its words (<c>Inbound:Retention</c>,
    /// 90 days): then the blob clean-up erases its sender, subject and text, the Message-ID alone staying.
    /// Parked e-mails are kept until an agent handles them.
    /// </summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(90);

    public ImapOptions Imap { get; set; } = new();

    public SendGridInboundOptions SendGrid { get; set; } = new();
}

/// <summary>SendGrid Inbound Parse (<c>Inbound:SendGrid:Secret</c>): the webhook is off while the secret is empty.</summary>
public sealed class SendGridInboundOptions
{
    /// <summary>The secret in the webhook's URL, <c>https://backoffice/inbound/sendgrid/{secret}</c> (32 random characters or more).</summary>
    public string? Secret { get; set; }
}

/// <summary>The mailbox polled for replies (<c>Inbound:Imap:*</c>); polling is off while <see cref="Host"/> is empty.</summary>
public sealed class ImapOptions
{
    public string? Host { get; set; }

    public int Port { get; set; } = 993;

    /// <summary><c>Auto</c>, <c>SslOnConnect</c>, <c>StartTls</c> or <c>None</c> (loopback tests only).</summary>
    public SecureSocketOptions Security { get; set; } = SecureSocketOptions.Auto;

    public string? User { get; set; }

    public string? Password { get; set; }

    /// <summary>The folder read (INBOX by default).</summary>
    public string Folder { get; set; } = "INBOX";

    /// <summary>Where processed messages are moved (created when missing).</summary>
    public string ProcessedFolder { get; set; } = "Processed";

    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long one instance holds the mailbox before another may take over.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Most messages read per pass.</summary>
    public int BatchSize { get; set; } = 50;
}
