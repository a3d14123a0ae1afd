namespace Litiges.Integration;

/// <summary>What a client may hear about. Stored as text: a subscription holds one event (see <see cref="WebhookEvents"/>).</summary>
[Flags]
public enum WebhookEvent
{
    None = 0,
    DisputeOpened = 1,
    StatusChanged = 2,
    SettlementAccepted = 4,
    CreditNoteIssued = 8,
}

/// <summary>Where a client wants to hear about events; deliveries go through the outbox, signed with the client's secret.</summary>
public sealed class WebhookSubscription
{
    public const int MaxUrlLength = 320;

    private WebhookSubscription()
    {
        Url = string.Empty;
    }

    public WebhookSubscription(int apiClientId, Uri url, WebhookEvent events, DateTimeOffset at)
    {
        if (url.Scheme is not ("https" or "http"))
        {
            throw new DomainException("Webhook.UrlInvalid", url);
        }

        if (events == WebhookEvent.None)
        {
            throw new DomainException("Webhook.EventRequired");
        }

        // One event a row: the column holds an enum name (32 characters), not a list of them.
        if (!System.Numerics.BitOperations.IsPow2((int)events))
        {
            throw new DomainException("Webhook.OneEventEach");
        }

        // Deliveries carry the URL as the outbox message's recipient (320 characters).
        if (url.ToString().Length > MaxUrlLength)
        {
            throw new DomainException("Webhook.UrlTooLong", MaxUrlLength);
        }

        ApiClientId = apiClientId;
        Url = url.ToString();
        Events = events;
        CreatedAt = at;
        IsActive = true;
    }

    public int Id { get; private set; }

    public int ApiClientId { get; private set; }

    public string Url { get; private set; }

    public WebhookEvent Events { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public bool IsActive { get; private set; }

    public bool Wants(WebhookEvent @event) => IsActive && Events.HasFlag(@event);

    public void Deactivate() => IsActive = false;
}
