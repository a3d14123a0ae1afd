using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Litiges.Accounts;
using Litiges.Disputes;
using Litiges.Integration;
using Litiges.Notifications;
using Litiges.IntegrationTests.Portal;
using Litiges.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MimeKit;

namespace Litiges.IntegrationTests.Api;

/// <summary>Webhooks leave through the outbox, signed with the client's secret, and are retried when the receiver fails.</summary>
public abstract class WebhookTests<TFixture>(TFixture fixture) : ApiScenario<TFixture>(fixture), IClassFixture<TFixture>
    where TFixture : LitigesFixture
{
    [Fact]
    public async Task A_dispute_opened_through_the_api_reaches_the_subscriber_signed_with_its_secret()
    {
        await using var listener = await WebhookListener.StartAsync();
        var (clientId, key, secret) = await NewClientAsync();
        await TestData.SubscribeAsync(Fixture, WebhookEvent.DisputeOpened, clientId, listener.Url);
        var (other, _, _) = await NewClientAsync();
        await TestData.SubscribeAsync(Fixture, WebhookEvent.CreditNoteIssued, other, listener.Url);
        var api = Api(key);
        var (customer, number) = await NewInvoiceAsync(api);
        var opened = await JsonAsync(await api.PostAsJsonAsync("/api/v1/disputes", new { customerNumber = customer, reasonCode = "QUA", description = "Palettes abîmées", claims = new[] { new { invoiceNumber = number, amount = 300m } } }), HttpStatusCode.Created);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);

        await DispatchAllAsync(Dispatcher(clock));

        var received = Assert.Single(listener.Received);
        Assert.Equal(clock.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), received.Timestamp);
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{received.Timestamp}.{received.Body}")));
        Assert.Equal(expected, received.Signature);
        Assert.Equal("DisputeOpened", received.Event);
        var envelope = JsonDocument.Parse(received.Body).RootElement;
        Assert.Equal("DisputeOpened", envelope.GetProperty("type").GetString());
        Assert.True(envelope.TryGetProperty("id", out _));
        Assert.Equal(opened.GetProperty("reference").GetString(), envelope.GetProperty("data").GetProperty("reference").GetString());
        Assert.Equal(300m, envelope.GetProperty("data").GetProperty("disputedAmount").GetDecimal());
    }

    [Fact]
    public async Task A_failing_receiver_gets_the_delivery_again_after_the_backoff()
    {
        await using var listener = await WebhookListener.StartAsync();
        var (clientId, key, _) = await NewClientAsync();
        await TestData.SubscribeAsync(Fixture, WebhookEvent.DisputeOpened, clientId, listener.Url);
        var api = Api(key);
        var (customer, number) = await NewInvoiceAsync(api);
        await JsonAsync(await api.PostAsJsonAsync("/api/v1/disputes", new { customerNumber = customer, reasonCode = "FAC", description = "Prix", claims = new[] { new { invoiceNumber = number } } }), HttpStatusCode.Created);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var dispatcher = Dispatcher(clock);
        listener.FailNext(1);

        await DispatchAllAsync(dispatcher);
        Assert.Equal(1, listener.Refused);
        Assert.Empty(listener.Received);
        var waiting = await DeliveryAsync(listener.Url);
        Assert.Equal(1, waiting.Attempts);
        Assert.Null(waiting.SentAt);
        Assert.Contains("500", waiting.LastError, StringComparison.Ordinal);

        await DispatchAllAsync(dispatcher); // still backing off: nothing is sent
        Assert.Empty(listener.Received);

        clock.Advance(TimeSpan.FromSeconds(31));
        await DispatchAllAsync(dispatcher);
        Assert.Single(listener.Received);
        var delivered = await DeliveryAsync(listener.Url);
        Assert.Equal(2, delivered.Attempts);
        Assert.NotNull(delivered.SentAt);
    }

    [Fact]
    public async Task A_status_changed_by_staff_is_raised_to_subscribers_and_a_revoked_client_hears_nothing()
    {
        var (clientId, _, _) = await NewClientAsync();
        var (revokedId, _, _) = await NewClientAsync();
        var url = new Uri($"http://127.0.0.1:9/{Guid.NewGuid():N}");
        await TestData.SubscribeAsync(Fixture, WebhookEvent.StatusChanged, clientId, url);
        await TestData.SubscribeAsync(Fixture, WebhookEvent.StatusChanged, revokedId, url);
        await Fixture.WithDbAsync(async db =>
        {
            (await db.ApiClients.SingleAsync(c => c.Id == revokedId)).Revoke(DateTimeOffset.UtcNow);
            await db.SaveChangesAsync();
        });
        var dispute = Fixture.Data.BetaDispute;
        var agent = new ClaimsPrincipal(new ClaimsIdentity(
            [
                new Claim(ClaimTypes.NameIdentifier, "agent-id"),
                new Claim(LitigesClaims.DisplayName, "Agnès Agent"),
                new Claim(LitigesClaims.Kind, nameof(UserKind.Staff)),
                new Claim(ClaimTypes.Role, StaffRoles.Agent),
            ],
            "Test"));

        var outcome = await Fixture.WithDbAsync(async db =>
        {
            var version = await db.Disputes.Where(d => d.Id == dispute.Id).Select(d => d.Version).SingleAsync();
            using var scope = Fixture.BackOffice.Services.CreateScope();
            var commands = scope.ServiceProvider.GetRequiredService<DisputeCommands>();
            return await commands.RunAsync(agent, dispute.Id, version, 0, (d, actor, now) => d.Acknowledge(actor, now));
        });

        Assert.True(outcome.Succeeded, outcome.Message);
        var queued = await Fixture.WithDbAsync(db => db.Outbox.AsNoTracking().Where(m => m.Channel == NotificationChannel.Webhook && m.Recipient == url.ToString()).ToListAsync());
        var message = Assert.Single(queued);
        Assert.Equal("StatusChanged", message.Kind);
        var data = JsonDocument.Parse(message.TextBody).RootElement.GetProperty("data");
        Assert.Equal(dispute.Reference, data.GetProperty("reference").GetString());
        Assert.Equal("Submitted", data.GetProperty("previousStatus").GetString());
        Assert.Equal("InReview", data.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Acceptance_and_credit_note_issue_are_raised_to_subscribers()
    {
        var (clientId, _, _) = await NewClientAsync();
        var url = new Uri($"http://127.0.0.1:9/{Guid.NewGuid():N}");
        await TestData.SubscribeAsync(Fixture, WebhookEvent.SettlementAccepted, clientId, url);
        await TestData.SubscribeAsync(Fixture, WebhookEvent.CreditNoteIssued, clientId, url);
        var customer = new ClaimsPrincipal(new ClaimsIdentity(
            [
                new Claim(ClaimTypes.NameIdentifier, "customer-id"),
                new Claim(LitigesClaims.DisplayName, "Client"),
                new Claim(LitigesClaims.Kind, nameof(UserKind.Customer)),
                new Claim(LitigesClaims.CustomerAccountId, Fixture.Data.AlphaId.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ],
            "Test"));
        var disputeId = await Fixture.WithDbAsync(async db =>
        {
            var today = Litiges.Deadlines.BusinessDate.Of(DateTimeOffset.UtcNow);
            var invoice = new Litiges.Invoices.Invoice("FA-WH-" + Guid.NewGuid().ToString("N")[..8], Fixture.Data.AlphaId, today.AddDays(-5), today.AddDays(25));
            invoice.AddLine("Service", 1, 100m, 0.20m);
            db.Invoices.Add(invoice);
            await db.SaveChangesAsync();
            var now = DateTimeOffset.UtcNow;
            var agent = new Actor("a", "Agnès Agent", ActorRole.Agent);
            var dispute = Dispute.Open(await Litiges.Numbering.SequenceNumbers.NextAsync(db, "LIT", 2026), Fixture.Data.AlphaId, await db.ReasonCodes.SingleAsync(r => r.Code == "FAC"), "Prix", DesiredOutcome.CreditNote, [new DisputeClaim(invoice, null, 12m)], DisputeSource.Api, Actor.SystemActor("ERP"), now);
            db.Disputes.Add(dispute);
            dispute.Acknowledge(agent, now);
            dispute.ProposeSettlement(agent, new Litiges.Settlements.SettlementDraft(Litiges.Settlements.SettlementKind.CreditNote, "Avoir de 12 €") { Credits = [new Litiges.Settlements.ProposedCredit(invoice.Id, null, "Écart", 1, 10m, 0.20m)] }, new Litiges.Settlements.DelegationLimits(Litiges.Settlements.DelegationLimit.Defaults()), 50m, now);
            await db.SaveChangesAsync();
            return dispute.Id;
        });

        var accepted = await Fixture.WithDbAsync(async db =>
        {
            var version = await db.Disputes.Where(d => d.Id == disputeId).Select(d => d.Version).SingleAsync();
            using var scope = Fixture.BackOffice.Services.CreateScope();
            return await scope.ServiceProvider.GetRequiredService<DisputeCommands>().RunAsync(customer, disputeId, version, 0, (d, actor, now) => d.AcceptSettlement(actor, now, "127.0.0.1"));
        });
        Assert.True(accepted.Succeeded, accepted.Message);
        using (var scope = Fixture.BackOffice.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<Litiges.CreditNotes.CreditNoteIssuer>().IssueForDisputeAsync(disputeId, new Actor("f", "Fanny Finance", ActorRole.Finance));
        }

        var kinds = await Fixture.WithDbAsync(db => db.Outbox.AsNoTracking().Where(m => m.Channel == NotificationChannel.Webhook && m.Recipient == url.ToString()).OrderBy(m => m.Id).Select(m => m.Kind).ToListAsync());
        Assert.Equal(["SettlementAccepted", "CreditNoteIssued"], kinds);
    }

    private Task<OutboxMessage> DeliveryAsync(Uri url) =>
        Fixture.WithDbAsync(db => db.Outbox.AsNoTracking().SingleAsync(m => m.Channel == NotificationChannel.Webhook && m.Recipient == url.ToString()));

    private OutboxDispatcher Dispatcher(TimeProvider clock) =>
        new(
            Fixture.BackOffice.Services.GetRequiredService<IServiceScopeFactory>(),
            new NoMail(),
            Fixture.BackOffice.Services.GetRequiredService<ISmsSender>(),
            new MailSettings("litiges@test.example", "Litiges", "http://portal", "http://backoffice"),
            clock,
            Options.Create(new OutboxOptions { BatchSize = 50 }),
            NullLogger<OutboxDispatcher>.Instance);

    private static async Task DispatchAllAsync(OutboxDispatcher dispatcher)
    {
        for (var round = 0; round < 20 && await dispatcher.DispatchDueAsync(CancellationToken.None) > 0; round++)
        {
        }
    }

    private sealed class NoMail : IMailSender
    {
        public Task SendAsync(MimeMessage message, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

public sealed class SqliteWebhookTests(SqliteFixture fixture) : WebhookTests<SqliteFixture>(fixture);

public sealed class PostgreSqlWebhookTests(PostgreSqlFixture fixture) : WebhookTests<PostgreSqlFixture>(fixture);
