namespace Litiges.Inbound;

/// <summary>What became of a received e-mail.</summary>
public enum InboundMailStatus
{
    /// <summary>Its text (and files) landed on the dispute as a message from its sender.</summary>
    Attached,

    /// <summary>Kept for an agent, who attaches it to a dispute or discards it.</summary>
    Parked,

    /// <summary>An agent threw it away.</summary>
    Discarded,
}

/// <summary>Why a received e-mail was parked instead of attached.</summary>
public enum ParkReason
{
    None,

    /// <summary>Sent to none of our reply addresses (the inbound address itself, say).</summary>
    NoReplyAddress,

    /// <summary>A reply address whose signature does not match its dispute and its sender: forged, or forwarded by someone else.</summary>
    BadToken,

    /// <summary>The dispute of the token no longer exists.</summary>
    UnknownDispute,

    /// <summary>The sender is neither a portal user of the dispute's company nor the dispute's contact.</summary>
    UnknownSender,

    /// <summary>An automatic message (out of office, bounce, list): RFC 3834 <c>Auto-Submitted</c>, <c>Precedence</c>, <c>X-Autoreply</c>.</summary>
    AutoReply,

    /// <summary>An attachment was refused (type, size, virus): the whole mail waits, no file of it is kept.</summary>
    FileRefused,

    /// <summary>The dispute refused the message (closed, say), or the mail had no text and no file.</summary>
    Refused,

    /// <summary>A task's reply address whose task no longer exists.</summary>
    UnknownTask,

    /// <summary>A reply to a task from someone it is not for (neither its assignee nor a member of its department).</summary>
    NotForThisTask,

    /// <summary>A reply to a task already done or cancelled.</summary>
    TaskClosed,
}

/// <summary>
/// One received e-mail, by its Message-ID (unique: a message fetched twice, or by two instances,
/// is taken once). The raw message is kept in blob storage while it is parked, so that an agent
/// can read it and attach it later with its files; its words (sender, subject, excerpt) are
/// erased when its sender is anonymised, and once handled for the retention period
/// (<see cref="Erase"/>).
/// </summary>
public sealed class InboundMail
{
    public const int MaxSubjectLength = 300;
    public const int MaxExcerptLength = 2000;

    private InboundMail()
    {
        MessageId = From = To = Subject = Excerpt = string.Empty;
    }

    public InboundMail(string messageId, string from, string? fromName, string to, string? subject, string excerpt, DateTimeOffset receivedAt)
    {
        MessageId = Truncate(messageId, 300);
        From = Truncate(from, 320);
        FromName = fromName is null ? null : Truncate(fromName, 200);
        To = Truncate(to, 320);
        Subject = Truncate(subject ?? string.Empty, MaxSubjectLength);
        Excerpt = Truncate(excerpt, MaxExcerptLength);
        ReceivedAt = receivedAt;
    }

    public int Id { get; private set; }

    /// <summary>The message's Message-ID (or a digest of its content when it has none).</summary>
    public string MessageId { get; private set; }

    public string From { get; private set; }

    public string? FromName { get; private set; }

    /// <summary>The address it was sent to (the reply address, token included).</summary>
    public string To { get; private set; }

    public string Subject { get; private set; }

    /// <summary>The reply text without quoted history and signature, as far as it could be told.</summary>
    public string Excerpt { get; private set; }

    public DateTimeOffset ReceivedAt { get; private set; }

    public InboundMailStatus Status { get; private set; }

    public ParkReason Reason { get; private set; }

    /// <summary>What was refused, in words (the file and why), for the agent.</summary>
    public string? Detail { get; private set; }

    /// <summary>The dispute the token named (parked) or the mail landed on (attached).</summary>
    public int? DisputeId { get; private set; }

    /// <summary>The task whose reply address it was sent to: it lands, or waits, as that task's answer.</summary>
    public int? TaskId { get; private set; }

    /// <summary>When its words were erased (its sender anonymised, or kept past the retention period).</summary>
    public DateTimeOffset? ErasedAt { get; private set; }

    /// <summary>The raw message while it is parked; null once attached or discarded.</summary>
    public string? RawBlobName { get; private set; }

    /// <summary>The agent who attached or discarded it.</summary>
    public string? HandledBy { get; private set; }

    public DateTimeOffset? HandledAt { get; private set; }

    public int Version { get; private set; }

    public void Attach(int disputeId, string? handledBy, DateTimeOffset at)
    {
        RequireParkedOrNew();
        Status = InboundMailStatus.Attached;
        DisputeId = disputeId;
        RawBlobName = null;
        Handled(handledBy, at);
    }

    public void Park(ParkReason reason, int? disputeId, string? detail, string? rawBlobName)
    {
        Status = InboundMailStatus.Parked;
        Reason = reason;
        DisputeId = disputeId;
        Detail = detail is null ? null : Truncate(detail, 1000);
        RawBlobName = rawBlobName;
    }

    /// <summary>The mail was sent to a task's reply address.</summary>
    public void AnswersTask(int taskId) => TaskId = taskId;

    public void Discard(string handledBy, DateTimeOffset at)
    {
        RequireParkedOrNew();
        Status = InboundMailStatus.Discarded;
        RawBlobName = null;
        Handled(handledBy, at);
    }

    /// <summary>
    /// Erases what the mail said and who sent it: the sender becomes <paramref name="sender"/> (an
    /// anonymous label), the name, subject, excerpt and detail go, and so does the raw message (the
    /// caller deletes the blob it named). A parked mail can no longer be attached: it is discarded.
    /// The Message-ID stays, so that the same message read again is still known.
    /// </summary>
    /// <returns>The raw message's blob to delete, if it had one.</returns>
    public string? Erase(string sender, DateTimeOffset at)
    {
        var raw = RawBlobName;
        From = Truncate(sender, 320);
        FromName = null;
        Subject = string.Empty;
        Excerpt = string.Empty;
        Detail = null;
        RawBlobName = null;
        ErasedAt = at;
        if (Status == InboundMailStatus.Parked)
        {
            Status = InboundMailStatus.Discarded;
            HandledAt = at;
        }

        Version++;
        return raw;
    }

    private void Handled(string? handledBy, DateTimeOffset at)
    {
        if (handledBy is not null)
        {
            HandledBy = Truncate(handledBy, 200);
            HandledAt = at;
        }

        Version++;
    }

    private void RequireParkedOrNew()
    {
        if (Id != 0 && Status != InboundMailStatus.Parked)
        {
            throw new DomainException("Inbound.AlreadyHandled", Subject);
        }
    }

    private static string Truncate(string value, int length) => value.Length <= length ? value : value[..length];
}
