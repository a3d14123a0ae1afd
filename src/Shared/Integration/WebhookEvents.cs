using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Litiges.Data;
using Litiges.Disputes;
using Litiges.Notifications;
using Microsoft.EntityFrameworkCore;

namespace Litiges.Integration;

/// <summary>
/// Raises an event to the clients that subscribed to it: one outbox message per subscription
/// (channel Webhook, recipient the URL, subject the subscription's id, body the JSON envelope),
/// added to the caller's context so that it leaves with the caller's SaveChanges or not at all.
/// The dispatcher signs and posts it (see <see cref="WebhookSender"/>), with its usual retries.
/// </summary>
public static class WebhookEvents
{
    /// <summary>How events and API answers are written: camelCase, enums by name.</summary>
    public static readonly JsonSerializerOptions Json = CreateJsonOptions();

    /// <summary>Queues <paramref name="event"/> for each active subscription of an active client; returns how many were queued.</summary>
    public static async Task<int> RaiseAsync(LitigesDbContext db, WebhookEvent @event, object data, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        // Subscriptions are few, and their event is stored as text: filter in memory.
        var subscriptions = await (
                from subscription in db.WebhookSubscriptions.AsNoTracking()
                join client in db.ApiClients on subscription.ApiClientId equals client.Id
                where subscription.IsActive && client.RevokedAt == null
                select subscription)
            .ToListAsync(cancellationToken);
        var queued = 0;
        foreach (var subscription in subscriptions.Where(s => s.Wants(@event)))
        {
            var envelope = new WebhookEnvelope(Guid.NewGuid(), @event.ToString(), now, data);
            var body = JsonSerializer.Serialize(envelope, Json);
            db.Outbox.Add(new OutboxMessage(
                NotificationChannel.Webhook,
                @event.ToString(),
                subscription.Url,
                subscription.Id.ToString(CultureInfo.InvariantCulture),
                body,
                null,
                now));
            queued++;
        }

        return queued;
    }

    /// <summary>
    /// Raises <see cref="WebhookEvent.StatusChanged"/> when an act moved the dispute to another
    /// status, and <see cref="WebhookEvent.SettlementAccepted"/> when that act was the customer's acceptance.
    /// </summary>
    public static async Task<int> RaiseStatusChangedAsync(LitigesDbContext db, Dispute dispute, DisputeStatus before, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        if (dispute.Status == before)
        {
            return 0;
        }

        var queued = await RaiseAsync(db, WebhookEvent.StatusChanged, new DisputeStatusChange(dispute.Reference, before, dispute.Status, now), now, cancellationToken);
        if (before == DisputeStatus.SettlementProposed && dispute.Status == DisputeStatus.Accepted)
        {
            var summary = dispute.ActiveProposal?.Summary ?? dispute.History.LastOrDefault(h => h.Action == DisputeAction.SettlementProposed)?.Text ?? string.Empty;
            queued += await RaiseAsync(db, WebhookEvent.SettlementAccepted, new SettlementAcceptedData(dispute.Reference, summary, now), now, cancellationToken);
        }

        return queued;
    }

    /// <summary>Raises <see cref="WebhookEvent.CreditNoteIssued"/> for a credit note saved in the same change.</summary>
    public static Task<int> RaiseCreditNoteIssuedAsync(LitigesDbContext db, CreditNotes.CreditNote note, string? disputeReference, CancellationToken cancellationToken = default) =>
        RaiseAsync(
            db,
            WebhookEvent.CreditNoteIssued,
            new CreditNoteIssuedData(note.Number, note.InvoiceNumber, disputeReference, note.Currency, note.TotalNet, note.TotalVat, note.TotalGross, note.IssuedAt),
            note.IssuedAt,
            cancellationToken);

    private static JsonSerializerOptions CreateJsonOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        options.Converters.Add(new JsonStringEnumConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}

/// <summary>What every delivery carries: a unique id (receivers ignore one they have seen), the event, when, and its data.</summary>
public sealed record WebhookEnvelope(Guid Id, string Type, DateTimeOffset OccurredAt, object Data);

/// <summary>The data of <see cref="WebhookEvent.StatusChanged"/>.</summary>
public sealed record DisputeStatusChange(string Reference, DisputeStatus PreviousStatus, DisputeStatus Status, DateTimeOffset ChangedAt);

/// <summary>The data of <see cref="WebhookEvent.CreditNoteIssued"/>; the documents are then at <c>/api/v1/credit-notes/{number}/pdf</c> and <c>/xml</c>.</summary>
public sealed record CreditNoteIssuedData(string Number, string InvoiceNumber, string? DisputeReference, string Currency, decimal TotalNet, decimal TotalVat, decimal TotalGross, DateTimeOffset IssuedAt);

/// <summary>The data of <see cref="WebhookEvent.SettlementAccepted"/>: what the customer accepted, when.</summary>
public sealed record SettlementAcceptedData(string Reference, string Summary, DateTimeOffset AcceptedAt);
