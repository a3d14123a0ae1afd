namespace Litiges.Notifications;

public enum NotificationChannel
{
    Email,
    Sms,
    Webhook,

    /// <summary>An e-mail its recipient chose to read in the daily digest: held until the digest takes it.</summary>
    Digest,
}

/// <summary>A stored document an e-mail carries: the blob, the file name the reader sees, its type.</summary>
public sealed record MailAttachment(string BlobName, string FileName, string ContentType);

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

    /// <summary>The dispute the message is about, if any: its e-mails thread together in the reader's mail client.</summary>
    public int? DisputeId { get; private set; }

    /// <summary>
    /// The task the message is about, if any (a task given to its recipient): the e-mail answers to
    /// the task's signed reply address, and the reply becomes the task's answer (Inbound).
    /// </summary>
    public int? TaskId { get; private set; }

    /// <summary>The task itself while it is being saved with the message (its id is not known before).</summary>
    public Disputes.DisputeTask? DisputeTask { get; private set; }

    /// <summary>
    /// The documents the e-mail carries, one per line as "blob|file name|type". Only the names of
    /// blobs already stored (immutable, hashed credit-note documents) are kept, not their bytes: the
    /// row stays small, and the dispatcher reads the very document the customer can download.
    /// </summary>
    public string? Attachments { get; private set; }

    public IReadOnlyList<MailAttachment> AttachmentList =>
        Attachments is null ? [] : [.. Attachments.Split('\n').Select(line => line.Split('|')).Select(p => new MailAttachment(p[0], p[1], p[2]))];

    void IVersioned.IncrementVersion() => Version++;

    public OutboxMessage AboutDispute(int disputeId)
    {
        DisputeId = disputeId;
        return this;
    }

    /// <summary>Ties the message to a task, saved in the same save or before: the id follows when the task gets it.</summary>
    public OutboxMessage AboutTask(Disputes.DisputeTask task)
    {
        DisputeTask = task;
        TaskId = task.Id == 0 ? null : task.Id;
        return this;
    }

    public OutboxMessage Attach(MailAttachment attachment)
    {
        if (attachment.FileName.Contains('|', StringComparison.Ordinal) || attachment.FileName.Contains('\n', StringComparison.Ordinal))
        {
            throw new ArgumentException("An attachment's name holds no '|' nor line break.", nameof(attachment));
        }

        var line = $"{attachment.BlobName}|{attachment.FileName}|{attachment.ContentType}";
        Attachments = Attachments is null ? line : Attachments + "\n" + line;
        return this;
    }

    /// <summary>Holds the e-mail for its recipient's daily digest instead of sending it now.</summary>
    public OutboxMessage DeferToDigest()
    {
        Channel = Channel == NotificationChannel.Email ? NotificationChannel.Digest : throw new InvalidOperationException("Only an e-mail goes to the digest.");
        return this;
    }

    /// <summary>Not before <paramref name="until"/> (an SMS in quiet hours); a claim on it is let go, no attempt is counted.</summary>
    public OutboxMessage Postpone(DateTimeOffset until)
    {
        NextAttemptAt = until > NextAttemptAt ? until : NextAttemptAt;
        LeaseOwner = null;
        LeaseUntil = null;
        return this;
    }

    /// <summary>A sent text that held a secret (a verification code) keeps only its masked summary.</summary>
    internal void ForgetText() => TextBody = Subject;

    /// <summary>The digest that carried this held e-mail was queued.</summary>
    internal void MarkDigested(DateTimeOffset at)
    {
        SentAt = at;
        LeaseOwner = null;
        LeaseUntil = null;
    }

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

    /// <summary>The provider refused the message for good: parked at once, no retry would change its answer.</summary>
    internal void MarkRefused(string error, DateTimeOffset now) => MarkAttemptFailed(error, now, maxAttempts: Attempts + 1);

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
