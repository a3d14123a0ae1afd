using System.Text;
using Litiges.Data;
using Litiges.Disputes;
using Litiges.Inbound;
using Litiges.Invoices;
using Litiges.IntegrationTests.Portal;
using Litiges.IntegrationTests.Security;
using Litiges.Testing;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using BackOfficeProgram = Litiges.BackOffice.Program;

namespace Litiges.IntegrationTests.Inbound;

/// <summary>
/// The usual fixture plus a back office that reads its own folder of the dovecot mailbox that
/// ./test.sh starts (LITIGES_TEST_IMAP_*), with reply addresses signed by a test key and clamd
/// scanning attachments.
/// </summary>
public abstract class ImapFixture(DatabaseProvider provider) : LitigesFixture(provider)
{
    public const string InboundAddress = "litiges@inbound.test";

    public const string SendGridSecret = "sendgrid-secret-for-the-tests-0123456789";

    public AppFactory<BackOfficeProgram> Mail { get; private set; } = null!;

    /// <summary>A folder of the test mailbox for this fixture alone: the fixtures of both databases run at once.</summary>
    public string Folder { get; } = "t" + Guid.NewGuid().ToString("N")[..12];

    public static (string Host, int Port, string User, string Password) Imap() =>
        (Environment.GetEnvironmentVariable("LITIGES_TEST_IMAP_HOST") ?? throw new InvalidOperationException("LITIGES_TEST_IMAP_HOST is not set: run the tests with ./test.sh, which starts dovecot on loopback."),
         int.Parse(Environment.GetEnvironmentVariable("LITIGES_TEST_IMAP_PORT")!, System.Globalization.CultureInfo.InvariantCulture),
         Environment.GetEnvironmentVariable("LITIGES_TEST_IMAP_USER")!,
         Environment.GetEnvironmentVariable("LITIGES_TEST_IMAP_PASSWORD")!);

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var (host, port, user, password) = Imap();
        using (var client = await ConnectAsync())
        {
            var root = client.GetFolder(client.PersonalNamespaces[0]);
            await root.CreateAsync(Folder, true);
            await client.DisconnectAsync(true);
        }

        var (clamHost, clamPort) = VirusScanFixture.Clamd();
        Mail = new AppFactory<BackOfficeProgram>(Database, DataFolder, new Dictionary<string, string?>
        {
            ["Inbound:Address"] = InboundAddress,
            ["Inbound:TokenKey"] = Convert.ToBase64String(Encoding.UTF8.GetBytes("a test key for reply tokens, 32+ bytes long")),
            ["Inbound:Imap:Host"] = host,
            ["Inbound:Imap:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Inbound:Imap:Security"] = "None",
            ["Inbound:Imap:User"] = user,
            ["Inbound:Imap:Password"] = password,
            ["Inbound:Imap:Folder"] = Folder,
            ["Inbound:Imap:ProcessedFolder"] = Folder + "-done",
            ["Inbound:Imap:Interval"] = "1.00:00:00",
            ["Inbound:SendGrid:Secret"] = SendGridSecret,
            ["Evidence:ClamAv:Host"] = clamHost,
            ["Evidence:ClamAv:Port"] = clamPort,
        });

        // The job's first pass runs at start-up; the tests run theirs once it is done.
        await Mail.Services.GetRequiredService<ImapPoller>().PassesAsync(1);
    }

    public override async Task DisposeAsync()
    {
        await Mail.DisposeAsync();
        await base.DisposeAsync();
    }

    public static async Task<ImapClient> ConnectAsync()
    {
        var (host, port, user, password) = Imap();
        var client = new ImapClient();
        await client.ConnectAsync(host, port, SecureSocketOptions.None);
        await client.AuthenticateAsync(user, password);
        return client;
    }
}

public sealed class SqliteImapFixture() : ImapFixture(DatabaseProvider.Sqlite);

public sealed class PostgreSqlImapFixture() : ImapFixture(DatabaseProvider.PostgreSql);

/// <summary>Replies to notification e-mails, read from a real IMAP server, land on the dispute or wait for an agent.</summary>
public abstract class ImapReplyTests<TFixture>(TFixture fixture)
    where TFixture : ImapFixture
{
    private const string Eicar = @"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";

    protected TFixture Fixture { get; } = fixture;

    [Fact]
    public async Task A_reply_with_a_pdf_becomes_the_contacts_message_and_evidence_on_the_dispute()
    {
        var dispute = await NewDisputeAsync();
        var reply = Reply("alice@alpha.test", "Alice Alpha", To(dispute, "alice@alpha.test"),
            "Voici le bon de livraison signé.\n\nLe 2 déc. 2026 à 10:00, Service litiges a écrit :\n> Pouvez-vous joindre le bon de livraison ?\n",
            ("bon-livraison.pdf", "application/pdf", TestData.Pdf("bon-livraison.pdf", 5000).Content));

        var report = await DeliverAsync(reply);

        Assert.Equal(1, report.Attached);
        var (messages, evidence) = await ConversationAsync(dispute);
        Assert.Contains("Voici le bon de livraison signé.", messages);
        Assert.DoesNotContain(messages, m => m.Contains("Pouvez-vous", StringComparison.Ordinal));
        Assert.Contains("bon-livraison.pdf", evidence);
        Assert.Equal(0, await InboxCountAsync());
        var mail = await Fixture.WithDbAsync(db => db.InboundMails.SingleAsync(m => m.MessageId == reply.MessageId));
        Assert.Equal(InboundMailStatus.Attached, mail.Status);
        Assert.Null(mail.RawBlobName);
    }

    [Fact]
    public async Task A_reply_from_an_unknown_address_is_parked_and_not_attached()
    {
        var dispute = await NewDisputeAsync();
        var stranger = "stranger@elsewhere.test";
        var reply = Reply(stranger, "Someone", To(dispute, stranger), "Je suis un inconnu.");

        await DeliverAsync(reply);

        await AssertParkedAsync(reply, ParkReason.UnknownSender, dispute);
    }

    [Fact]
    public async Task A_forged_or_forwarded_token_is_parked()
    {
        var dispute = await NewDisputeAsync();
        var other = await NewDisputeAsync();

        // A made-up signature, and Carol's address signed for Alice (a forwarded e-mail).
        var forged = Reply("alice@alpha.test", "Alice Alpha", $"litiges+{dispute}-aaaaaaaaaaaaaaaa@inbound.test", "Forgé.");
        var forwarded = Reply("carol@alpha.test", "Carol Alpha", To(other, "alice@alpha.test"), "Transféré.");
        var swapped = Reply("alice@alpha.test", "Alice Alpha", To(dispute, "alice@alpha.test").Replace($"+{dispute}-", $"+{other}-", StringComparison.Ordinal), "Autre litige.");

        var report = await DeliverAsync(forged, forwarded, swapped);

        Assert.Equal(0, report.Attached);
        await AssertParkedAsync(forged, ParkReason.BadToken, null);
        await AssertParkedAsync(forwarded, ParkReason.BadToken, null);
        await AssertParkedAsync(swapped, ParkReason.BadToken, null);
        var otherMessages = (await ConversationAsync(other)).Messages;
        Assert.DoesNotContain(otherMessages, m => m.Contains("Autre", StringComparison.Ordinal) || m.Contains("Transféré", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Auto-Submitted", "auto-replied")]
    [InlineData("Precedence", "bulk")]
    [InlineData("X-Autoreply", "yes")]
    public async Task An_automatic_reply_is_parked(string header, string value)
    {
        var dispute = await NewDisputeAsync();
        var reply = Reply("alice@alpha.test", "Alice Alpha", To(dispute, "alice@alpha.test"), "Je suis absente jusqu'au 5.");
        reply.Headers.Add(header, value);

        await DeliverAsync(reply);

        await AssertParkedAsync(reply, ParkReason.AutoReply, dispute);
    }

    [Fact]
    public async Task The_same_message_read_twice_lands_once()
    {
        var dispute = await NewDisputeAsync();
        var reply = Reply("alice@alpha.test", "Alice Alpha", To(dispute, "alice@alpha.test"), "Une seule fois, s'il vous plaît.");

        var first = await DeliverAsync(reply);
        var second = await DeliverAsync(reply);

        Assert.Equal(1, first.Attached);
        Assert.Equal((0, 1), (second.Attached, second.Duplicates));
        Assert.Single((await ConversationAsync(dispute)).Messages, m => m == "Une seule fois, s'il vous plaît.");
    }

    /// <summary>A virus in an attachment: the whole mail is parked for an agent, no file of it is kept and no message posted.</summary>
    [Fact]
    public async Task A_reply_carrying_a_virus_is_parked_without_its_files()
    {
        var dispute = await NewDisputeAsync();
        var reply = Reply("alice@alpha.test", "Alice Alpha", To(dispute, "alice@alpha.test"), "Voici la facture.",
            ("facture.txt", "text/plain", Encoding.ASCII.GetBytes(Eicar)),
            ("propre.pdf", "application/pdf", TestData.Pdf("propre.pdf", 3000).Content));

        await DeliverAsync(reply);

        var mail = await AssertParkedAsync(reply, ParkReason.FileRefused, dispute);
        Assert.Contains("facture.txt", mail.Detail, StringComparison.Ordinal);
        var (messages, evidence) = await ConversationAsync(dispute);
        Assert.DoesNotContain("Voici la facture.", messages);
        Assert.Empty(evidence);
    }

    [Fact]
    public async Task An_agent_attaches_a_parked_mail_to_its_dispute_or_discards_one()
    {
        var dispute = await NewDisputeAsync();
        var reference = await Fixture.WithDbAsync(db => db.Disputes.Where(d => d.Id == dispute).Select(d => d.Reference).SingleAsync());
        var fromColleague = Reply("logistique@alpha-partner.test", "Luc Logistique", To(dispute, "logistique@alpha-partner.test"), "La palette est partie le 3.",
            ("cmr.pdf", "application/pdf", TestData.Pdf("cmr.pdf", 4000).Content));
        var spam = Reply("promo@spam.test", "Promo", InboundAddressOnly, "Achetez !");
        await DeliverAsync(fromColleague, spam);

        var browser = new Browser(Fixture.Mail.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false }));
        await browser.SignInAsync("agent@staff.test");
        var page = await browser.GetPageAsync("/Inbound");
        var parked = await Fixture.WithDbAsync(db => db.InboundMails.Where(m => m.MessageId == fromColleague.MessageId || m.MessageId == spam.MessageId).ToDictionaryAsync(m => m.MessageId, m => m.Id));
        Assert.NotNull(page.QuerySelector($"[data-mail='{parked[fromColleague.MessageId!]}']"));
        Assert.NotNull(page.QuerySelector($"[data-mail='{parked[spam.MessageId!]}'] [data-reason='{ParkReason.NoReplyAddress}']"));

        var attach = await browser.SubmitAsync("/Inbound", new Dictionary<string, string> { ["Reference"] = reference }, $"[data-mail='{parked[fromColleague.MessageId!]}'] form[action*='Attach']");
        Assert.Equal(System.Net.HttpStatusCode.Redirect, attach.StatusCode);
        var discard = await browser.SubmitAsync("/Inbound", new Dictionary<string, string>(), $"[data-mail='{parked[spam.MessageId!]}'] form[action*='Discard']");
        Assert.Equal(System.Net.HttpStatusCode.Redirect, discard.StatusCode);

        var (messages, evidence) = await ConversationAsync(dispute);
        Assert.Contains("La palette est partie le 3.", messages);
        Assert.Contains("cmr.pdf", evidence);
        var statuses = await Fixture.WithDbAsync(db => db.InboundMails.Where(m => m.MessageId == fromColleague.MessageId || m.MessageId == spam.MessageId).ToDictionaryAsync(m => m.MessageId, m => new { m.Status, m.HandledBy, m.RawBlobName }));
        Assert.Equal(InboundMailStatus.Attached, statuses[fromColleague.MessageId!].Status);
        Assert.Equal("Agnès Agent", statuses[fromColleague.MessageId!].HandledBy);
        Assert.Equal(InboundMailStatus.Discarded, statuses[spam.MessageId!].Status);
        Assert.Null(statuses[spam.MessageId!].RawBlobName);
    }

    /// <summary>SendGrid Inbound Parse posts the raw message to the URL with the secret; any other URL is a 404 and takes nothing.</summary>
    [Fact]
    public async Task A_sendgrid_inbound_parse_post_goes_through_the_same_pipeline_when_its_secret_matches()
    {
        var dispute = await NewDisputeAsync();
        var reply = Reply("alice@alpha.test", "Alice Alpha", To(dispute, "alice@alpha.test"), "Réponse via SendGrid.");
        using var raw = new MemoryStream();
        await reply.WriteToAsync(raw);
        MultipartFormDataContent Form() => new()
        {
            { new StringContent(Encoding.UTF8.GetString(raw.ToArray())), "email" },
            { new StringContent("alice@alpha.test"), "from" },
        };
        var client = Fixture.Mail.CreateClient();

        var wrong = await client.PostAsync(new Uri("/inbound/sendgrid/not-the-secret", UriKind.Relative), Form());
        Assert.Equal(System.Net.HttpStatusCode.NotFound, wrong.StatusCode);
        Assert.Empty((await ConversationAsync(dispute)).Messages);

        var right = await client.PostAsync(new Uri("/inbound/sendgrid/" + ImapFixture.SendGridSecret, UriKind.Relative), Form());
        Assert.Equal(System.Net.HttpStatusCode.OK, right.StatusCode);
        var again = await client.PostAsync(new Uri("/inbound/sendgrid/" + ImapFixture.SendGridSecret, UriKind.Relative), Form());
        Assert.Equal(System.Net.HttpStatusCode.OK, again.StatusCode);
        Assert.Single((await ConversationAsync(dispute)).Messages, m => m == "Réponse via SendGrid.");
    }

    /// <summary>
    /// The whole loop: the question e-mailed to the customer answers to the dispute's signed address,
    /// and the customer's reply to it, read from the mailbox, lands on the dispute. A staff e-mail
    /// about the same dispute keeps the plain sender (staff answer in the back office).
    /// </summary>
    [Fact]
    public async Task A_reply_to_the_customers_notice_lands_on_its_dispute()
    {
        var dispute = await NewDisputeAsync();
        var ids = await Fixture.WithDbAsync(async db =>
        {
            var now = DateTimeOffset.UtcNow;
            var question = Litiges.Notifications.Outbox.QueueEmail(db, "DisputeQuestion", "alice@alpha.test", "fr", now, "https://portal.test/", "LIT-X", "Le bon signé ?", "F-1").AboutDispute(dispute);
            var staff = Litiges.Notifications.Outbox.QueueEmail(db, "CustomerReplied", "agent@staff.test", "fr", now, "https://backoffice.test/", "LIT-X", "Alice", "Réponse").AboutDispute(dispute);
            await db.SaveChangesAsync();
            return (Question: question.Id, Staff: staff.Id);
        });
        var sent = new List<MimeMessage>();
        var dispatcher = Litiges.IntegrationTests.Notifications.OutboxDriver.Dispatcher(Fixture.Mail.Services, new Capture(sent), TimeProvider.System);
        await Litiges.IntegrationTests.Notifications.OutboxDriver.DispatchAllAsync(dispatcher);

        var question = sent.Single(m => m.MessageId == $"litiges-{ids.Question}@{MessageIdDomain(m)}");
        var staffMail = sent.Single(m => m.MessageId == $"litiges-{ids.Staff}@{MessageIdDomain(m)}");
        Assert.Empty(staffMail.ReplyTo);
        var replyTo = Assert.Single(question.ReplyTo.Mailboxes).Address;
        Assert.NotEqual(InboundAddressOnly, replyTo);
        Assert.Equal(dispute, Fixture.Mail.Services.GetRequiredService<ReplyAddress>().TryRead(replyTo, "alice@alpha.test")!.Id);

        var reply = Reply("alice@alpha.test", "Alice Alpha", replyTo, "Le voici, signé par le chauffeur.\n\n> Le bon signé ?\n");
        var report = await DeliverAsync(reply);

        Assert.Equal(1, report.Attached);
        Assert.Contains("Le voici, signé par le chauffeur.", (await ConversationAsync(dispute)).Messages);
    }

    /// <summary>
    /// A colleague answers the task's e-mail: the reply, signed for the task and its assignee, becomes
    /// the task's internal answer and its PDF internal evidence; the owner is told; the customer's
    /// portal page shows neither.
    /// </summary>
    [Fact]
    public async Task A_reply_from_a_tasks_assignee_becomes_its_internal_answer_that_the_customer_never_sees()
    {
        var dispute = await NewDisputeAsync();
        var taskId = await OpenTaskAsync(dispute);
        var assigned = await Fixture.WithDbAsync(db => db.Outbox.AsNoTracking().SingleAsync(m => m.Kind == "TaskAssigned" && m.TaskId == taskId));
        Assert.Equal("resolver@staff.test", assigned.Recipient);
        var sent = new List<MimeMessage>();
        var dispatcher = Litiges.IntegrationTests.Notifications.OutboxDriver.Dispatcher(Fixture.Mail.Services, new Capture(sent), TimeProvider.System);
        await Litiges.IntegrationTests.Notifications.OutboxDriver.DispatchAllAsync(dispatcher);
        var taskMail = sent.Single(m => m.MessageId == $"litiges-{assigned.Id}@{MessageIdDomain(m)}");
        var replyTo = Assert.Single(taskMail.ReplyTo.Mailboxes).Address;
        Assert.StartsWith($"litiges+t{taskId}-", replyTo, StringComparison.Ordinal);

        var reply = Reply("resolver@staff.test", "Rémi Résolveur", replyTo, "CMR récupéré, signé sans réserve.\n\n> Récupérer le CMR signé\n",
            ("cmr-signe.pdf", "application/pdf", TestData.Pdf("cmr-signe.pdf", 4000).Content));
        var report = await DeliverAsync(reply);

        Assert.Equal(1, report.Attached);
        Assert.Empty((await ConversationAsync(dispute)).Messages);
        var (note, file, told) = await Fixture.WithDbAsync(async db => (
            await db.DisputeHistory.AsNoTracking().SingleAsync(h => h.DisputeId == dispute && h.Action == DisputeAction.TaskAnswered),
            await db.Evidence.AsNoTracking().SingleAsync(e => e.DisputeId == dispute),
            await db.Outbox.AsNoTracking().Where(m => m.DisputeId == dispute && m.Kind == "TaskAnswered").Select(m => m.Recipient).ToListAsync()));
        Assert.False(note.IsPublic);
        Assert.Equal("resolver@staff.test", await Fixture.WithDbAsync(db => db.Users.Where(u => u.Id == note.ActorUserId).Select(u => u.Email).SingleAsync()));
        Assert.Contains("CMR récupéré, signé sans réserve.", note.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("> Récupérer", note.Text, StringComparison.Ordinal);
        Assert.Equal(("cmr-signe.pdf", EvidenceVisibility.Internal), (file.FileName, file.Visibility));
        Assert.Equal(new[] { "agent@staff.test" }, told);

        var reference = await Fixture.WithDbAsync(db => db.Disputes.Where(d => d.Id == dispute).Select(d => d.Reference).SingleAsync());
        var alice = await PortalBrowser.SignInAsync(Fixture.Portal, "alice@alpha.test");
        var page = Browser.Text(await alice.GetPageAsync($"/Disputes/Details/{dispute}"));
        Assert.Contains(reference, page, StringComparison.Ordinal);
        Assert.DoesNotContain("CMR récupéré", page, StringComparison.Ordinal);
        Assert.DoesNotContain("cmr-signe", page, StringComparison.Ordinal);
    }

    /// <summary>
    /// A reply to a task from someone it is not for (a colleague, the customer, each with an address
    /// signed for them), or under a dispute's signature, waits for an agent; attached by the agent it
    /// stays internal; once the task is done, a late reply waits too.
    /// </summary>
    [Fact]
    public async Task A_reply_to_a_task_from_someone_it_is_not_for_with_a_disputes_signature_or_once_done_is_parked()
    {
        var dispute = await NewDisputeAsync();
        var taskId = await OpenTaskAsync(dispute);
        var replies = Fixture.Mail.Services.GetRequiredService<ReplyAddress>();
        var colleague = Reply("credit@staff.test", "Claire Crédit", replies.ForTask(taskId, "credit@staff.test"), "Je réponds à la place de Rémi.");
        var customer = Reply("alice@alpha.test", "Alice Alpha", replies.ForTask(taskId, "alice@alpha.test"), "Une tâche interne ?");
        var reused = Reply("resolver@staff.test", "Rémi Résolveur", replies.For(taskId, "resolver@staff.test").Replace($"+{taskId}-", $"+t{taskId}-", StringComparison.Ordinal), "Signature d'un litige.");

        var report = await DeliverAsync(colleague, customer, reused);

        Assert.Equal(0, report.Attached);
        await AssertParkedAsync(colleague, ParkReason.NotForThisTask, dispute);
        await AssertParkedAsync(customer, ParkReason.NotForThisTask, dispute);
        await AssertParkedAsync(reused, ParkReason.BadToken, null);
        Assert.False(await Fixture.WithDbAsync(db => db.DisputeHistory.AnyAsync(h => h.DisputeId == dispute && h.Action == DisputeAction.TaskAnswered)));

        // The agent sees it is a task's reply, and attached it stays internal: the task's answer, never a customer's message.
        var browser = new Browser(Fixture.Mail.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false }));
        await browser.SignInAsync("agent@staff.test");
        var mailId = await Fixture.WithDbAsync(db => db.InboundMails.Where(m => m.MessageId == colleague.MessageId).Select(m => m.Id).SingleAsync());
        var inbound = await browser.GetPageAsync("/Inbound");
        Assert.NotNull(inbound.QuerySelector($"[data-mail='{mailId}'] [data-task-reply]"));
        Assert.NotNull(inbound.QuerySelector($"[data-mail='{mailId}'] [data-reason='{ParkReason.NotForThisTask}']"));
        var reference = await Fixture.WithDbAsync(db => db.Disputes.Where(d => d.Id == dispute).Select(d => d.Reference).SingleAsync());
        await browser.SubmitAsync("/Inbound", new Dictionary<string, string> { ["Reference"] = reference }, $"[data-mail='{mailId}'] form[action*='Attach']");
        Assert.Equal(InboundMailStatus.Attached, await Fixture.WithDbAsync(db => db.InboundMails.Where(m => m.Id == mailId).Select(m => m.Status).SingleAsync()));
        Assert.Empty((await ConversationAsync(dispute)).Messages);
        var answer = await Fixture.WithDbAsync(db => db.DisputeHistory.AsNoTracking().SingleAsync(h => h.DisputeId == dispute && h.Action == DisputeAction.TaskAnswered));
        Assert.False(answer.IsPublic);
        Assert.Contains("Je réponds à la place de Rémi.", answer.Text, StringComparison.Ordinal);

        await Fixture.WithDbAsync(async db =>
        {
            var worked = await db.Disputes.Include(d => d.Tasks).SingleAsync(d => d.Id == dispute);
            worked.CompleteTask(await ActorAsync(db, "resolver@staff.test", ActorRole.Resolver), taskId, "Fait.", DateTimeOffset.UtcNow);
            await db.SaveChangesAsync();
        });
        var late = Reply("resolver@staff.test", "Rémi Résolveur", replies.ForTask(taskId, "resolver@staff.test"), "Trop tard ?");
        await DeliverAsync(late);
        await AssertParkedAsync(late, ParkReason.TaskClosed, dispute);
    }

    /// <summary>Files without a word: they land as the customer's evidence and whoever works the dispute is told, as of a message.</summary>
    [Fact]
    public async Task A_reply_with_files_and_no_text_tells_whoever_works_the_dispute()
    {
        var dispute = await NewDisputeAsync();
        var reply = Reply("alice@alpha.test", "Alice Alpha", To(dispute, "alice@alpha.test"), string.Empty,
            ("bon-signe.pdf", "application/pdf", TestData.Pdf("bon-signe.pdf", 3000).Content));

        var report = await DeliverAsync(reply);

        Assert.Equal(1, report.Attached);
        var (messages, evidence) = await ConversationAsync(dispute);
        Assert.Empty(messages);
        Assert.Equal(new[] { "bon-signe.pdf" }, evidence);
        var notices = await Fixture.WithDbAsync(db => db.Outbox.AsNoTracking().Where(m => m.DisputeId == dispute && m.Kind == "CustomerSentFiles").Select(m => m.TextBody).ToListAsync());
        Assert.NotEmpty(notices);
        Assert.All(notices, body => Assert.Contains("bon-signe.pdf", body, StringComparison.Ordinal));
    }

    /// <summary>Anonymising a person erases the e-mails received from them, landed or parked: sender, words and raw message.</summary>
    [Fact]
    public async Task Anonymising_a_person_erases_the_mails_received_from_them()
    {
        var dispute = await NewDisputeAsync();
        var email = LitigesFixture.UniqueEmail("bruno", "alpha.test");
        var userId = await Fixture.NewUserAsync(Litiges.Accounts.AppUser.NewCustomer(email, "Bruno Alpha", Fixture.Data.AlphaId, isAdmin: false));
        var landed = Reply(email, "Bruno Alpha", To(dispute, email), "Mon adresse : 3 rue des Lilas.");
        var parked = Reply(email.ToUpperInvariant(), "Bruno Alpha", InboundAddressOnly, "Mon téléphone : 06 12 34 56 78.");
        var other = Reply("alice@alpha.test", "Alice Alpha", InboundAddressOnly, "Une autre personne.");
        await DeliverAsync(landed, parked, other);
        var raw = (await MailAsync(parked)).RawBlobName!;

        using (var scope = Fixture.Mail.Services.CreateScope())
        {
            var personalData = scope.ServiceProvider.GetRequiredService<Litiges.Accounts.PersonalData>();
            var export = await personalData.ExportAsync(userId, CancellationToken.None);
            Assert.Equal(2, export!.ReceivedEmails.Count);
            Assert.Contains(export.ReceivedEmails, e => e.Text == "Mon adresse : 3 rue des Lilas.");
            Assert.True(await personalData.AnonymiseAsync(userId, "admin", "Adam Admin", null, CancellationToken.None));
        }

        foreach (var mail in new[] { await MailAsync(landed), await MailAsync(parked) })
        {
            Assert.Equal(Litiges.Accounts.AppUser.AnonymousLabel(userId), mail.From);
            Assert.Equal((null, string.Empty, string.Empty, null), (mail.FromName, mail.Subject, mail.Excerpt, mail.RawBlobName));
            Assert.NotNull(mail.ErasedAt);
        }

        Assert.Equal(InboundMailStatus.Discarded, (await MailAsync(parked)).Status);
        Assert.Null(await Fixture.Mail.Services.GetRequiredService<Litiges.Storage.IBlobStore>().OpenReadAsync(raw, CancellationToken.None));
        var untouched = await MailAsync(other);
        Assert.Equal(("alice@alpha.test", "Une autre personne."), (untouched.From, untouched.Excerpt));
    }

    /// <summary>Past <c>Inbound:Retention</c> (90 days), the blob clean-up erases the words of handled mails; parked ones wait for an agent.</summary>
    [Fact]
    public async Task Handled_mails_lose_their_words_after_the_retention_period_and_parked_ones_wait()
    {
        var dispute = await NewDisputeAsync();
        var landed = Reply("alice@alpha.test", "Alice Alpha", To(dispute, "alice@alpha.test"), "Réponse gardée quatre-vingt-dix jours.");
        var parked = Reply("promo@spam.test", "Promo", InboundAddressOnly, "En attente d'un agent.");
        await DeliverAsync(landed, parked);
        var cleanup = Fixture.Mail.Services.GetRequiredService<Litiges.Storage.BlobCleanup>();

        await cleanup.RunOnceAsync(DateTimeOffset.UtcNow.AddDays(89));
        Assert.Equal("Réponse gardée quatre-vingt-dix jours.", (await MailAsync(landed)).Excerpt);

        var pass = await cleanup.RunOnceAsync(DateTimeOffset.UtcNow.AddDays(91));

        Assert.True(pass.MailsErased >= 1);
        var erased = await MailAsync(landed);
        Assert.Equal((InboundMailStatus.Attached, string.Empty, string.Empty, string.Empty), (erased.Status, erased.From, erased.Subject, erased.Excerpt));
        Assert.Equal(landed.MessageId, erased.MessageId);
        var waiting = await MailAsync(parked);
        Assert.Equal((InboundMailStatus.Parked, "En attente d'un agent."), (waiting.Status, waiting.Excerpt));
        await using (var content = await Fixture.Mail.Services.GetRequiredService<Litiges.Storage.IBlobStore>().OpenReadAsync(waiting.RawBlobName!, CancellationToken.None))
        {
            Assert.NotNull(content);
        }

        Assert.Contains("Réponse gardée quatre-vingt-dix jours.", (await ConversationAsync(dispute)).Messages);
    }

    private Task<InboundMail> MailAsync(MimeMessage message) =>
        Fixture.WithDbAsync(db => db.InboundMails.AsNoTracking().SingleAsync(m => m.MessageId == message.MessageId));

    private static async Task<Actor> ActorAsync(LitigesDbContext db, string email, ActorRole role)
    {
        var user = await db.Users.Where(u => u.Email == email).Select(u => new { u.Id, u.DisplayName, u.DepartmentId }).SingleAsync();
        return new Actor(user.Id, user.DisplayName, role, DepartmentId: user.DepartmentId);
    }

    // A task for the resolver, opened by the agent who owns the dispute.
    private Task<int> OpenTaskAsync(int disputeId) =>
        Fixture.WithDbAsync(async db =>
        {
            var agent = await ActorAsync(db, "agent@staff.test", ActorRole.Agent);
            var resolver = await ActorAsync(db, "resolver@staff.test", ActorRole.Resolver);
            var dispute = await db.Disputes.SingleAsync(d => d.Id == disputeId);
            var now = DateTimeOffset.UtcNow;
            dispute.AssignOwner(agent, agent.UserId, agent.DisplayName, now);
            var task = dispute.OpenTask(agent, "Récupérer le CMR signé", null, resolver.UserId, resolver.DisplayName, Litiges.Deadlines.BusinessDate.Of(now).AddDays(5), 0m, now);
            await db.SaveChangesAsync();
            return task.Id;
        });

    private static string MessageIdDomain(MimeMessage message) => message.MessageId![(message.MessageId!.IndexOf('@', StringComparison.Ordinal) + 1)..];

    private sealed class Capture(List<MimeMessage> sent) : Litiges.Notifications.IMailSender
    {
        public Task SendAsync(MimeMessage message, CancellationToken cancellationToken)
        {
            lock (sent)
            {
                sent.Add(message);
            }

            return Task.CompletedTask;
        }
    }

    private const string InboundAddressOnly = ImapFixture.InboundAddress;

    private string To(int disputeId, string recipient) =>
        Fixture.Mail.Services.GetRequiredService<ReplyAddress>().For(disputeId, recipient);

    private static MimeMessage Reply(string from, string name, string to, string text, params (string Name, string Type, byte[] Content)[] files)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(name, from));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = "RE: Votre litige";
        message.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId("client.test");
        var body = new BodyBuilder { TextBody = text };
        foreach (var (fileName, type, content) in files)
        {
            body.Attachments.Add(fileName, content, ContentType.Parse(type));
        }

        message.Body = body.ToMessageBody();
        return message;
    }

    private async Task<ImapPassReport> DeliverAsync(params MimeMessage[] messages)
    {
        using (var client = await ImapFixture.ConnectAsync())
        {
            var folder = await client.GetFolderAsync(Fixture.Folder);
            foreach (var message in messages)
            {
                await folder.AppendAsync(message);
            }

            await client.DisconnectAsync(true);
        }

        return await Fixture.Mail.Services.GetRequiredService<ImapPoller>().RunOnceAsync(DateTimeOffset.UtcNow);
    }

    private async Task<int> InboxCountAsync()
    {
        using var client = await ImapFixture.ConnectAsync();
        var folder = await client.GetFolderAsync(Fixture.Folder);
        await folder.OpenAsync(FolderAccess.ReadOnly);
        return (await folder.SearchAsync(MailKit.Search.SearchQuery.NotDeleted)).Count;
    }

    private async Task<InboundMail> AssertParkedAsync(MimeMessage reply, ParkReason reason, int? disputeId)
    {
        var mail = await Fixture.WithDbAsync(db => db.InboundMails.AsNoTracking().SingleAsync(m => m.MessageId == reply.MessageId));
        Assert.Equal((InboundMailStatus.Parked, reason, disputeId), (mail.Status, mail.Reason, mail.DisputeId));
        Assert.NotNull(mail.RawBlobName);
        if (disputeId is { } id)
        {
            Assert.Empty((await ConversationAsync(id)).Messages);
        }

        return mail;
    }

    private Task<(List<string> Messages, List<string> Evidence)> ConversationAsync(int disputeId) =>
        Fixture.WithDbAsync(async db => (
            await db.DisputeMessages.Where(m => m.DisputeId == disputeId).Select(m => m.Body).ToListAsync(),
            await db.Evidence.Where(e => e.DisputeId == disputeId).Select(e => e.FileName).ToListAsync()));

    private Task<int> NewDisputeAsync() =>
        Fixture.WithDbAsync(async db =>
        {
            var at = DateTimeOffset.UtcNow.AddMinutes(-30);
            var invoice = new Invoice("F-" + Guid.NewGuid().ToString("N")[..12], Fixture.Data.AlphaId, Litiges.Deadlines.BusinessDate.Of(at).AddDays(-10), Litiges.Deadlines.BusinessDate.Of(at).AddDays(20));
            invoice.AddLine("Palettes", 1, 1000m, 0.20m);
            db.Invoices.Add(invoice);
            await db.SaveChangesAsync();
            var reason = await db.ReasonCodes.SingleAsync(r => r.Code == "FAC");
            var reference = await Numbering.SequenceNumbers.NextAsync(db, "LIT", at.Year);
            var customer = new Actor("seed-customer", "Client Test", ActorRole.Customer, Fixture.Data.AlphaId);
            var dispute = Dispute.Open(reference, Fixture.Data.AlphaId, reason, "Prix erroné", DesiredOutcome.CreditNote, [new DisputeClaim(invoice, null, 100m)], DisputeSource.CustomerPortal, customer, at);
            db.Disputes.Add(dispute);
            await db.SaveChangesAsync();
            return dispute.Id;
        });
}

public sealed class SqliteImapReplyTests(SqliteImapFixture fixture) : ImapReplyTests<SqliteImapFixture>(fixture), IClassFixture<SqliteImapFixture>;

public sealed class PostgreSqlImapReplyTests(PostgreSqlImapFixture fixture) : ImapReplyTests<PostgreSqlImapFixture>(fixture), IClassFixture<PostgreSqlImapFixture>;
