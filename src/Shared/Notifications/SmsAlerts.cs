using Litiges.Accounts;
using Litiges.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Litiges.Notifications;

/// <summary>
/// SMS alerts: the few e-mails that also go by SMS to a user who proved a mobile number and asked
/// for that event (a breached deadline and its escalation for staff; a question or a settlement
/// proposal awaiting the customer's answer). The one place that decides it: in the save that
/// queues such an e-mail about a dispute, whoever queued it (<see cref="DisputeNotices"/>, the
/// deadline watcher), an SMS for the same person is queued beside it, in their language, with the
/// dispute's short link; one queued in quiet hours waits for their end.
/// </summary>
public sealed class SmsAlerts(PublicLinks? links, SmsOptions? options) : SaveChangesInterceptor
{
    /// <summary>The SMS that proves a number: essential, sent at any hour.</summary>
    public const string VerificationKind = "MobileVerification";

    public static readonly IReadOnlyList<string> ForStaff = ["DeadlineBreached", "DeadlineEscalated"];

    public static readonly IReadOnlyList<string> ForCustomers = ["DisputeQuestion", "SettlementProposed"];

    private readonly SmsQuietHours _quietHours = options?.QuietHours ?? new SmsQuietHours();

    private readonly bool _offered = options?.Offered ?? true;

    /// <summary>The events a user of <paramref name="kind"/> may receive by SMS.</summary>
    public static IReadOnlyList<string> For(UserKind kind) => kind == UserKind.Staff ? ForStaff : ForCustomers;

    /// <summary>When an SMS of <paramref name="kind"/> queued at <paramref name="now"/> may leave: null for at once.</summary>
    public DateTimeOffset? HeldUntil(string kind, DateTimeOffset now) => QuietUntil(_quietHours, kind, now);

    /// <summary>Quiet hours hold every SMS but the verification code, which the user is waiting for.</summary>
    public static DateTimeOffset? QuietUntil(SmsQuietHours quietHours, string kind, DateTimeOffset now) =>
        kind == VerificationKind ? null : quietHours.Until(now);

    /// <summary>
    /// Whether an SMS may still leave: the code always; an alert only while a user of that number
    /// still has it proved, still wants that event, and did not answer STOP (meanwhile, it may have
    /// waited all night for the end of quiet hours).
    /// </summary>
    public static async Task<bool> StillWantedAsync(LitigesDbContext db, OutboxMessage sms, CancellationToken cancellationToken)
    {
        if (sms.Kind == VerificationKind)
        {
            return true;
        }

        var holders = await db.Users.AsNoTracking().Where(u => u.PhoneNumber == sms.Recipient && u.IsActive).ToListAsync(cancellationToken);
        return holders.Any(u => u.WantsSms(sms.Kind));
    }

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is LitigesDbContext db && _offered)
        {
            await QueueAsync(db, Alerting(db), cancellationToken);
        }

        return result;
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        if (eventData.Context is LitigesDbContext db && _offered && Alerting(db).Count > 0)
        {
            // The recipients' choices are read from the database: only an asynchronous save may do that.
            throw new InvalidOperationException("Save alerts with SaveChangesAsync: their SMS are queued as they are saved.");
        }

        return result;
    }

    // Rows are Added as they are queued: no need to scan every tracked entity for changes (the
    // save does that once), and the values read are the rows' own.
    private static List<OutboxMessage> Alerting(LitigesDbContext db)
    {
        var detects = db.ChangeTracker.AutoDetectChangesEnabled;
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        try
        {
            return [.. db.ChangeTracker.Entries<OutboxMessage>()
                .Where(e => e.State == EntityState.Added)
                .Select(e => e.Entity)
                .Where(m => m.Channel is NotificationChannel.Email or NotificationChannel.Digest && m.DisputeId is not null && (ForStaff.Contains(m.Kind) || ForCustomers.Contains(m.Kind)))];
        }
        finally
        {
            db.ChangeTracker.AutoDetectChangesEnabled = detects;
        }
    }

    private async Task QueueAsync(LitigesDbContext db, List<OutboxMessage> emails, CancellationToken cancellationToken)
    {
        if (emails.Count == 0)
        {
            return;
        }

        var addresses = emails.Select(m => m.Recipient.ToUpperInvariant()).Distinct().ToList();
        var users = await db.Users.AsNoTracking()
            .Where(u => u.IsActive && u.PhoneNumberConfirmed && u.PhoneNumber != null && u.SmsStoppedAt == null && u.SmsAlerts != string.Empty && addresses.Contains(u.NormalizedEmail!))
            .Select(u => new { u.NormalizedEmail, u.PhoneNumber, u.Language, u.Kind, u.SmsAlerts })
            .ToListAsync(cancellationToken);
        if (users.Count == 0)
        {
            return;
        }

        var disputeIds = emails.Select(m => m.DisputeId!.Value).Distinct().ToList();
        var references = await db.Disputes.AsNoTracking().Where(d => disputeIds.Contains(d.Id)).ToDictionaryAsync(d => d.Id, d => d.Reference, cancellationToken);
        var sent = new HashSet<(string, string, int)>();
        foreach (var email in emails)
        {
            var disputeId = email.DisputeId!.Value;
            var user = users.FirstOrDefault(u => string.Equals(u.NormalizedEmail, email.Recipient, StringComparison.OrdinalIgnoreCase));
            if (user is null
                || !user.SmsAlerts.Split(',').Contains(email.Kind)
                || !For(user.Kind).Contains(email.Kind)
                || !sent.Add((user.PhoneNumber!, email.Kind, disputeId)))
            {
                continue;
            }

            var reference = references[disputeId];
            var link = (links ?? throw new InvalidOperationException("SMS alerts are queued only where e-mail is configured (AddLitigesEmail).")).ShortDispute(user.Kind, reference);
            var sms = Outbox.QueueSms(db, email.Kind, user.PhoneNumber!, user.Language, email.CreatedAt, null, reference, link).AboutDispute(disputeId);
            if (HeldUntil(email.Kind, email.CreatedAt) is { } until)
            {
                sms.Postpone(until);
            }
        }
    }
}
