namespace Litiges.EInvoicing;

/// <summary>How a status message reached us.</summary>
public enum StatusChannel
{
    Api,
    DropFolder,
}

public enum StatusOutcome
{
    /// <summary>Acted on: the invoice (and the dispute, where it is one) carries it.</summary>
    Applied,

    /// <summary>Could not be acted on; waits for an agent, with its reason.</summary>
    Parked,

    /// <summary>An agent looked at the parked message and set it aside.</summary>
    Dismissed,
}

/// <summary>
/// Every lifecycle status message received from the PA, applied or parked, keyed by the message's
/// own id (or by its SHA-256 when it is too broken to have one): receiving the same message again
/// changes nothing, except that a parked message is tried again, since what stopped it (an invoice
/// not yet imported, say) may be fixed by then.
/// </summary>
public sealed class PlatformStatusMessage
{
    public const int MaxContentLength = Cdar.MaxCharacters;
    private const char Separator = '\u001F';

    private PlatformStatusMessage()
    {
        MessageKey = Content = string.Empty;
    }

    public PlatformStatusMessage(string messageKey, StatusChannel channel, string content, DateTimeOffset now)
    {
        MessageKey = messageKey;
        Channel = channel;
        Content = content.Length <= MaxContentLength ? content : content[..MaxContentLength];
        ReceivedAt = now;
        LastAttemptAt = now;
    }

    public long Id { get; private set; }

    /// <summary>The CDAR <c>ExchangedDocument/ID</c>, or <c>sha256:…</c> of a message that has none.</summary>
    public string MessageKey { get; private set; }

    public StatusChannel Channel { get; private set; }

    public DateTimeOffset ReceivedAt { get; private set; }

    public DateTimeOffset LastAttemptAt { get; private set; }

    public int Attempts { get; private set; } = 1;

    public int? StatusCode { get; private set; }

    public string? InvoiceNumber { get; private set; }

    public int? InvoiceId { get; private set; }

    /// <summary>The dispute the status opened or updated.</summary>
    public int? DisputeId { get; private set; }

    public StatusOutcome Outcome { get; private set; }

    /// <summary>The text key of why it was parked (<c>EInvoicing.Park.*</c> or a domain error), null once applied.</summary>
    public string? ParkReason { get; private set; }

    public string? ParkArguments { get; private set; }

    public string Content { get; private set; }

    public string? DismissedBy { get; private set; }

    public IReadOnlyList<string> ParkArgumentList => ParkArguments is null ? [] : ParkArguments.Split(Separator);

    public void Describe(int? statusCode, string? invoiceNumber)
    {
        StatusCode = statusCode;
        InvoiceNumber = invoiceNumber;
    }

    public void Apply(int invoiceId, int? disputeId)
    {
        InvoiceId = invoiceId;
        DisputeId = disputeId;
        Outcome = StatusOutcome.Applied;
        ParkReason = null;
        ParkArguments = null;
    }

    public void Park(string reason, IEnumerable<string> arguments)
    {
        Outcome = StatusOutcome.Parked;
        ParkReason = reason;
        var joined = string.Join(Separator, arguments.Select(a => a.Replace(Separator, ' ')));
        ParkArguments = joined.Length == 0 ? null : joined[..Math.Min(joined.Length, 2000)];
    }

    /// <summary>The same message came again: one more attempt, counted.</summary>
    public void Retry(DateTimeOffset now)
    {
        Attempts++;
        LastAttemptAt = now;
    }

    public void Dismiss(string by)
    {
        if (Outcome != StatusOutcome.Parked)
        {
            throw new DomainException("EInvoicing.NotParked");
        }

        Outcome = StatusOutcome.Dismissed;
        DismissedBy = by;
    }
}

/// <summary>
/// The lifecycle status of one of our invoices as the PA last reported it (the newest by the
/// message's date, so that a late message does not overwrite a newer status).
/// </summary>
public sealed class InvoiceLifecycle
{
    private InvoiceLifecycle()
    {
        MessageKey = string.Empty;
    }

    public InvoiceLifecycle(int invoiceId, int statusCode, DateTimeOffset at, string messageKey)
    {
        InvoiceId = invoiceId;
        StatusCode = statusCode;
        StatusAt = at;
        MessageKey = messageKey;
    }

    public int InvoiceId { get; private set; }

    public int StatusCode { get; private set; }

    public DateTimeOffset StatusAt { get; private set; }

    public string MessageKey { get; private set; }

    public void Report(int statusCode, DateTimeOffset at, string messageKey)
    {
        if (at < StatusAt)
        {
            return; // an older status arriving late: the newer one stands
        }

        StatusCode = statusCode;
        StatusAt = at;
        MessageKey = messageKey;
    }
}
