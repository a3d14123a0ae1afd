using System.Globalization;
using System.Net;
using Litiges.Accounts;
using Litiges.Disputes;
using Litiges.IntegrationTests.BackOffice;
using Litiges.IntegrationTests.Portal;
using Litiges.Notifications;
using Litiges.Settlements;
using Litiges.Storage;
using Litiges.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MimeKit;

namespace Litiges.IntegrationTests.Notifications;

/// <summary>
/// The notification matrix of docs/notifications.md, row by row, through the real pages and
/// services: each act queues its e-mail once, to the right person, in their language, with a link
/// on the configured public address (not the test server's host); nobody hears of their own act;
/// staff choices (immediately, digest, off) are kept; and the e-mails are valid, threaded MIME.
/// </summary>
public abstract class NotificationMatrixTests<TFixture>(TFixture fixture) : BackOfficeScenario<TFixture>(fixture), IClassFixture<TFixture>
    where TFixture : LitigesFixture
{
    private const string BackOfficeBase = "http://localhost:5090/";
    private const string PortalBase = "http://localhost:5080/";

    [Fact]
    public async Task A_portal_filing_gives_the_customer_a_receipt_and_tells_the_disputes_department_and_the_agents()
    {
        var (reference, id) = await FileAsCustomerAsync();

        var receipt = Assert.Single(await MailsAsync("DisputeSubmitted", reference));
        Assert.Equal("alice@alpha.test", receipt.Recipient);
        Assert.Contains(PortalBase + "Disputes/Details/" + reference, receipt.TextBody, StringComparison.Ordinal);
        // The department that works it, and the agents who must acknowledge it: each once.
        var told = await MailsAsync("DisputeFiled", reference);
        Assert.Contains(told, m => m.Recipient == Agent);
        Assert.Equal(told.Count, told.Select(m => m.Recipient).Distinct().Count());
        var staff = Assert.Single(told, m => m.Recipient == Resolver);
        Assert.StartsWith("Nouveau litige " + reference, staff.Subject, StringComparison.Ordinal);
        Assert.Contains(BackOfficeBase + "Disputes/Details/" + id, staff.TextBody, StringComparison.Ordinal);
        Assert.Equal(id, staff.DisputeId);
    }

    [Fact]
    public async Task Acknowledging_tells_the_customer_and_not_the_agent_who_acted()
    {
        var id = await NewDisputeAsync(DisputeStatus.Submitted);
        var reference = (await LoadAsync(id)).Reference;
        var agent = await StaffAsync(Agent);

        Assert.Equal(HttpStatusCode.Redirect, (await ClickAsync(agent, await agent.GetPageAsync(Url(id)), Url(id), "Acknowledge")).StatusCode);

        var mail = Assert.Single(await MailsAsync("DisputeAcknowledged", reference));
        Assert.Equal("alice@alpha.test", mail.Recipient);
        Assert.Contains(PortalBase + "Disputes/Details/" + reference, mail.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain(await AllMailsAsync(reference), m => m.Recipient == Agent && m.Kind != "DisputeFiled");
    }

    [Fact]
    public async Task A_customer_accepting_a_credit_note_tells_the_proposer_the_handlers_and_finance()
    {
        var (id, reference) = await ProposedCreditNoteAsync();

        await CustomerClicksAsync(id, "Accept", new() { ["Input.Confirm"] = "true", ["Input.Comment"] = "D'accord" });

        var accepted = await MailsAsync("SettlementAccepted", reference);
        Assert.Equal([Agent, Resolver], accepted.Select(m => m.Recipient).Order(StringComparer.Ordinal));
        Assert.All(accepted, m => Assert.Contains("D'accord", m.TextBody, StringComparison.Ordinal));
        var finance = Assert.Single(await MailsAsync("CreditNoteAwaited", reference));
        Assert.Equal(Finance, finance.Recipient);
        Assert.Contains(BackOfficeBase + "Disputes/Details/" + id, finance.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_customer_declining_tells_the_proposer_in_their_language()
    {
        var (id, reference) = await ProposedCreditNoteAsync();
        await SetLanguageAsync(Agent, "en");
        try
        {
            await CustomerClicksAsync(id, "Decline", new() { ["Input.Comment"] = "Trop peu" });

            var mail = Assert.Single(await MailsAsync("SettlementDeclined", reference), m => m.Recipient == Agent);
            Assert.Equal($"Dispute {reference}: the customer declined the proposal", mail.Subject);
        }
        finally
        {
            await SetLanguageAsync(Agent, "fr");
        }
    }

    [Fact]
    public async Task A_customer_withdrawing_tells_whoever_works_the_dispute()
    {
        var agentId = await UserIdAsync(Agent);
        var id = await NewDisputeAsync(DisputeStatus.InReview, then: (d, at) => d.AssignOwner(SeedAgent, agentId, "Agnès Agent", at));
        var reference = (await LoadAsync(id)).Reference;

        await CustomerClicksAsync(id, "Withdraw", new() { ["Input.Comment"] = "Réglé entre nous" });

        var mail = Assert.Single(await MailsAsync("DisputeWithdrawn", reference));
        Assert.Equal(Agent, mail.Recipient);
        Assert.Contains("Réglé entre nous", mail.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_approval_given_tells_the_proposer_and_sends_the_proposal_to_the_customer()
    {
        var (id, reference) = await ProposalAwaitingApprovalAsync();
        var credit = await StaffAsync(CreditManager);
        var proposalId = await Fixture.WithDbAsync(db => db.Disputes.Where(d => d.Id == id).SelectMany(d => d.Proposals).Select(p => p.Id).SingleAsync());

        var approved = await ClickAsync(credit, await credit.GetPageAsync(SettlementUrl(id)), SettlementUrl(id), "ApproveSettlement", new Dictionary<string, string> { ["ProposalId"] = proposalId.ToString(CultureInfo.InvariantCulture) });

        Assert.Equal(HttpStatusCode.Redirect, approved.StatusCode);
        Assert.Equal(Agent, Assert.Single(await MailsAsync("SettlementApproved", reference)).Recipient);
        Assert.Equal("alice@alpha.test", Assert.Single(await MailsAsync("SettlementProposed", reference)).Recipient);
    }

    [Fact]
    public async Task An_approval_refused_tells_the_proposer_why()
    {
        var (id, reference) = await ProposalAwaitingApprovalAsync();
        var credit = await StaffAsync(CreditManager);
        var proposalId = await Fixture.WithDbAsync(db => db.Disputes.Where(d => d.Id == id).SelectMany(d => d.Proposals).Select(p => p.Id).SingleAsync());

        await ClickAsync(credit, await credit.GetPageAsync(SettlementUrl(id)), SettlementUrl(id), "RefuseSettlement", new Dictionary<string, string> { ["ProposalId"] = proposalId.ToString(CultureInfo.InvariantCulture), ["Text"] = "Trop généreux" });

        var mail = Assert.Single(await MailsAsync("SettlementRefused", reference));
        Assert.Equal(Agent, mail.Recipient);
        Assert.Contains("Trop généreux", mail.TextBody, StringComparison.Ordinal);
        Assert.Empty(await MailsAsync("SettlementProposed", reference));
    }

    [Fact]
    public async Task A_staff_member_who_chose_the_digest_gets_one_daily_email_and_one_who_chose_off_gets_none()
    {
        var agentId = await UserIdAsync(Agent);
        await ChooseAsync(Agent, new() { ["CustomerReplied"] = NotificationDelivery.Digest, ["DisputeWithdrawn"] = NotificationDelivery.Off });
        try
        {
            var id = await NewDisputeAsync(DisputeStatus.InReview, then: (d, at) => d.AssignOwner(SeedAgent, agentId, "Agnès Agent", at));
            var reference = (await LoadAsync(id)).Reference;
            await CustomerClicksAsync(id, "Reply", new() { ["Input.Text"] = "Voici le bon de livraison." });
            await CustomerClicksAsync(id, "Withdraw", new() { ["Input.Comment"] = "Finalement non" });

            Assert.Empty(await MailsAsync("DisputeWithdrawn", reference));
            var held = Assert.Single(await MailsAsync("CustomerReplied", reference));
            Assert.Equal(NotificationChannel.Digest, held.Channel);
            Assert.Null(held.SentAt);

            // Tomorrow at 8:00 in Paris, past the digest hour: one digest, and the held notice is done.
            var tomorrow = DateTimeOffset.UtcNow.AddDays(1);
            var run = new DateTimeOffset(tomorrow.Year, tomorrow.Month, tomorrow.Day, 7, 0, 0, TimeSpan.Zero);
            Assert.True(await Digest(run).RunOnceAsync(run) >= 1);
            var digest = await Fixture.WithDbAsync(db => db.Outbox.AsNoTracking().Where(m => m.Kind == "Digest" && m.Recipient == Agent).OrderByDescending(m => m.Id).FirstAsync());
            Assert.Contains(reference, digest.TextBody, StringComparison.Ordinal);
            Assert.Equal(NotificationChannel.Email, digest.Channel);
            Assert.NotNull((await Fixture.WithDbAsync(db => db.Outbox.AsNoTracking().SingleAsync(m => m.Id == held.Id))).SentAt);
            Assert.Equal(0, await Digest(run).RunOnceAsync(run));
        }
        finally
        {
            await ChooseAsync(Agent, new() { ["CustomerReplied"] = NotificationDelivery.Immediately, ["DisputeWithdrawn"] = NotificationDelivery.Immediately });
        }
    }

    [Fact]
    public async Task The_preferences_page_saves_a_staff_members_choice_per_event_and_refuses_off_for_work()
    {
        var agent = await StaffAsync(Agent);
        var url = "/Account/Manage/Notifications";
        var page = await agent.GetPageAsync(url);
        Assert.NotNull(page.QuerySelector("#staff-deliveries"));
        Assert.Null(page.QuerySelector("input[name='Delivery[TaskAssigned]'][value=Off]"));
        try
        {
            var saved = await agent.SubmitAsync(url, new Dictionary<string, string> { ["Delivery[DisputeFiled]"] = "Off", ["Delivery[TaskAssigned]"] = "Off", ["Delivery[CustomerReplied]"] = "Digest" });

            Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
            var user = await Fixture.WithDbAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.Email == Agent));
            Assert.Equal(NotificationDelivery.Off, user.DeliveryOf("DisputeFiled"));
            Assert.Equal(NotificationDelivery.Immediately, user.DeliveryOf("TaskAssigned"));
            Assert.Equal(NotificationDelivery.Digest, user.DeliveryOf("CustomerReplied"));
        }
        finally
        {
            await ChooseAsync(Agent, new() { ["DisputeFiled"] = NotificationDelivery.Immediately, ["CustomerReplied"] = NotificationDelivery.Immediately });
        }
    }

    [Fact]
    public async Task A_disputes_emails_are_valid_threaded_mime_sent_in_the_order_of_the_acts()
    {
        var id = await NewDisputeAsync(DisputeStatus.InReview);
        var reference = (await LoadAsync(id)).Reference;
        var agent = await StaffAsync(Agent);
        await ClickAsync(agent, await agent.GetPageAsync(Url(id)), Url(id), "Answer", new Dictionary<string, string> { ["Text"] = "Première réponse — déjà vue." });
        await ClickAsync(agent, await agent.GetPageAsync(Url(id)), Url(id), "RequestInformation", new Dictionary<string, string> { ["Text"] = "Deuxième : le bon signé ?" });

        var sender = new CapturingSender(reference);
        await OutboxDriver.DispatchAllAsync(OutboxDriver.Dispatcher(Fixture, sender, new FakeTimeProvider(DateTimeOffset.UtcNow.AddMinutes(1))));

        Assert.Equal(["DisputeAnswered", "DisputeQuestion"], sender.Messages.Select(m => m.Headers["X-Litiges-Kind"]));
        var ids = new HashSet<string>();
        foreach (var sent in sender.Messages)
        {
            // Written and parsed again as a strict reader would.
            using var raw = new MemoryStream();
            await sent.WriteToAsync(raw);
            raw.Position = 0;
            var parsed = await MimeMessage.LoadAsync(raw);
            var alternative = Assert.IsType<MultipartAlternative>(parsed.Body);
            var parts = alternative.OfType<TextPart>().ToList();
            Assert.Equal(["text/plain", "text/html"], parts.Select(p => p.ContentType.MimeType));
            Assert.All(parts, p => Assert.Equal(ContentEncoding.QuotedPrintable, p.ContentTransferEncoding));
            Assert.All(parts, p => Assert.Equal("utf-8", p.ContentType.Charset, ignoreCase: true));
            Assert.Contains("é", parsed.TextBody, StringComparison.Ordinal);
            Assert.False(string.IsNullOrEmpty(parsed.MessageId));
            Assert.True(ids.Add(parsed.MessageId));
            Assert.Equal($"dispute-{id}@test.example", parsed.InReplyTo);
            Assert.Equal([$"dispute-{id}@test.example"], parsed.References);
        }
    }

    [Fact]
    public async Task A_credit_note_email_carries_the_pdf_and_the_xml_only_for_a_company_that_asks()
    {
        var attachments = await Fixture.WithDbAsync(async db =>
        {
            var store = Fixture.BackOffice.Services.GetRequiredService<IBlobStore>();
            var name = BlobNames.NewCreditNoteDocument(DateTimeOffset.UtcNow, "pdf");
            await store.WriteAsync(name, new MemoryStream("%PDF-1.7 avoir"u8.ToArray()), "application/pdf", CancellationToken.None);
            var message = Outbox.QueueEmail(db, "CreditNoteIssued", "alice@alpha.test", "fr", DateTimeOffset.UtcNow, PortalBase, "Alice", "AV-1", "FA-1", "60,00 €")
                .Attach(new MailAttachment(name, "AV-1.pdf", "application/pdf"));
            await db.SaveChangesAsync();
            var dispatcher = OutboxDriver.Dispatcher(Fixture, new CapturingSender("x"), TimeProvider.System);
            var mime = await dispatcher.BuildMessageAsync(message, store, CancellationToken.None);
            return mime.Attachments.OfType<MimePart>().Select(p => (p.FileName, p.ContentType.MimeType, p.ContentTransferEncoding)).ToList();
        });

        Assert.Equal([("AV-1.pdf", "application/pdf", ContentEncoding.Base64)], attachments);
    }

    private async Task<(string Reference, int Id)> FileAsCustomerAsync()
    {
        var dispute = await Portal.TestData.FileAsAliceAsync(Fixture, Fixture.BackOffice.Services, Litiges.Deadlines.BusinessDate.Of(DateTimeOffset.UtcNow));
        return (dispute.Reference, dispute.Id);
    }

    private async Task<(int Id, string Reference)> ProposedCreditNoteAsync()
    {
        var agent = new Actor(await UserIdAsync(Agent), "Agnès Agent", ActorRole.Agent);
        var limits = await Fixture.WithDbAsync(async db => new DelegationLimits(await db.DelegationLimits.AsNoTracking().ToListAsync()));
        var id = await NewDisputeAsync(DisputeStatus.InReview, then: (d, at) =>
            d.ProposeSettlement(agent, new SettlementDraft(SettlementKind.CreditNote, "Avoir de 60 €") { Credits = [new ProposedCredit(d.Items[0].InvoiceId, null, "Écart de prix", 1, 50m, 0.20m)] }, limits, 50m, at));
        return (id, (await LoadAsync(id)).Reference);
    }

    private async Task<(int Id, string Reference)> ProposalAwaitingApprovalAsync()
    {
        var id = await NewDisputeAsync(DisputeStatus.InReview, amount: 900m);
        var reference = (await LoadAsync(id)).Reference;
        var agent = await StaffAsync(Agent);
        var proposed = await ClickAsync(agent, await agent.GetPageAsync(SettlementUrl(id)), SettlementUrl(id), "Propose", new Dictionary<string, string>
        {
            ["Settlement.Summary"] = "Geste de 700 €",
            ["Settlement.GestureAmount"] = "700",
            ["Settlement.GestureValidUntil"] = DateTime.UtcNow.AddDays(30).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        });
        Assert.Equal(HttpStatusCode.Redirect, proposed.StatusCode);
        return (id, reference);
    }

    private async Task CustomerClicksAsync(int id, string handler, Dictionary<string, string?> fields)
    {
        var alice = await PortalBrowser.SignInAsync(Fixture.Portal, "alice@alpha.test");
        var url = $"/Disputes/Details/{id}";
        // Withdrawing is asked for confirmation first, as the page does.
        var page = await alice.GetPageAsync(handler == "Withdraw" ? url + "?confirm=withdraw" : url);
        var response = await alice.SubmitAsync(PortalBrowser.Form(page, handler), url, fields);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
    }

    private Task<List<OutboxMessage>> MailsAsync(string kind, string reference) =>
        Fixture.WithDbAsync(db => db.Outbox.AsNoTracking().Where(m => m.Kind == kind && m.Subject.Contains(reference)).OrderBy(m => m.Id).ToListAsync());

    private Task<List<OutboxMessage>> AllMailsAsync(string reference) =>
        Fixture.WithDbAsync(db => db.Outbox.AsNoTracking().Where(m => m.Subject.Contains(reference)).ToListAsync());

    private Task SetLanguageAsync(string email, string language) =>
        Fixture.WithDbAsync(async db =>
        {
            (await db.Users.SingleAsync(u => u.Email == email)).ChangeLanguage(language);
            await db.SaveChangesAsync();
        });

    private Task ChooseAsync(string email, Dictionary<string, NotificationDelivery> choices) =>
        Fixture.WithDbAsync(async db =>
        {
            (await db.Users.SingleAsync(u => u.Email == email)).ChooseDeliveries(choices);
            await db.SaveChangesAsync();
        });

    private NotificationDigest Digest(DateTimeOffset now) =>
        new(
            Fixture.BackOffice.Services.GetRequiredService<IServiceScopeFactory>(),
            new FakeTimeProvider(now),
            Fixture.BackOffice.Services.GetRequiredService<PublicLinks>(),
            Options.Create(new NotificationDigestOptions()),
            NullLogger<NotificationDigest>.Instance);

    /// <summary>Keeps the messages about one dispute, in the order they were sent.</summary>
    private sealed class CapturingSender(string reference) : IMailSender
    {
        public List<MimeMessage> Messages { get; } = [];

        public Task SendAsync(MimeMessage message, CancellationToken cancellationToken)
        {
            if (message.Subject?.Contains(reference, StringComparison.Ordinal) == true)
            {
                Messages.Add(message);
            }

            return Task.CompletedTask;
        }
    }
}

public sealed class SqliteNotificationMatrixTests(SqliteFixture fixture) : NotificationMatrixTests<SqliteFixture>(fixture);

public sealed class PostgreSqlNotificationMatrixTests(PostgreSqlFixture fixture) : NotificationMatrixTests<PostgreSqlFixture>(fixture);
