using Litiges.Accounts;
using Litiges.Data;
using Litiges.Deadlines;
using Litiges.Disputes;
using Litiges.Jobs;
using Litiges.Notifications;
using Litiges.Testing;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Litiges.IntegrationTests.BackOffice;

/// <summary>
/// The deadline watcher: the owner is alerted at 75 % of a deadline, a breach is escalated to
/// every credit manager, overdue tasks are chased once a day with the cash at stake, and two
/// watchers running at once still send each alert exactly once.
/// </summary>
public abstract class DeadlineWatcherTests<TFixture>(TFixture fixture) : BackOfficeScenario<TFixture>(fixture), IClassFixture<TFixture>
    where TFixture : LitigesFixture
{
    // Monday 2 March 2026, 10:00 in Paris: acknowledgment is due on Wednesday 4 March at 10:00 (two
    // business days), so 75 % of it is reached on Tuesday at 22:00.
    private static readonly DateTimeOffset Submitted = Paris(2026, 3, 2, 10);
    private static readonly DateTimeOffset AckDueSoon = Paris(2026, 3, 4, 0);
    private static readonly DateTimeOffset AckBreached = Paris(2026, 3, 4, 11);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Owner_is_alerted_once_when_75_percent_of_a_deadline_has_passed()
    {
        var agentId = await UserIdAsync(Agent);
        var id = await NewDisputeAsync(submittedAt: Submitted, then: (d, at) => d.AssignOwner(SeedAgent, agentId, "Agnès Agent", at));
        var watcher = Watcher(AckDueSoon);

        await watcher.RunOnceAsync(AckDueSoon.AddHours(-3)); // 62 %: nothing yet
        Assert.Empty(await MailsAsync(id));
        var report = await watcher.RunOnceAsync(AckDueSoon);
        await watcher.RunOnceAsync(AckDueSoon.AddHours(1));

        Assert.True(report.DueSoonAlerts >= 1);
        var mail = Assert.Single(await MailsAsync(id));
        Assert.Equal(("DeadlineDueSoon", Agent), (mail.Kind, mail.Recipient));
        Assert.Contains("Accusé de réception", mail.Subject, StringComparison.Ordinal);
        Assert.Contains("04/03/2026 10:00", mail.TextBody, StringComparison.Ordinal);
        var dispute = await LoadAsync(id);
        Assert.Equal(DeadlineState.DueSoon, dispute.WorstDeadlineState);
    }

    [Fact]
    public async Task Breach_alerts_the_owner_and_escalates_once_to_every_credit_manager()
    {
        await SecondCreditManagerAsync();
        var agentId = await UserIdAsync(Agent);
        var id = await NewDisputeAsync(submittedAt: Submitted, then: (d, at) => d.AssignOwner(SeedAgent, agentId, "Agnès Agent", at));
        var watcher = Watcher(AckBreached);

        await watcher.RunOnceAsync(AckBreached);
        await watcher.RunOnceAsync(AckBreached.AddHours(2));

        var mails = await MailsAsync(id);
        Assert.Equal(
            [("DeadlineBreached", Agent), ("DeadlineEscalated", "credit2@staff.test"), ("DeadlineEscalated", CreditManager)],
            Sorted(mails));
        Assert.Contains("Pilote : Agnès Agent", mails.First(m => m.Kind == "DeadlineEscalated").TextBody, StringComparison.Ordinal);
        Assert.Equal(DeadlineState.Breached, (await LoadAsync(id)).WorstDeadlineState);
    }

    [Fact]
    public async Task Without_an_owner_the_credit_managers_hear_of_the_coming_deadline()
    {
        var id = await NewDisputeAsync(submittedAt: Submitted);
        await Watcher(AckDueSoon).RunOnceAsync(AckDueSoon);

        var mails = await MailsAsync(id);
        Assert.NotEmpty(mails);
        Assert.All(mails, m => Assert.Equal("DeadlineDueSoon", m.Kind));
        Assert.Contains(mails, m => m.Recipient == CreditManager);
        Assert.DoesNotContain(mails, m => m.Recipient == Agent);
    }

    [Fact]
    public async Task Overdue_task_is_chased_once_a_day_stating_the_cash_at_stake()
    {
        var billing = await DepartmentIdAsync(ReferenceData.Departments.Billing);
        var financeId = await UserIdAsync(Finance);
        var id = await NewDisputeAsync(DisputeStatus.InReview, submittedAt: Submitted, then: (d, at) =>
        {
            d.OpenTask(SeedAgent, "Émettre l'avoir", billing, null, null, new DateOnly(2026, 3, 3), 100_000m, at);
            d.OpenTask(SeedAgent, "Valider l'échéancier", null, financeId, "Fanny Finance", new DateOnly(2026, 3, 20), 2_500m, at);
        });

        var thursday = Paris(2026, 3, 5, 9);
        var watcher = Watcher(thursday);
        await watcher.RunOnceAsync(thursday);
        await watcher.RunOnceAsync(thursday.AddHours(6));
        var first = await MailsAsync(id);
        var reminder = Assert.Single(first);
        Assert.Equal(("TaskOverdue", Resolver), (reminder.Kind, reminder.Recipient));
        var cash = "100\u202F000,00 €"; // as the French write it: a narrow no-break space between thousands
        Assert.Contains($"Encaissement de {cash} en attente de cette tâche", reminder.TextBody, StringComparison.Ordinal);
        Assert.Contains("Émettre l'avoir", reminder.Subject, StringComparison.Ordinal);

        await watcher.RunOnceAsync(Paris(2026, 3, 6, 9));
        Assert.Equal(2, (await MailsAsync(id)).Count(m => m.Kind == "TaskOverdue" && m.Recipient == Resolver));
        var task = (await LoadAsync(id)).Tasks.Single(t => t.Title == "Émettre l'avoir");
        Assert.Equal(2, task.Reminders);

        // The other task falls due later: chased to its assignee alone, once it is overdue.
        await watcher.RunOnceAsync(Paris(2026, 3, 23, 9));
        Assert.Single(await MailsAsync(id), m => m.Recipient == Finance);
    }

    [Fact]
    public async Task A_staff_member_who_turned_task_reminders_off_is_not_chased_but_the_department_still_is()
    {
        var billing = await DepartmentIdAsync(ReferenceData.Departments.Billing);
        var financeId = await UserIdAsync(Finance);
        var id = await NewDisputeAsync(DisputeStatus.InReview, submittedAt: Submitted, then: (d, at) =>
            d.OpenTask(SeedAgent, "Relancer le transporteur", billing, financeId, "Fanny Finance", new DateOnly(2026, 3, 3), 800m, at));
        await MuteAsync(Finance, NotificationKinds.TaskReminder);
        try
        {
            await Watcher(Paris(2026, 3, 5, 9)).RunOnceAsync(Paris(2026, 3, 5, 9));
        }
        finally
        {
            await MuteAsync(Finance);
        }

        Assert.Equal([("TaskOverdue", Resolver)], Sorted(await MailsAsync(id)));
        Assert.Equal(1, (await LoadAsync(id)).Tasks.Single().Reminders);
    }

    [Fact]
    public async Task Done_task_is_not_chased()
    {
        var billing = await DepartmentIdAsync(ReferenceData.Departments.Billing);
        var id = await NewDisputeAsync(DisputeStatus.InReview, submittedAt: Submitted, then: (d, at) =>
        {
            d.OpenTask(SeedAgent, "Émettre l'avoir", billing, null, null, new DateOnly(2026, 3, 3), 100m, at);
            d.CompleteTask(SeedAgent, 0, "Fait", at);
        });

        await Watcher(Paris(2026, 3, 5, 9)).RunOnceAsync(Paris(2026, 3, 5, 9));

        Assert.DoesNotContain(await MailsAsync(id), m => m.Kind == "TaskOverdue");
    }

    [Fact]
    public async Task Two_watchers_running_at_once_send_each_alert_exactly_once()
    {
        var agentId = await UserIdAsync(Agent);
        var ids = new List<int>();
        for (var i = 0; i < 12; i++)
        {
            ids.Add(await NewDisputeAsync(submittedAt: Submitted.AddMinutes(i), then: (d, at) => d.AssignOwner(SeedAgent, agentId, "Agnès Agent", at)));
        }

        foreach (var now in new[] { AckDueSoon.AddHours(1), AckBreached.AddHours(1) })
        {
            var first = Watcher(now, batchSize: 5);
            var second = Watcher(now, batchSize: 3);
            var reports = await Task.WhenAll(Task.Run(() => first.RunOnceAsync(now)), Task.Run(() => second.RunOnceAsync(now)));
            Assert.True(reports.Sum(r => r.DueSoonAlerts + r.BreachAlerts) >= ids.Count);
        }

        foreach (var id in ids)
        {
            var mails = await MailsAsync(id);
            Assert.Equal(
                [("DeadlineBreached", Agent), ("DeadlineDueSoon", Agent), ("DeadlineEscalated", CreditManager)],
                Sorted(mails.Where(m => m.Recipient != "credit2@staff.test")));
            var dispute = await LoadAsync(id);
            Assert.Equal(2, dispute.DeadlineAlerts.Count);
        }
    }

    [Fact]
    public async Task Back_office_runs_the_watcher_on_its_interval_when_enabled()
    {
        var agentId = await UserIdAsync(Agent);
        var id = await NewDisputeAsync(submittedAt: Submitted, then: (d, at) => d.AssignOwner(SeedAgent, agentId, "Agnès Agent", at));
        var clock = new FakeTimeProvider(AckDueSoon);
        await using var app = new AppFactory<Litiges.BackOffice.Program>(Fixture.Database, Fixture.DataFolder, new Dictionary<string, string?>
        {
            ["Jobs:DeadlineWatcher:Enabled"] = "true",
            ["Jobs:DeadlineWatcher:Interval"] = "00:10:00",
        });
        using var host = app.WithWebHostBuilder(builder => builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(clock)));
        host.CreateClient(); // starts the host and its background services
        var watcher = host.Services.GetRequiredService<DeadlineWatcher>();

        // The first pass runs at start-up, at midnight: 75 % of the acknowledgment deadline is reached.
        await watcher.PassesAsync(1).WaitAsync(Patience);
        Assert.Equal(["DeadlineDueSoon"], (await MailsAsync(id)).Select(m => m.Kind));

        // Each hour moved wakes the watcher once (it sleeps ten minutes): due at 10:00, the deadline is breached
        // once past it, seen at 11:00 and alerted once.
        for (var hour = 1; hour <= 12; hour++)
        {
            clock.Advance(TimeSpan.FromHours(1));
            await watcher.PassesAsync(1 + hour).WaitAsync(Patience);
            var breaches = (await MailsAsync(id)).Count(m => m.Kind == "DeadlineBreached");
            Assert.True(breaches == (hour >= 11 ? 1 : 0), $"{breaches} breach alerts after the pass at {hour}:00.");
        }
    }

    private static List<(string Kind, string Recipient)> Sorted(IEnumerable<OutboxMessage> mails) =>
        mails.Select(m => (m.Kind, m.Recipient)).OrderBy(m => m.Kind, StringComparer.Ordinal).ThenBy(m => m.Recipient, StringComparer.Ordinal).ToList();

    private DeadlineWatcher Watcher(DateTimeOffset now, int batchSize = 200)
    {
        var services = Fixture.BackOffice.Services;
        return new DeadlineWatcher(
            services.GetRequiredService<IServiceScopeFactory>(),
            new FakeTimeProvider(now),
            services.GetRequiredService<PublicLinks>(),
            Options.Create(new DeadlineWatcherOptions { BatchSize = batchSize }),
            NullLogger<DeadlineWatcher>.Instance);
    }

    private async Task<List<OutboxMessage>> MailsAsync(int disputeId)
    {
        var reference = (await LoadAsync(disputeId)).Reference;
        return await Fixture.WithDbAsync(db => db.Outbox.AsNoTracking()
            .Where(m => m.Kind.StartsWith("Deadline") || m.Kind == "TaskOverdue")
            .Where(m => m.Subject.Contains(reference))
            .OrderBy(m => m.Id)
            .ToListAsync());
    }

    private Task MuteAsync(string email, params string[] kinds) =>
        Fixture.WithDbAsync(async db =>
        {
            (await db.Users.SingleAsync(u => u.Email == email)).MuteNotifications(kinds);
            await db.SaveChangesAsync();
        });

    private async Task SecondCreditManagerAsync()
    {
        using var scope = Fixture.BackOffice.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        if (await users.FindByEmailAsync("credit2@staff.test") is null)
        {
            var user = AppUser.NewStaff("credit2@staff.test", "Céline Crédit");
            user.EmailConfirmed = true;
            await users.CreateAsync(user, LitigesFixture.Password);
            await users.AddToRoleAsync(user, StaffRoles.CreditManager);
        }
    }

    private static DateTimeOffset Paris(int year, int month, int day, int hour) => ParisTime.At(new DateOnly(year, month, day), hour);
}

public sealed class SqliteDeadlineWatcherTests(SqliteFixture fixture) : DeadlineWatcherTests<SqliteFixture>(fixture);

public sealed class PostgreSqlDeadlineWatcherTests(PostgreSqlFixture fixture) : DeadlineWatcherTests<PostgreSqlFixture>(fixture);
