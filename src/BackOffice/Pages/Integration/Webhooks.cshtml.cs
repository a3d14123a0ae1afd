using System.ComponentModel.DataAnnotations;
using Litiges.Data;
using Litiges.Integration;
using Litiges.Notifications;
using Litiges.Pages.Shared;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Litiges.BackOffice.Pages.Integration;

/// <summary>
/// Where each client hears about events (one subscription per URL and event), and the delivery
/// log: every webhook the outbox holds, newest first, with its attempts and last error; a delivery
/// given up after its last attempt can be tried again.
/// </summary>
public sealed class WebhooksModel(LitigesDbContext db, TimeProvider clock, IStringLocalizer t) : PageModel
{
    public const int PageSize = 50;

    public static readonly IReadOnlyList<WebhookEvent> Events =
        [WebhookEvent.DisputeOpened, WebhookEvent.StatusChanged, WebhookEvent.SettlementAccepted, WebhookEvent.CreditNoteIssued];

    [BindProperty]
    public SubscriptionInput Input { get; set; } = new();

    public IReadOnlyList<ClientChoice> Clients { get; private set; } = [];

    public IReadOnlyList<SubscriptionRow> Subscriptions { get; private set; } = [];

    public IReadOnlyList<DeliveryRow> Deliveries { get; private set; } = [];

    public PagerModel Pager { get; private set; } = null!;

    public async Task OnGetAsync(string? after, CancellationToken cancellationToken) => await LoadAsync(after, cancellationToken);

    public async Task<IActionResult> OnPostSubscribeAsync(CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(Input.Url?.Trim(), UriKind.Absolute, out var url) || url.Scheme is not ("https" or "http"))
        {
            ModelState.AddModelError("Input.Url", t["Error.Webhook.UrlInvalid", Input.Url ?? string.Empty]);
        }

        var events = Input.Events.Where(Events.Contains).Distinct().ToList();
        if (events.Count == 0)
        {
            ModelState.AddModelError("Input.Events", t["Error.Webhook.EventRequired"]);
        }

        if (!await db.ApiClients.AnyAsync(c => c.Id == Input.ClientId && c.RevokedAt == null, cancellationToken))
        {
            ModelState.AddModelError("Input.ClientId", t["Integration.Webhooks.ClientRequired"]);
        }

        if (!ModelState.IsValid)
        {
            await LoadAsync(null, cancellationToken);
            return Page();
        }

        var existing = await db.WebhookSubscriptions.AsNoTracking()
            .Where(s => s.ApiClientId == Input.ClientId && s.IsActive && s.Url == url!.ToString())
            .Select(s => s.Events)
            .ToListAsync(cancellationToken);
        try
        {
            var now = clock.GetUtcNow();
            foreach (var @event in events.Where(e => !existing.Contains(e)))
            {
                db.WebhookSubscriptions.Add(new WebhookSubscription(Input.ClientId, url!, @event, now));
            }
        }
        catch (DomainException refused)
        {
            ModelState.AddModelError("Input.Url", Localization.DomainErrors.Message(t, refused));
            await LoadAsync(null, cancellationToken);
            return Page();
        }

        await db.SaveChangesAsync(cancellationToken);
        TempData["Success"] = t["Integration.Webhooks.Subscribed", url!.ToString()].Value;
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostStopAsync(int subscriptionId, CancellationToken cancellationToken)
    {
        var subscription = await db.WebhookSubscriptions.SingleOrDefaultAsync(s => s.Id == subscriptionId, cancellationToken);
        if (subscription is null)
        {
            return NotFound();
        }

        subscription.Deactivate();
        await db.SaveChangesAsync(cancellationToken);
        TempData["Success"] = t["Integration.Webhooks.Stopped", subscription.Url].Value;
        return RedirectToPage();
    }

    /// <summary>Tries again a delivery that was given up (the receiver is fixed).</summary>
    public async Task<IActionResult> OnPostRetryAsync(long messageId, CancellationToken cancellationToken)
    {
        var message = await db.Outbox.SingleOrDefaultAsync(m => m.Id == messageId && m.Channel == NotificationChannel.Webhook && m.FailedAt != null, cancellationToken);
        if (message is null)
        {
            return NotFound();
        }

        message.Retry(clock.GetUtcNow());
        await db.SaveChangesAsync(cancellationToken);
        TempData["Success"] = t["Integration.Webhooks.Retrying"].Value;
        return RedirectToPage();
    }

    private async Task LoadAsync(string? after, CancellationToken cancellationToken)
    {
        Clients = await db.ApiClients.AsNoTracking()
            .Where(c => c.RevokedAt == null)
            .OrderBy(c => c.Name)
            .Select(c => new ClientChoice(c.Id, c.Name))
            .ToListAsync(cancellationToken);
        Subscriptions = await (
                from subscription in db.WebhookSubscriptions.AsNoTracking()
                join client in db.ApiClients on subscription.ApiClientId equals client.Id
                where subscription.IsActive
                orderby client.Name, subscription.Url, subscription.Id
                select new SubscriptionRow(subscription.Id, client.Name, subscription.Url, subscription.Events, subscription.CreatedAt))
            .ToListAsync(cancellationToken);

        // The log pages by id, newest first: rows added meanwhile never shift a page.
        var query = db.Outbox.AsNoTracking().Where(m => m.Channel == NotificationChannel.Webhook);
        if (KeysetCursor.TryDecode(after, out _, out var lastId))
        {
            query = query.Where(m => m.Id < lastId);
        }

        var rows = await query
            .OrderByDescending(m => m.Id)
            .Take(PageSize + 1)
            .Select(m => new DeliveryRow(m.Id, m.Kind, m.Recipient, m.CreatedAt, m.Attempts, m.SentAt, m.FailedAt, m.NextAttemptAt, m.LastError))
            .ToListAsync(cancellationToken);
        Deliveries = rows.Take(PageSize).ToList();
        Pager = new PagerModel(Request, rows.Count > PageSize ? KeysetCursor.Encode(0, (int)Deliveries[^1].Id) : null);
    }

    public sealed record ClientChoice(int Id, string Name);

    public sealed record SubscriptionRow(int Id, string ClientName, string Url, WebhookEvent Event, DateTimeOffset CreatedAt);

    public sealed record DeliveryRow(long Id, string Event, string Url, DateTimeOffset CreatedAt, int Attempts, DateTimeOffset? SentAt, DateTimeOffset? FailedAt, DateTimeOffset NextAttemptAt, string? LastError)
    {
        public string State => SentAt is not null ? "Sent" : FailedAt is not null ? "Failed" : Attempts > 0 ? "Retrying" : "Pending";
    }

    public sealed class SubscriptionInput
    {
        public int ClientId { get; set; }

        [Required(ErrorMessage = "Validation.Required")]
        [Display(Name = "Integration.Webhooks.Url")]
        public string? Url { get; set; }

        public List<WebhookEvent> Events { get; set; } = [];
    }
}
