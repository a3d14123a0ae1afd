using System.Globalization;
using Litiges.Jobs;
using Litiges.Data;
using Litiges.Deadlines;
using Litiges.Disputes;
using Litiges.Finance;
using Litiges.Localization;
using Litiges.Notifications;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Litiges.Deadlines;

public sealed class DeadlineWatcherOptions
{
    public bool Enabled { get; set; } = true;

    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Disputes read per query; each one that needs an alert is then saved on its own.</summary>
    public int BatchSize { get; set; } = 200;
}

/// <summary>What one run did.</summary>
public sealed record DeadlineWatchReport(int DueSoonAlerts, int BreachAlerts, int TaskReminders, int SkippedAsChangedMeanwhile);

/// <summary>
/// Watches the deadlines of open disputes and the internal tasks. A deadline that reaches 75 %
/// of its time alerts the owner; a breached one alerts the owner and escalates to every credit
/// manager; an overdue task is chased once a day, each reminder stating the cash that waits on it.
/// The people are found and told as <see cref="Notices"/> says, as each chose: the 75 % alert and
/// the task reminder may be turned off, a breach always leaves.
/// Every e-mail goes through the outbox in the same save as the dispute it concerns, and each
/// dispute is saved under its version: when several instances run, the one that saves second
/// gets a concurrency conflict, sends nothing, and moves on, so each alert leaves exactly once.
/// </summary>
public sealed class DeadlineWatcher(
    IServiceScopeFactory scopes,
    TimeProvider clock,
    PublicLinks links,
    IOptions<DeadlineWatcherOptions> options,
    ILogger<DeadlineWatcher> logger) : PeriodicJob(clock, logger)
{
    /// <summary>One pass over deadlines and tasks as of <paramref name="now"/>; the service calls it every interval, tests call it directly.</summary>
    public async Task<DeadlineWatchReport> RunOnceAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        now = now.ToUniversalTime(); // stored instants are UTC on every provider
        var report = new Counter();
        await WatchDeadlinesAsync(now, report, cancellationToken);
        await ChaseTasksAsync(now, report, cancellationToken);
        return new DeadlineWatchReport(report.DueSoon, report.Breached, report.Reminders, report.Conflicts);
    }

    protected override bool Enabled => options.Value.Enabled;

    protected override TimeSpan Interval => options.Value.Interval;

    protected override string Name => "Deadline watch";

    protected override async Task TickAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var report = await RunOnceAsync(now, cancellationToken);
        if (report != new DeadlineWatchReport(0, 0, 0, 0) && logger.IsEnabled(LogLevel.Information))
        {
            logger.LogInformation("Deadline watch: {Report}", report);
        }
    }

    private async Task WatchDeadlinesAsync(DateTimeOffset now, Counter report, CancellationToken cancellationToken)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<LitigesDbContext>();
        var limit = now + await HorizonAsync(db, cancellationToken);
        var batchSize = Math.Max(1, options.Value.BatchSize);

        // Read pass: open disputes whose next deadline falls before the horizon, in pages on the
        // (NextDeadlineAt, Id) index. Only those with an alert to raise are then loaded for update.
        DateTimeOffset? lastAt = null;
        var lastId = 0;
        while (true)
        {
            var query = db.Disputes.AsNoTracking().Where(d => d.NextDeadlineAt != null && d.NextDeadlineAt <= limit);
            if (lastAt is { } at)
            {
                query = query.Where(d => d.NextDeadlineAt > at || (d.NextDeadlineAt == at && d.Id > lastId));
            }

            var batch = await query
                .OrderBy(d => d.NextDeadlineAt).ThenBy(d => d.Id)
                .Take(batchSize)
                .AsSplitQuery()
                .ToListAsync(cancellationToken);
            if (batch.Count == 0)
            {
                return;
            }

            // The key as stored, before the checks below refresh it in memory.
            (lastAt, lastId) = (batch[^1].NextDeadlineAt, batch[^1].Id);
            foreach (var dispute in batch.Where(d => d.RaiseDeadlineAlerts(now).Count > 0))
            {
                await AlertAsync(dispute.Id, now, report, cancellationToken);
            }

            if (batch.Count < batchSize)
            {
                return;
            }
        }
    }

    private async Task AlertAsync(int disputeId, DateTimeOffset now, Counter report, CancellationToken cancellationToken)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<LitigesDbContext>();
        var dispute = await db.Disputes.AsSplitQuery().SingleOrDefaultAsync(d => d.Id == disputeId, cancellationToken);
        var raised = dispute?.RaiseDeadlineAlerts(now) ?? [];
        if (dispute is null || raised.Count == 0)
        {
            return; // another instance got there first
        }

        var customer = await CustomerNameAsync(db, dispute.CustomerAccountId, cancellationToken);
        var owner = dispute.OwnerUserId is { } ownerId ? (await Notices.StaffAsync(db, StaffAudience.Person(ownerId), cancellationToken)).SingleOrDefault() : null;
        var creditManagers = await Notices.StaffAsync(db, StaffAudience.CreditManagers, cancellationToken);
        var link = links.BackOfficeDispute(dispute.Id);
        var dueSoon = 0;
        var breached = 0;
        foreach (var deadline in raised)
        {
            if (deadline.State == DeadlineState.DueSoon)
            {
                // Without an owner, nobody would hear of it: the credit managers do.
                foreach (var recipient in owner is null ? creditManagers : [owner])
                {
                    Notices.Queue(db, "DeadlineDueSoon", recipient, now, link, dispute.Reference, Kind(deadline.Kind, recipient), When(deadline.Due, recipient), customer)?.AboutDispute(dispute.Id);
                }

                dueSoon++;
                continue;
            }

            if (owner is not null)
            {
                Notices.Queue(db, "DeadlineBreached", owner, now, link, dispute.Reference, Kind(deadline.Kind, owner), When(deadline.Due, owner), customer)?.AboutDispute(dispute.Id);
            }

            foreach (var manager in creditManagers.Where(m => m.UserId != owner?.UserId))
            {
                Notices.Queue(db, "DeadlineEscalated", manager, now, link, dispute.Reference, Kind(deadline.Kind, manager), When(deadline.Due, manager), customer, dispute.OwnerName ?? Text("Queue.Unassigned", manager))?.AboutDispute(dispute.Id);
            }

            breached++;
        }

        if (await SaveUnderVersionAsync(db, dispute, cancellationToken))
        {
            report.DueSoon += dueSoon;
            report.Breached += breached;
        }
        else
        {
            report.Conflicts++;
        }
    }

    private async Task ChaseTasksAsync(DateTimeOffset now, Counter report, CancellationToken cancellationToken)
    {
        var paris = TimeZoneInfo.ConvertTime(now, FrenchBusinessCalendar.Instance.TimeZone);
        var today = DateOnly.FromDateTime(paris.DateTime);
        var startOfToday = new DateTimeOffset(paris.Date, paris.Offset).ToUniversalTime();
        var batchSize = Math.Max(1, options.Value.BatchSize);

        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<LitigesDbContext>();
        var lastDisputeId = 0;
        while (true)
        {
            // On the (Status, DueOn) index: open tasks overdue and not yet chased today.
            var disputeIds = await db.DisputeTasks.AsNoTracking()
                .Where(t => t.Status == DisputeTaskStatus.Open && t.DueOn < today && (t.LastReminderAt == null || t.LastReminderAt < startOfToday))
                .Where(t => t.DisputeId > lastDisputeId)
                .Select(t => t.DisputeId)
                .Distinct()
                .OrderBy(id => id)
                .Take(batchSize)
                .ToListAsync(cancellationToken);
            foreach (var disputeId in disputeIds)
            {
                await ChaseAsync(disputeId, today, startOfToday, now, report, cancellationToken);
            }

            if (disputeIds.Count < batchSize)
            {
                return;
            }

            lastDisputeId = disputeIds[^1];
        }
    }

    private async Task ChaseAsync(int disputeId, DateOnly today, DateTimeOffset startOfToday, DateTimeOffset now, Counter report, CancellationToken cancellationToken)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<LitigesDbContext>();
        var dispute = await db.Disputes.Include(d => d.Tasks).AsSplitQuery().SingleOrDefaultAsync(d => d.Id == disputeId, cancellationToken);
        var due = dispute?.Tasks.Where(t => t.IsOverdue(today) && (t.LastReminderAt is null || t.LastReminderAt < startOfToday)).ToList() ?? [];
        if (dispute is null || due.Count == 0)
        {
            return;
        }

        var customer = await CustomerNameAsync(db, dispute.CustomerAccountId, cancellationToken);
        var link = links.BackOfficeDispute(dispute.Id);
        foreach (var task in due)
        {
            var recipients = await Notices.StaffAsync(db, StaffAudience.OfTask(task), cancellationToken);
            if (recipients.Count == 0)
            {
                // Nobody in the department: the credit managers chase it themselves.
                recipients = await Notices.StaffAsync(db, StaffAudience.CreditManagers, cancellationToken);
            }

            foreach (var recipient in recipients)
            {
                var culture = CultureOf(recipient);
                Notices.Queue(
                    db,
                    "TaskOverdue",
                    recipient,
                    now,
                    link,
                    dispute.Reference,
                    task.Title,
                    task.DueOn.ToString("d", culture),
                    new Money(task.CashAtStake, dispute.Currency).Format(culture),
                    customer)?.AboutDispute(dispute.Id).AboutTask(task);
            }

            task.RecordReminder(now);
        }

        if (await SaveUnderVersionAsync(db, dispute, cancellationToken))
        {
            report.Reminders += due.Count;
        }
        else
        {
            report.Conflicts++;
        }
    }

    /// <summary>
    /// Saves the dispute with its version checked even when only its alerts or tasks changed, so
    /// that two watchers (or a watcher and a user) never both act on the same state.
    /// </summary>
    private static async Task<bool> SaveUnderVersionAsync(LitigesDbContext db, Dispute dispute, CancellationToken cancellationToken)
    {
        db.Entry(dispute).Property(d => d.Version).IsModified = true;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateConcurrencyException)
        {
            // Another instance (or a person) saved this dispute since it was read: its e-mails
            // are rolled back with the rest; the next run looks again.
            db.ChangeTracker.Clear();
            return false;
        }
    }

    /// <summary>
    /// How far ahead of a deadline its 75 % point can fall: a quarter of the longest allowed time
    /// of any open dispute, in calendar days with room for weekends and holidays.
    /// </summary>
    private static async Task<TimeSpan> HorizonAsync(LitigesDbContext db, CancellationToken cancellationToken)
    {
        var open = db.Disputes.AsNoTracking().Where(d => d.NextDeadlineAt != null);
        var businessDays = await open.MaxAsync(d => (int?)d.Sla.ResolveBusinessDays, cancellationToken) ?? SlaPolicy.Default.ResolveBusinessDays;
        var months = await open.MaxAsync(d => (int?)d.Sla.HardLimitMonths, cancellationToken) ?? SlaPolicy.Default.HardLimitMonths;
        var lead = 1 - SlaClock.DueSoonThreshold;
        var businessLead = Math.Ceiling(businessDays * lead * 7 / 5) + 7;
        var calendarLead = Math.Ceiling(months * 31 * lead) + 1;
        return TimeSpan.FromDays(Math.Max(businessLead, calendarLead));
    }

    private static Task<string> CustomerNameAsync(LitigesDbContext db, int customerAccountId, CancellationToken cancellationToken) =>
        db.CustomerAccounts.AsNoTracking().Where(c => c.Id == customerAccountId).Select(c => c.LegalName).SingleAsync(cancellationToken);

    private static CultureInfo CultureOf(Recipient recipient) => Cultures.For(recipient.Language);

    private static string Text(string key, Recipient recipient)
    {
        TextCatalog.Instance.TryGet(key, CultureOf(recipient), out var text);
        return text;
    }

    private static string Kind(DeadlineKind kind, Recipient recipient) => Text("DeadlineKind." + kind, recipient);

    private static string When(DateTimeOffset instant, Recipient recipient) =>
        TimeZoneInfo.ConvertTime(instant, FrenchBusinessCalendar.Instance.TimeZone).ToString("g", CultureOf(recipient));

    private sealed class Counter
    {
        public int DueSoon { get; set; }

        public int Breached { get; set; }

        public int Reminders { get; set; }

        public int Conflicts { get; set; }
    }
}

public static class DeadlineWatcherSetup
{
    /// <summary>
    /// Registers the watcher (section <c>Deadlines:Watcher</c>, formerly <c>Jobs:DeadlineWatcher</c>, still read: Enabled, Interval, BatchSize)
    /// as a hosted service, and as itself so that tests and tools can run one pass.
    /// </summary>
    public static IServiceCollection AddDeadlineWatcher(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<DeadlineWatcherOptions>(configuration.GetSection("Jobs:DeadlineWatcher"));
        services.Configure<DeadlineWatcherOptions>(configuration.GetSection("Deadlines:Watcher"));
        services.AddSingleton<DeadlineWatcher>();
        services.AddHostedService(provider => provider.GetRequiredService<DeadlineWatcher>());
        return services;
    }
}
