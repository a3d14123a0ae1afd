namespace Litiges.Notifications;

public enum NotificationChannel
{
    Email,
    Sms,
    Webhook,
}

/// <summary>
/// A message waiting to be delivered. It is written in the same transaction as the change that
/// causes it, so a change is never lost and nothing is sent for a change that was rolled back;
/// a dispatcher claims it with a lease and delivers it with retries.
/// </summary>
public sealed class OutboxMessage : IVersioned
{
    private OutboxMessage()
    {
        Recipient = Subject = TextBody = Kind = string.Empty;
    }

    public OutboxMessage(NotificationChannel channel, string kind, string recipient, string subject, string textBody, string? htmlBody, DateTimeOffset now)
    {
        Channel = channel;
        Kind = kind;
        Recipient = recipient;
        Subject = subject;
        TextBody = textBody;
        HtmlBody = htmlBody;
        CreatedAt = now;
        NextAttemptAt = now;
    }

    public long Id { get; private set; }

    public NotificationChannel Channel { get; private set; }

    /// <summary>What the message is about, e.g. "ConfirmEmail", "DisputeAcknowledged".</summary>
    public string Kind { get; private set; }

    public string Recipient { get; private set; }

    public string Subject { get; private set; }

    public string TextBody { get; private set; }

    public string? HtmlBody { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset NextAttemptAt { get; private set; }

    public int Attempts { get; private set; }

    public DateTimeOffset? SentAt { get; private set; }

    public DateTimeOffset? FailedAt { get; private set; }

    public string? LastError { get; private set; }

    public string? LeaseOwner { get; private set; }

    public DateTimeOffset? LeaseUntil { get; private set; }

    public int Version { get; private set; }

    void IVersioned.IncrementVersion() => Version++;

    internal void Claim(string owner, DateTimeOffset until)
    {
        LeaseOwner = owner;
        LeaseUntil = until;
    }

    internal void MarkSent(DateTimeOffset at)
    {
        SentAt = at;
        LeaseOwner = null;
        LeaseUntil = null;
        Attempts++;
    }

    internal void MarkAttemptFailed(string error, DateTimeOffset now, int maxAttempts)
    {
        Attempts++;
        LastError = error.Length > 2000 ? error[..2000] : error;
        LeaseOwner = null;
        LeaseUntil = null;
        if (Attempts >= maxAttempts)
        {
            FailedAt = now;
            return;
        }

        // Exponential backoff: 30 s, 1 min, 2 min... capped at one hour.
        var delay = TimeSpan.FromSeconds(Math.Min(3600, 30 * Math.Pow(2, Attempts - 1)));
        NextAttemptAt = now + delay;
    }

    /// <summary>A message parked as failed goes back to the dispatcher, its attempts counted afresh.</summary>
    public void Retry(DateTimeOffset now)
    {
        if (FailedAt is null || SentAt is not null)
        {
            throw new DomainException("Outbox.NotParked");
        }

        FailedAt = null;
        Attempts = 0;
        NextAttemptAt = now;
    }
}
