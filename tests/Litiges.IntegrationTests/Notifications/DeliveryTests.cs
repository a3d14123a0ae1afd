using System.Security.Claims;
using Litiges.Accounts;
using Litiges.Data;
using Litiges.Disputes;
using Litiges.IntegrationTests.Portal;
using Litiges.Notifications;
using Litiges.Testing;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MimeKit;
using static Litiges.IntegrationTests.Notifications.OutboxDriver;

namespace Litiges.IntegrationTests.Notifications;

/// <summary>The outbox delivers every message once, through a server that may be down, and nothing for an act that was not saved.</summary>
public abstract class DeliveryTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : LitigesFixture
{
    [Fact]
    public async Task Messages_wait_while_the_smtp_server_is_down_and_all_arrive_once_it_is_back()
    {
        // Started once to learn its ports, then stopped: the server is down.
        await using var maildev = new Maildev();
        await maildev.StartAsync();
        await maildev.StopAsync();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var batch = "down-" + Guid.NewGuid().ToString("N")[..8];
        var ids = await QueueAsync(fixture, batch, 3, clock.GetUtcNow());
        var dispatcher = Dispatcher(fixture, new SmtpMailSender(new SmtpSettings("127.0.0.1", maildev.SmtpPort, false, null, null)), clock);

        // The server is down: nothing is sent, nothing is lost, each message is scheduled again.
        Assert.Equal(0, await DispatchAllAsync(dispatcher));
        var waiting = await fixture.WithDbAsync(db => db.Outbox.AsNoTracking().Where(m => ids.Contains(m.Id)).ToListAsync());
        Assert.All(waiting, m =>
        {
            Assert.Null(m.SentAt);
            Assert.Equal(1, m.Attempts);
            Assert.True(m.NextAttemptAt > clock.GetUtcNow());
            Assert.NotNull(m.LastError);
        });

        await maildev.StartAsync();
        Assert.Equal(0, await DispatchAllAsync(dispatcher)); // still backing off
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(3, await DispatchAllAsync(dispatcher));
        Assert.Equal(0, await DispatchAllAsync(dispatcher));

        var caught = await maildev.WaitForAsync(m => m.Subject.StartsWith(batch, StringComparison.Ordinal), 3);
        Assert.Equal(3, caught.Count);
        Assert.Equal(3, caught.Select(m => m.Subject).Distinct().Count());
        Assert.All(caught, m => Assert.Equal("client@alpha.test", m.To.Single().Address));
    }

    [Fact]
    public async Task The_smtp_connection_is_kept_between_messages_and_opened_again_when_the_server_dropped_it()
    {
        await using var maildev = new Maildev();
        await maildev.StartAsync();
        using var sender = new SmtpMailSender(new SmtpSettings("127.0.0.1", maildev.SmtpPort, false, null, null));
        var batch = "kept-" + Guid.NewGuid().ToString("N")[..8];

        await sender.SendAsync(Mime($"{batch} #1"), CancellationToken.None);
        await sender.SendAsync(Mime($"{batch} #2"), CancellationToken.None);
        await maildev.WaitForAsync(m => m.Subject.StartsWith(batch, StringComparison.Ordinal), 2);

        // The server restarts: the session the sender kept is gone, the next message still leaves at once.
        await maildev.StopAsync();
        await maildev.StartAsync();
        await sender.SendAsync(Mime($"{batch} #3"), CancellationToken.None);

        var subjects = (await maildev.WaitForAsync(m => m.Subject.StartsWith(batch, StringComparison.Ordinal), 3)).Select(m => m.Subject).Order(StringComparer.Ordinal).ToList();
        Assert.Equal([$"{batch} #1", $"{batch} #2", $"{batch} #3"], subjects);
    }

    [Fact]
    public async Task Shared_smtp_catcher_receives_html_and_text_parts()
    {
        var host = Environment.GetEnvironmentVariable("LITIGES_TEST_SMTP_HOST") ?? throw new InvalidOperationException("LITIGES_TEST_SMTP_HOST is not set: run ./test.sh.");
        var port = int.Parse(Environment.GetEnvironmentVariable("LITIGES_TEST_SMTP_PORT")!, System.Globalization.CultureInfo.InvariantCulture);
        var web = Environment.GetEnvironmentVariable("LITIGES_TEST_MAILDEV_URL")!;
        var batch = "parts-" + Guid.NewGuid().ToString("N")[..8];
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var ids = await QueueAsync(fixture, batch, 1, clock.GetUtcNow());

        // The fixture's database is shared: other tests' due messages may leave in the same pass.
        Assert.True(await DispatchAllAsync(Dispatcher(fixture, new SmtpMailSender(new SmtpSettings(host, port, false, null, null)), clock)) >= 1);
        Assert.NotNull(await fixture.WithDbAsync(db => db.Outbox.AsNoTracking().Where(m => m.Id == ids[0]).Select(m => m.SentAt).SingleAsync()));

        var mail = Assert.Single(await Maildev.WaitForAsync(new Uri(web), m => m.Subject.StartsWith(batch, StringComparison.Ordinal)));
        Assert.Contains("Corps du message", mail.Text, StringComparison.Ordinal);
        Assert.Contains("<b>", mail.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_dispatchers_deliver_each_message_exactly_once()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var batch = "twice-" + Guid.NewGuid().ToString("N")[..8];
        await QueueAsync(fixture, batch, 60, clock.GetUtcNow());
        var sender = new CountingSender();
        var first = Dispatcher(fixture, sender, clock);
        var second = Dispatcher(fixture, sender, clock);

        var sent = await Task.WhenAll(DispatchAllAsync(first), DispatchAllAsync(second));

        Assert.Equal(60, sent.Sum());
        var mine = sender.Subjects.Where(s => s.StartsWith(batch, StringComparison.Ordinal)).ToList();
        Assert.Equal(60, mine.Count);
        Assert.Equal(60, mine.Distinct().Count());
    }

    [Fact]
    public async Task A_claim_left_by_a_crashed_instance_is_taken_over_once_its_lease_expires()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var batch = "crash-" + Guid.NewGuid().ToString("N")[..8];
        var ids = await QueueAsync(fixture, batch, 1, clock.GetUtcNow());

        // The instance claims the message, then dies while sending it.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Dispatcher(fixture, new DyingSender(batch), clock).DispatchDueAsync(CancellationToken.None));
        var claimed = await fixture.WithDbAsync(db => db.Outbox.AsNoTracking().SingleAsync(m => m.Id == ids[0]));
        Assert.NotNull(claimed.LeaseOwner);
        Assert.Null(claimed.SentAt);

        // Another instance leaves it alone while the lease runs, and takes it over after.
        var sender = new CountingSender();
        var survivor = Dispatcher(fixture, sender, clock);
        await DispatchAllAsync(survivor);
        Assert.DoesNotContain(sender.Subjects, s => s.StartsWith(batch, StringComparison.Ordinal));
        clock.Advance(new OutboxOptions().Lease + TimeSpan.FromSeconds(1));
        await DispatchAllAsync(survivor);
        Assert.Single(sender.Subjects, s => s.StartsWith(batch, StringComparison.Ordinal));
        Assert.NotNull((await fixture.WithDbAsync(db => db.Outbox.AsNoTracking().SingleAsync(m => m.Id == ids[0]))).SentAt);
    }

    [Fact]
    public async Task An_act_that_lost_a_race_to_another_agent_sends_nothing()
    {
        var (disputeId, reference, _) = await TestData.NewDisputeAsync(fixture, fixture.Data.AlphaId);
        var seen = await fixture.WithDbAsync(db => db.Disputes.AsNoTracking().Where(d => d.Id == disputeId).Select(d => new { d.Version, History = d.History.Count }).SingleAsync());

        // Both agents opened the dispute at the same version. The credit manager acknowledges it while the
        // agent's own acknowledgment is under way: the agent's e-mail is queued by its save, which loses the race.
        using var agent = fixture.BackOffice.Services.CreateScope();
        var lost = await CommandsOf(agent).RunAsync(await PrincipalAsync(agent, "agent@staff.test"), disputeId, seen.Version, seen.History, async (dispute, actor, now) =>
        {
            using var credit = fixture.BackOffice.Services.CreateScope();
            var won = await CommandsOf(credit).RunAsync(await PrincipalAsync(credit, "credit@staff.test"), disputeId, seen.Version, seen.History, (d, a, n) => AcknowledgeAsync(d, a, n));
            Assert.True(won.Succeeded, won.Message);
            await AcknowledgeAsync(dispute, actor, now);
        });

        Assert.False(lost.Succeeded);
        Assert.Contains("Claire Crédit", lost.Message, StringComparison.Ordinal);
        var queued = await fixture.WithDbAsync(db => db.Outbox.AsNoTracking().Where(m => m.Kind == "DisputeAcknowledged" && m.Subject.Contains(reference)).ToListAsync());
        Assert.Single(queued); // the credit manager's e-mail to the customer alone
        var sender = new CountingSender();
        await DispatchAllAsync(Dispatcher(fixture, sender, new FakeTimeProvider(DateTimeOffset.UtcNow)));
        Assert.Equal(1, sender.Subjects.Count(s => s.Contains(reference, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_message_that_keeps_failing_is_parked_as_failed_and_can_be_retried()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var batch = "parked-" + Guid.NewGuid().ToString("N")[..8];
        var ids = await QueueAsync(fixture, batch, 1, clock.GetUtcNow());
        var dispatcher = Dispatcher(fixture, new FailingSender(), clock, maxAttempts: 3);
        for (var attempt = 0; attempt < 3; attempt++)
        {
            await DispatchAllAsync(dispatcher);
            clock.Advance(TimeSpan.FromHours(1));
        }

        var parked = await fixture.WithDbAsync(db => db.Outbox.SingleAsync(m => m.Id == ids[0]));
        Assert.NotNull(parked.FailedAt);
        Assert.Equal(3, parked.Attempts);
        Assert.Equal(0, await DispatchAllAsync(dispatcher));

        await fixture.WithDbAsync(async db =>
        {
            var message = await db.Outbox.SingleAsync(m => m.Id == ids[0]);
            message.Retry(clock.GetUtcNow());
            await db.SaveChangesAsync();
        });
        var sender = new CountingSender();
        Assert.Equal(1, await DispatchAllAsync(Dispatcher(fixture, sender, clock)));
    }

    private static DisputeCommands CommandsOf(IServiceScope scope) => scope.ServiceProvider.GetRequiredService<DisputeCommands>();

    private static async Task<ClaimsPrincipal> PrincipalAsync(IServiceScope scope, string email)
    {
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = await users.FindByEmailAsync(email) ?? throw new InvalidOperationException(email + " is not seeded.");
        return await scope.ServiceProvider.GetRequiredService<SignInManager<AppUser>>().CreateUserPrincipalAsync(user);
    }

    // The act alone: its e-mail to the customer is queued by the save that stores it, or not at all.
    private static Task AcknowledgeAsync(Dispute dispute, Actor actor, DateTimeOffset now)
    {
        dispute.Acknowledge(actor, now);
        return Task.CompletedTask;
    }

    private static MimeMessage Mime(string subject)
    {
        var message = new MimeMessage { Subject = subject, Body = new TextPart("plain") { Text = "Bonjour" } };
        message.From.Add(new MailboxAddress("Litiges", "litiges@test.example"));
        message.To.Add(MailboxAddress.Parse("client@alpha.test"));
        return message;
    }

    // An instance that is stopped in the middle of sending the test's message.
    private sealed class DyingSender(string batch) : IMailSender
    {
        public Task SendAsync(MimeMessage message, CancellationToken cancellationToken) =>
            message.Subject?.StartsWith(batch, StringComparison.Ordinal) == true ? throw new OperationCanceledException("The instance stopped.") : Task.CompletedTask;
    }
}

public sealed class SqliteDeliveryTests(SqliteFixture fixture) : DeliveryTests<SqliteFixture>(fixture);

public sealed class PostgreSqlDeliveryTests(PostgreSqlFixture fixture) : DeliveryTests<PostgreSqlFixture>(fixture);
