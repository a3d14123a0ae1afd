using System.Globalization;
using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Litiges.Deadlines;
using Litiges.Disputes;
using Litiges.Invoices;
using Litiges.Notifications;
using Litiges.Numbering;
using Litiges.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Litiges.IntegrationTests.Portal;

/// <summary>
/// A customer contests the decision on an ended dispute from the portal: within the window it goes
/// back to review with the reason and the new files, the handlers and credit managers are told,
/// and the customer gets a receipt in their language with the link to the dispute; past the window, for another company, with a refused file or a stale page, nothing changes,
/// no file is kept, and the reason typed is still there.
/// </summary>
public abstract class ReopeningTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : EvidenceFixture
{
    private const string Rejection = "La preuve de livraison est signée par votre entrepôt.";
    private const string Reason = "La signature du bon de livraison n'est pas celle de notre magasinier : voici le bon et notre registre.";
    private static readonly CultureInfo French = new("fr-FR");

    [Fact]
    public async Task Customer_reopens_a_rejected_dispute_within_the_window_with_new_evidence()
    {
        var (id, reference, invoiceId, alice, url, page) = await AliceOnHerRejectedDisputeAsync();
        var endedAt = await fixture.WithDbAsync(db => db.Disputes.Where(d => d.Id == id).Select(d => d.EndedAt!.Value).SingleAsync());
        var offer = page.QuerySelector("#reopen")!.TextContent;
        Assert.Contains("Contester cette décision", offer, StringComparison.Ordinal);
        Assert.Contains($"Vous pouvez rouvrir ce litige jusqu'au {ParisTime(endedAt + TimeSpan.FromDays(30))}", offer, StringComparison.Ordinal);
        var form = PortalBrowser.Form(page, "Reopen");
        Assert.Equal("multipart/form-data", form.Enctype);
        Assert.True(form.QuerySelector<IHtmlTextAreaElement>("#reopen-reason")!.IsRequired);
        Assert.Equal(Dispute.MaxMessageLength, form.QuerySelector<IHtmlTextAreaElement>("#reopen-reason")!.MaxLength);

        var note = TestData.Pdf("bon de livraison signé.pdf", 30_000);
        var response = await alice.SubmitAsync(form, url, new Dictionary<string, string?> { ["Input.Reason"] = Reason }, files: [note]);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var dispute = await LoadAsync(id);
        Assert.Equal(DisputeStatus.InReview, dispute.Status);
        Assert.Equal(1, dispute.ReopenCount);
        Assert.Null(dispute.EndedAt);
        var evidence = Assert.Single(dispute.Evidence);
        Assert.Equal("bon de livraison signé.pdf", evidence.FileName);
        Assert.Equal(TestData.Sha256(note.Content), evidence.Sha256);
        Assert.Equal(EvidenceVisibility.Shared, evidence.Visibility);
        Assert.Equal("Alice Alpha", evidence.UploadedByName);
        Assert.Contains(evidence.BlobName, await fixture.BlobNamesAsync());
        var reopened = dispute.History.OrderBy(h => h.Sequence).Single(h => h.Action == DisputeAction.Reopened);
        Assert.Equal((ActorRole.Customer, "Alice Alpha", Reason, true), (reopened.ActorRole, reopened.ActorName, reopened.Text, reopened.IsPublic));
        Assert.Equal(DisputeAction.EvidenceAdded, dispute.History.OrderBy(h => h.Sequence).Last().Action);
        Assert.Equal(100m, await fixture.WithDbAsync(db => db.Invoices.Where(i => i.Id == invoiceId).Select(i => i.BlockedAmount).SingleAsync()));

        // The billing department (no owner yet) and the credit manager are told, with the reason and the back-office link.
        var mails = await MailsAsync(reference);
        Assert.Equal(["credit@staff.test", "resolver@staff.test"], mails.Select(m => m.Recipient));
        Assert.All(mails, m =>
        {
            Assert.Contains(Reason, m.TextBody, StringComparison.Ordinal);
            Assert.Contains($"/Disputes/Details/{id}", m.TextBody, StringComparison.Ordinal);
            Assert.Contains("Alice Alpha (Alpha Industries)", m.TextBody, StringComparison.Ordinal);
        });
        Assert.Equal($"Litige {reference} : le client conteste la décision et rouvre le litige", mails[0].Subject);

        // Alice gets one receipt, in French, with her reason, the file count and the portal link by reference.
        var receipt = Assert.Single(await ReceiptsAsync(reference));
        Assert.Equal("alice@alpha.test", receipt.Recipient);
        Assert.Equal($"Litige {reference} rouvert : de nouveau en cours d'examen", receipt.Subject);
        Assert.StartsWith("Bonjour Alice Alpha,", receipt.TextBody, StringComparison.Ordinal);
        Assert.Contains($"vous avez rouvert le litige {reference} pour contester la décision prise. Le litige est de nouveau en cours d'examen", receipt.TextBody, StringComparison.Ordinal);
        Assert.Contains(Reason, receipt.TextBody, StringComparison.Ordinal);
        Assert.Contains("Nouvelles pièces reçues avec la réouverture : 1.", receipt.TextBody, StringComparison.Ordinal);
        Assert.Contains($"Suivre mon litige: {PortalUrl(reference)}", receipt.TextBody, StringComparison.Ordinal);
        Assert.Contains($"href=\"{PortalUrl(reference)}\"", receipt.HtmlBody, StringComparison.Ordinal);
        Assert.True((receipt.CreatedAt - reopened.At).Duration() < TimeSpan.FromMilliseconds(1), "The receipt is queued by the reopening itself.");

        var after = await alice.GetPageAsync(url);
        Assert.Contains("Litige rouvert", after.QuerySelector(".alert-success")!.TextContent, StringComparison.Ordinal);
        Assert.Null(after.QuerySelector("#reopen"));
        Assert.NotNull(after.QuerySelector("#reply-form"));
        Assert.Contains("Réouverture", after.QuerySelector("#timeline")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(["bon de livraison signé.pdf"], after.QuerySelectorAll("#evidence-list a").Select(a => a.TextContent));
    }

    [Fact]
    public async Task The_customer_who_reopens_gets_the_receipt_in_their_own_language_listed_among_the_messages_always_sent()
    {
        var (id, reference, _) = await RejectedDisputeAsync(fixture.Data.BetaId, DateTimeOffset.UtcNow);
        var bob = await PortalBrowser.SignInAsync(fixture.Uploads, "bob@beta.test");
        var url = $"/Disputes/Details/{id}";
        const string reason = "The delivery note was signed by a temp, not by our warehouse manager.";

        var response = await bob.SubmitAsync(PortalBrowser.Form(await bob.GetPageAsync(url), "Reopen"), url, new Dictionary<string, string?> { ["Input.Reason"] = reason }, files: [TestData.Pdf("delivery note.pdf"), TestData.Png("register.png")]);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(DisputeStatus.InReview, (await LoadAsync(id)).Status);
        var receipt = Assert.Single(await ReceiptsAsync(reference));
        Assert.Equal("bob@beta.test", receipt.Recipient);
        Assert.Equal($"Dispute {reference} reopened: back in review", receipt.Subject);
        Assert.StartsWith("Hello Bob Beta,", receipt.TextBody, StringComparison.Ordinal);
        Assert.Contains("Customer service is reviewing the dispute again", receipt.TextBody, StringComparison.Ordinal);
        Assert.Contains(reason, receipt.TextBody, StringComparison.Ordinal);
        Assert.Contains("New files received with the reopening: 2.", receipt.TextBody, StringComparison.Ordinal);
        Assert.Contains($"Follow my dispute: {PortalUrl(reference)}", receipt.TextBody, StringComparison.Ordinal);
        Assert.Contains("<html lang=\"en\">", receipt.HtmlBody, StringComparison.Ordinal);

        // An essential message: no preference turns it off, and the preferences page says it is always sent.
        Assert.Null(NotificationKinds.PreferenceFor(receipt.Kind));
        var essential = (await bob.GetPageAsync("/Account/Manage/Notifications")).QuerySelector("#essential-messages")!.TextContent;
        Assert.Contains("Confirmation of a dispute you reopened, with your reason", essential, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reopening_once_the_window_has_passed_is_refused_with_a_clear_message()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var portal = fixture.Uploads.WithWebHostBuilder(builder => builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(clock)));

        // The window closes a minute after the customer opens the page.
        var endedAt = clock.GetUtcNow() - TimeSpan.FromDays(30) + TimeSpan.FromMinutes(1);
        var (id, reference, _) = await RejectedDisputeAsync(fixture.Data.AlphaId, endedAt);
        var until = ParisTime(endedAt + TimeSpan.FromDays(30));
        var alice = await PortalBrowser.SignInAsync(portal, "alice@alpha.test");
        var url = $"/Disputes/Details/{id}";
        var page = await alice.GetPageAsync(url);
        Assert.Contains($"jusqu'au {until}", page.QuerySelector("#reopen")!.TextContent, StringComparison.Ordinal);
        var before = await SnapshotAsync(id);

        clock.Advance(TimeSpan.FromMinutes(2));
        var response = await alice.SubmitAsync(PortalBrowser.Form(page, "Reopen"), url, new Dictionary<string, string?> { ["Input.Reason"] = Reason }, files: [TestData.Pdf("registre.pdf")]);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var refused = await Browser.ParseAsync(response);
        Assert.Contains("Un litige ne peut être rouvert que dans les 30 jours suivant sa fin.", refused.QuerySelector(".alert-danger")!.TextContent, StringComparison.Ordinal);
        Assert.Contains($"Ce litige ne peut plus être rouvert : il pouvait l'être jusqu'au {until}.", refused.QuerySelector("#reopen")!.TextContent, StringComparison.Ordinal);
        Assert.Null(refused.QuerySelector("#reopen-form"));
        Assert.Equal(Reason, refused.QuerySelector<IHtmlTextAreaElement>("#reopen-reason")!.Value);
        Assert.Equal(before, await SnapshotAsync(id));
        Assert.Empty(await MailsAsync(reference));
        Assert.Empty(await ReceiptsAsync(reference));

        var later = await alice.GetPageAsync(url);
        Assert.Contains($"il pouvait l'être jusqu'au {until}", later.QuerySelector("#reopen")!.TextContent, StringComparison.Ordinal);
        Assert.Null(later.QuerySelector("#reopen-form"));
    }

    [Fact]
    public async Task Customer_cannot_reopen_another_companys_dispute()
    {
        var (alphaId, alphaReference, _) = await RejectedDisputeAsync(fixture.Data.AlphaId, DateTimeOffset.UtcNow);
        var (betaId, _, _) = await RejectedDisputeAsync(fixture.Data.BetaId, DateTimeOffset.UtcNow);
        var bob = await PortalBrowser.SignInAsync(fixture.Uploads, "bob@beta.test");
        Assert.Equal(HttpStatusCode.NotFound, (await bob.GetAsync($"/Disputes/Details/{alphaId}")).StatusCode);
        var before = await SnapshotAsync(alphaId);

        // Bob's own reopening form, aimed at Alpha's dispute.
        var form = PortalBrowser.Form(await bob.GetPageAsync($"/Disputes/Details/{betaId}"), "Reopen");
        form.SetAttribute("action", $"/Disputes/Details/{alphaId}?handler=Reopen");
        var response = await bob.SubmitAsync(form, $"/Disputes/Details/{betaId}", new Dictionary<string, string?> { ["Input.Reason"] = "Intrusion" }, files: [TestData.Pdf("intrus.pdf")]);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(before, await SnapshotAsync(alphaId));
        Assert.Empty(await MailsAsync(alphaReference));
        Assert.Empty(await ReceiptsAsync(alphaReference));
    }

    [Fact]
    public async Task A_refused_file_keeps_the_reason_and_changes_nothing()
    {
        var (id, reference, _, alice, url, page) = await AliceOnHerRejectedDisputeAsync();
        var before = await SnapshotAsync(id);

        var response = await alice.SubmitAsync(PortalBrowser.Form(page, "Reopen"), url, new Dictionary<string, string?> { ["Input.Reason"] = Reason }, files: [TestData.Pdf("registre.pdf"), TestData.DisguisedProgram("bon.pdf")]);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var shown = await Browser.ParseAsync(response);
        var errors = shown.QuerySelector("#file-errors")!.TextContent;
        Assert.Contains("« bon.pdf » n'est pas un vrai fichier PDF", errors, StringComparison.Ordinal);
        Assert.Contains("Le litige n'a pas été rouvert et rien n'a changé : votre motif est conservé ci-dessous.", errors, StringComparison.Ordinal);
        Assert.Equal(Reason, shown.QuerySelector<IHtmlTextAreaElement>("#reopen-reason")!.Value);
        Assert.Equal(before, await SnapshotAsync(id));
        Assert.Empty(await MailsAsync(reference));
        Assert.Empty(await ReceiptsAsync(reference));

        // Sent again with the good file only, the reason as it was kept.
        var again = await alice.SubmitAsync(PortalBrowser.Form(shown, "Reopen"), url, files: [TestData.Pdf("registre.pdf")]);
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        var dispute = await LoadAsync(id);
        Assert.Equal(DisputeStatus.InReview, dispute.Status);
        Assert.Equal(["registre.pdf"], dispute.Evidence.Select(e => e.FileName));
        Assert.Equal(before.Blobs + 1, (await fixture.BlobNamesAsync()).Count);
    }

    [Fact]
    public async Task Reopening_from_a_page_that_is_no_longer_current_is_refused_and_shows_what_changed()
    {
        var (id, reference, _, alice, url, page) = await AliceOnHerRejectedDisputeAsync();

        // Meanwhile the agent closes the dispute: still within the window, but not what Alice saw.
        await fixture.WithDbAsync(async db =>
        {
            var rootCause = await db.RootCauses.OrderBy(r => r.Id).FirstAsync(r => r.IsActive);
            var dispute = await db.Disputes.SingleAsync(d => d.Id == id);
            dispute.Close(new Actor("agent", "Agnès Agent", ActorRole.Agent), rootCause, DateTimeOffset.UtcNow);
            await db.SaveChangesAsync();
        });
        var before = await SnapshotAsync(id);

        var response = await alice.SubmitAsync(PortalBrowser.Form(page, "Reopen"), url, new Dictionary<string, string?> { ["Input.Reason"] = Reason }, files: [TestData.Pdf("registre.pdf")]);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var shown = await Browser.ParseAsync(response);
        Assert.Contains("Agnès Agent a modifié ce litige pendant que vous le consultiez.", shown.QuerySelector(".alert-danger")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("Clôture", shown.QuerySelector(".alert-warning")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(Reason, shown.QuerySelector<IHtmlTextAreaElement>("#reopen-reason")!.Value);
        Assert.Equal(before, await SnapshotAsync(id));
        Assert.Equal(DisputeStatus.Closed, before.Status);
        Assert.Empty(await MailsAsync(reference));

        // Having seen the change, Alice sends the form again: it goes through.
        var again = await alice.SubmitAsync(PortalBrowser.Form(shown, "Reopen"), url, files: [TestData.Pdf("registre.pdf")]);
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        Assert.Equal(DisputeStatus.InReview, (await LoadAsync(id)).Status);
        Assert.Single(await ReceiptsAsync(reference));
    }

    /// <summary>Alice, signed in, on the page of a dispute of her company rejected a moment ago.</summary>
    private async Task<(int Id, string Reference, int InvoiceId, PortalBrowser Alice, string Url, IDocument Page)> AliceOnHerRejectedDisputeAsync()
    {
        var (id, reference, invoiceId) = await RejectedDisputeAsync(fixture.Data.AlphaId, DateTimeOffset.UtcNow);
        var alice = await PortalBrowser.SignInAsync(fixture.Uploads, "alice@alpha.test");
        var url = $"/Disputes/Details/{id}";
        return (id, reference, invoiceId, alice, url, await alice.GetPageAsync(url));
    }

    /// <summary>A dispute of 100 € on a new invoice of the company, filed two days before <paramref name="endedAt"/>, then acknowledged and rejected by the agent.</summary>
    private Task<(int Id, string Reference, int InvoiceId)> RejectedDisputeAsync(int companyId, DateTimeOffset endedAt) =>
        fixture.WithDbAsync(async db =>
        {
            var filedAt = endedAt - TimeSpan.FromDays(2);
            var issued = Litiges.Deadlines.BusinessDate.Of(filedAt).AddDays(-10);
            var invoice = new Invoice("R-" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant(), companyId, issued, issued.AddDays(30));
            invoice.AddLine("Palettes bois", 10, 100m, 0.20m);
            db.Invoices.Add(invoice);
            var reason = await db.ReasonCodes.SingleAsync(r => r.Code == "FAC");
            var reference = await SequenceNumbers.NextAsync(db, "LIT", filedAt.Year);
            var dispute = Dispute.Open(reference, companyId, reason, "Marchandise jamais reçue.", DesiredOutcome.CreditNote, [new DisputeClaim(invoice, null, 100m)], DisputeSource.CustomerPortal, new Actor("seed", "Client", ActorRole.Customer, companyId), filedAt);
            var agent = new Actor("agent", "Agnès Agent", ActorRole.Agent);
            dispute.Acknowledge(agent, filedAt + TimeSpan.FromHours(1));
            dispute.Reject(agent, Rejection, endedAt);
            db.Disputes.Add(dispute);
            await db.SaveChangesAsync();
            return (dispute.Id, reference, invoice.Id);
        });

    private Task<Dispute> LoadAsync(int id) =>
        fixture.WithDbAsync(db => db.Disputes.AsNoTracking().Include(d => d.Evidence).Include(d => d.History).AsSplitQuery().SingleAsync(d => d.Id == id));

    /// <summary>What a refused reopening must leave as it was: the dispute, its evidence, its history, the stored files.</summary>
    private async Task<Snapshot> SnapshotAsync(int id)
    {
        var dispute = await LoadAsync(id);
        return new Snapshot(dispute.Status, dispute.Version, dispute.History.Count, dispute.Evidence.Count, dispute.ReopenCount, (await fixture.BlobNamesAsync()).Count);
    }

    private Task<List<OutboxMessage>> MailsAsync(string reference) =>
        fixture.WithDbAsync(db => db.Outbox.AsNoTracking().Where(m => m.Kind == "DisputeReopened" && m.Subject.Contains(reference)).OrderBy(m => m.Recipient).ToListAsync());

    /// <summary>The customer's receipts of the reopening of dispute <paramref name="reference"/>.</summary>
    private Task<List<OutboxMessage>> ReceiptsAsync(string reference) =>
        fixture.WithDbAsync(db => db.Outbox.AsNoTracking().Where(m => m.Kind == "ReopeningReceived" && m.Subject.Contains(reference)).ToListAsync());

    private string PortalUrl(string reference) =>
        $"{fixture.Uploads.Services.GetRequiredService<MailSettings>().PublicPortalUrl.TrimEnd('/')}/Disputes/Details/{reference}";

    private static string ParisTime(DateTimeOffset instant) =>
        TimeZoneInfo.ConvertTime(instant, FrenchBusinessCalendar.Instance.TimeZone).ToString("g", French);

    private sealed record Snapshot(DisputeStatus Status, int Version, int HistoryEntries, int EvidenceFiles, int ReopenCount, int Blobs);
}

public sealed class SqliteReopeningTests(SqliteLocalEvidenceFixture fixture) : ReopeningTests<SqliteLocalEvidenceFixture>(fixture);

public sealed class PostgreSqlReopeningTests(PostgreSqlLocalEvidenceFixture fixture) : ReopeningTests<PostgreSqlLocalEvidenceFixture>(fixture);
