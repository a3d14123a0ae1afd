namespace Litiges.Integration;

[Flags]
public enum WebhookEvents
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
    private WebhookSubscription()
    {
        Url = string.Empty;
    }

    public WebhookSubscription(int apiClientId, Uri url, WebhookEvents events, DateTimeOffset at)
    {
        if (url.Scheme is not ("https" or "http"))
        {
            throw new DomainException("Webhook.UrlInvalid", url);
        }

        if (events == WebhookEvents.None)
        {
            throw new DomainException("Webhook.EventRequired");
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

    public WebhookEvents Events { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public bool IsActive { get; private set; }

    public bool Wants(WebhookEvents @event) => IsActive && Events.HasFlag(@event);

    public void Deactivate() => IsActive = false;
}
