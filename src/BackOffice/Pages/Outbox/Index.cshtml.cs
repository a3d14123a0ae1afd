using Litiges.Data;
using Litiges.Notifications;
using Litiges.Pages.Shared;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Litiges.BackOffice.Pages.OutboxMessages;

/// <summary>Where an outbox message stands: waiting (new or between retries), parked as failed, or sent.</summary>
public enum OutboxState
{
    Waiting,
    Parked,
    Sent,
}

/// <summary>
/// The outbox for administrators: messages waiting (with their attempts, last error and next
/// attempt), those parked as failed after their last attempt, and those sent lately; filtered by
/// channel, kind and recipient. A parked message, or all of them once the cause is fixed, goes
/// back to the dispatcher with "retry".
/// </summary>
[Authorize(Policy = BackOfficePolicies.Accounts)]
public sealed class IndexModel(LitigesDbContext db, TimeProvider clock, IStringLocalizer t) : PageModel
{
    public const int PageSize = 50;

    /// <summary>How far back "sent" looks.</summary>
    public static readonly TimeSpan RecentlySent = TimeSpan.FromDays(7);

    private const int RetryBatch = 200;

    [BindProperty(SupportsGet = true)]
    public OutboxState State { get; set; } = OutboxState.Parked;

    [BindProperty(SupportsGet = true)]
    public NotificationChannel? Channel { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Kind { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Recipient { get; set; }

    public OutboxCounts Counts { get; private set; } = null!;

    public IReadOnlyList<MessageRow> Messages { get; private set; } = [];

    public PagerModel Pager { get; private set; } = null!;

    /// <summary>The kinds a message can have: every e-mail template, the SMS verification code (SMS alerts share their e-mail's kind) and every webhook event.</summary>
    public static IReadOnlyList<string> Kinds { get; } =
        [.. NotificationKinds.EmailTemplates.Append(SmsAlerts.VerificationKind).Concat(Enum.GetNames<Litiges.Integration.WebhookEvent>().Where(n => n != nameof(Litiges.Integration.WebhookEvent.None))).Distinct().Order(StringComparer.Ordinal)];

    /// <summary>The filters, for links and forms that keep them.</summary>
    public Dictionary<string, string> Filters => new()
    {
        ["state"] = State.ToString(),
        ["channel"] = Channel?.ToString() ?? string.Empty,
        ["kind"] = Kind ?? string.Empty,
        ["recipient"] = Recipient ?? string.Empty,
    };

    public async Task OnGetAsync(string? after, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        Counts = await CountAsync(db, now, cancellationToken);

        // Newest first, paged by id: rows added meanwhile never shift a page.
        var query = Filtered(db.Outbox.AsNoTracking(), now);
        if (KeysetCursor.TryDecode(after, out var lastId, out _))
        {
            query = query.Where(m => m.Id < lastId);
        }

        var rows = await query
            .OrderByDescending(m => m.Id)
            .Take(PageSize + 1)
            .Select(m => new MessageRow(m.Id, m.Channel, m.Kind, m.Recipient, m.Subject, m.CreatedAt, m.Attempts, m.NextAttemptAt, m.LastError, m.SentAt, m.FailedAt))
            .ToListAsync(cancellationToken);
        Messages = rows.Take(PageSize).ToList();
        Pager = new PagerModel(Request, rows.Count > PageSize ? KeysetCursor.Encode(Messages[^1].Id, 0) : null);
    }

    /// <summary>One parked message goes back to the dispatcher, with its attempts counted afresh.</summary>
    public async Task<IActionResult> OnPostRetryAsync(long messageId, CancellationToken cancellationToken)
    {
        var message = await db.Outbox.SingleOrDefaultAsync(m => m.Id == messageId, cancellationToken);
        if (message is null)
        {
            return NotFound();
        }

        try
        {
            message.Retry(clock.GetUtcNow());
            await db.SaveChangesAsync(cancellationToken);
            TempData["Success"] = t["Outbox.Retrying", message.Recipient].Value;
        }
        catch (DomainException refused)
        {
            TempData["Error"] = Localization.DomainErrors.Message(t, refused);
        }
        catch (DbUpdateConcurrencyException)
        {
            TempData["Error"] = t["Outbox.ChangedMeanwhile"].Value;
        }

        return RedirectToPage(Filters);
    }

    /// <summary>Every parked message (of the filtered channel, kind and recipient) goes back to the dispatcher.</summary>
    public async Task<IActionResult> OnPostRetryAllAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        State = OutboxState.Parked;
        var retried = 0;
        var lastId = 0L;
        var conflicts = 0;
        while (conflicts < 3)
        {
            var batch = await Filtered(db.Outbox, now)
                .Where(m => m.Id > lastId)
                .OrderBy(m => m.Id)
                .Take(RetryBatch)
                .ToListAsync(cancellationToken);
            if (batch.Count == 0)
            {
                break;
            }

            foreach (var message in batch)
            {
                message.Retry(now);
            }

            try
            {
                await db.SaveChangesAsync(cancellationToken);
                retried += batch.Count;
                lastId = batch[^1].Id;
                conflicts = 0;
            }
            catch (DbUpdateConcurrencyException)
            {
                // Someone retried some of these meanwhile: read the batch again, without them.
                conflicts++;
            }

            db.ChangeTracker.Clear();
        }

        TempData["Success"] = t["Outbox.RetryingAll", retried].Value;
        return RedirectToPage(Filters);
    }

    /// <summary>How many messages wait, are parked, and were sent lately: for the page and the menu.</summary>
    public static async Task<OutboxCounts> CountAsync(LitigesDbContext db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var since = now - RecentlySent;
        var waiting = await db.Outbox.CountAsync(m => m.SentAt == null && m.FailedAt == null, cancellationToken);
        var parked = await db.Outbox.CountAsync(m => m.SentAt == null && m.FailedAt != null, cancellationToken);
        var sent = await db.Outbox.CountAsync(m => m.SentAt != null && m.SentAt >= since, cancellationToken);
        return new OutboxCounts(waiting, parked, sent);
    }

    private IQueryable<OutboxMessage> Filtered(IQueryable<OutboxMessage> messages, DateTimeOffset now)
    {
        var since = now - RecentlySent;
        messages = State switch
        {
            OutboxState.Waiting => messages.Where(m => m.SentAt == null && m.FailedAt == null),
            OutboxState.Parked => messages.Where(m => m.SentAt == null && m.FailedAt != null),
            _ => messages.Where(m => m.SentAt != null && m.SentAt >= since),
        };
        if (Channel is { } channel)
        {
            messages = messages.Where(m => m.Channel == channel);
        }

        if (!string.IsNullOrWhiteSpace(Kind))
        {
            messages = messages.Where(m => m.Kind == Kind);
        }

        if (!string.IsNullOrWhiteSpace(Recipient))
        {
            var recipient = Recipient.Trim();
            messages = messages.Where(m => m.Recipient.Contains(recipient));
        }

        return messages;
    }

    public sealed record OutboxCounts(int Waiting, int Parked, int SentRecently)
    {
        public int Of(OutboxState state) => state switch
        {
            OutboxState.Waiting => Waiting,
            OutboxState.Parked => Parked,
            _ => SentRecently,
        };
    }

    public sealed record MessageRow(
        long Id,
        NotificationChannel Channel,
        string Kind,
        string Recipient,
        string Subject,
        DateTimeOffset CreatedAt,
        int Attempts,
        DateTimeOffset NextAttemptAt,
        string? LastError,
        DateTimeOffset? SentAt,
        DateTimeOffset? FailedAt);
}
