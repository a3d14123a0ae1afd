using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AngleSharp.Dom;
using Litiges.Disputes;
using Litiges.Testing;
using Microsoft.EntityFrameworkCore;

namespace Litiges.IntegrationTests.Portal;

/// <summary>
/// Evidence from the customer's side, on each store: files checked by type, content and size,
/// streamed to storage with their SHA-256, refused one by one with a message of their own, and
/// downloaded only by the company.
/// </summary>
public abstract class EvidenceTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : EvidenceFixture
{
    [Fact]
    public async Task Files_added_while_filing_are_stored_with_their_fingerprint_and_downloaded_as_attachments()
    {
        var (invoiceId, _) = await TestData.NewInvoiceAsync(fixture, fixture.Data.AlphaId);
        var alice = await PortalBrowser.SignInAsync(fixture.Uploads, "alice@alpha.test");
        var url = $"/Disputes/New?invoice={invoiceId}";
        var delivery = TestData.Pdf("Bon de livraison n°42 signé.pdf", 20_000);
        var photo = TestData.Png("palette abîmée.png", 9_000);

        var (review, submitted) = await Wizard.ContinueAsync(alice, await alice.GetPageAsync(url), url, new Dictionary<string, string?>(), [delivery, photo]);
        Assert.Contains("Bon de livraison n°42 signé.pdf", review.QuerySelector("section[aria-labelledby=step4-title]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, submitted.StatusCode);

        var id = Wizard.IdFromLocation(submitted);
        var evidence = await fixture.WithDbAsync(db => db.Evidence.AsNoTracking().Where(e => e.DisputeId == id).OrderBy(e => e.Id).ToListAsync());
        Assert.Equal(2, evidence.Count);
        Assert.Equal([TestData.Sha256(delivery.Content), TestData.Sha256(photo.Content)], evidence.Select(e => e.Sha256));
        Assert.All(evidence, e => Assert.Equal(EvidenceVisibility.Shared, e.Visibility));
        Assert.All(evidence, e => Assert.StartsWith("evidence/", e.BlobName, StringComparison.Ordinal));
        Assert.All(evidence, e => Assert.DoesNotContain("livraison", e.BlobName, StringComparison.OrdinalIgnoreCase));
        Assert.Equal(29_000, await fixture.WithDbAsync(db => db.Disputes.Where(d => d.Id == id).Select(d => d.EvidenceBytes).SingleAsync()));

        var download = await alice.GetAsync($"/Disputes/Evidence/{evidence[0].Id}");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal(delivery.Content, await download.Content.ReadAsByteArrayAsync());
        Assert.Equal("application/pdf", download.Content.Headers.ContentType!.MediaType);
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition!.DispositionType);
        Assert.Equal("Bon de livraison n°42 signé.pdf", download.Content.Headers.ContentDisposition.FileNameStar);
        Assert.Equal("nosniff", download.Headers.GetValues("X-Content-Type-Options").Single());

        // Every colleague of the company sees the files on the dispute page.
        var carol = await PortalBrowser.SignInAsync(fixture.Uploads, "carol@alpha.test");
        var page = await carol.GetPageAsync($"/Disputes/Details/{id}");
        Assert.Equal(2, page.QuerySelectorAll("#evidence-list a").Length);
        Assert.Equal(HttpStatusCode.OK, (await carol.GetAsync($"/Disputes/Evidence/{evidence[1].Id}")).StatusCode);
    }

    [Fact]
    public async Task Every_bad_file_is_refused_with_its_own_message_and_nothing_typed_is_lost()
    {
        var (invoiceId, _) = await TestData.NewInvoiceAsync(fixture, fixture.Data.AlphaId);
        var alice = await PortalBrowser.SignInAsync(fixture.Uploads, "alice@alpha.test");
        var url = $"/Disputes/New?invoice={invoiceId}";
        var evidenceStep = await Wizard.ToEvidenceStepAsync(alice, await alice.GetPageAsync(url), url, new Dictionary<string, string?> { ["Input.Invoices[0].Amount"] = "321,09" });
        var blobsBefore = (await fixture.BlobNamesAsync()).Count;

        var response = await alice.SubmitAsync(PortalBrowser.Form(evidenceStep), url, null, "Next",
        [
            TestData.DisguisedProgram("facture.pdf"),
            TestData.Pdf("scan énorme.pdf", (int)EvidenceFixture.MaxFileBytes + 1),
            new UploadFile("vide.txt", [], "text/plain"),
            new UploadFile("outil.exe", [0x4D, 0x5A, 0x90, 0x00], "application/octet-stream"),
            new UploadFile("binaire.csv", [0x41, 0x3B, 0x00, 0x01, 0x02, 0x42], "text/csv"),
            TestData.Png("photo.png"),
        ]);

        var page = await Browser.ParseAsync(response);
        Assert.Equal(3, Wizard.VisibleStep(page));
        var errors = page.QuerySelectorAll("#file-errors li").Select(li => li.TextContent).ToList();
        Assert.Equal(5, errors.Count);
        Assert.Contains("« facture.pdf » n'est pas un vrai fichier PDF", errors[0], StringComparison.Ordinal);
        Assert.Contains("« scan énorme.pdf » dépasse la taille maximale de 64 Ko par fichier", errors[1], StringComparison.Ordinal);
        Assert.Contains("« vide.txt » est vide", errors[2], StringComparison.Ordinal);
        Assert.Contains("« outil.exe » n'est pas d'un format accepté", errors[3], StringComparison.Ordinal);
        Assert.Contains("« binaire.csv » n'est pas un vrai fichier CSV", errors[4], StringComparison.Ordinal);

        // The good file is held, and everything typed before is still there.
        Assert.Equal(["photo.png"], page.QuerySelectorAll(".upload-list .upload-name").Select(n => n.TextContent));
        Assert.Equal("321,09", page.QuerySelector<AngleSharp.Html.Dom.IHtmlInputElement>("input[name='Input.Invoices[0].Amount']")!.Value);
        Assert.Equal(Wizard.Problem["Input.Description"], page.QuerySelector("textarea[name='Input.Description']")!.TextContent);
        Assert.Equal(blobsBefore + 1, (await fixture.BlobNamesAsync()).Count);

        // And the dispute goes with the good file.
        var review = await Browser.ParseAsync(await alice.SubmitAsync(PortalBrowser.Form(page), url, null, "Next"));
        var submitted = await alice.SubmitAsync(PortalBrowser.Form(review), url, null, "Submit");
        Assert.Equal(HttpStatusCode.Redirect, submitted.StatusCode);
        var files = await fixture.WithDbAsync(db => db.Evidence.Where(e => e.DisputeId == Wizard.IdFromLocation(submitted)).Select(e => e.FileName).ToListAsync());
        Assert.Equal(["photo.png"], files);
    }

    [Fact]
    public async Task Files_over_the_dispute_total_are_refused()
    {
        var (invoiceId, _) = await TestData.NewInvoiceAsync(fixture, fixture.Data.AlphaId);
        var alice = await PortalBrowser.SignInAsync(fixture.Uploads, "alice@alpha.test");
        var url = $"/Disputes/New?invoice={invoiceId}";
        var evidenceStep = await Wizard.ToEvidenceStepAsync(alice, await alice.GetPageAsync(url), url, new Dictionary<string, string?>());
        var blobsBefore = (await fixture.BlobNamesAsync()).Count;

        var first = await Browser.ParseAsync(await alice.SubmitAsync(PortalBrowser.Form(evidenceStep), url, null, "Upload", [TestData.Pdf("un.pdf", 60_000), TestData.Pdf("deux.pdf", 60_000)]));
        Assert.Equal(2, first.QuerySelectorAll(".upload-list .upload-item").Length);

        // A third file of the same size would take the draft over 160 KB.
        var third = await Browser.ParseAsync(await alice.SubmitAsync(PortalBrowser.Form(first), url, null, "Upload", [TestData.Pdf("trois.pdf", 60_000)]));
        var error = third.QuerySelector("#file-errors li")!.TextContent;
        Assert.Contains("« trois.pdf » ne peut pas être ajouté : les pièces d'un litige ne peuvent pas dépasser 160 Ko au total", error, StringComparison.Ordinal);
        Assert.Equal(2, third.QuerySelectorAll(".upload-list .upload-item").Length);
        Assert.Equal(blobsBefore + 2, (await fixture.BlobNamesAsync()).Count);
    }

    [Fact]
    public async Task Script_uploads_while_filing_answer_with_a_ticket_or_a_reason()
    {
        var (invoiceId, _) = await TestData.NewInvoiceAsync(fixture, fixture.Data.AlphaId);
        var alice = await PortalBrowser.SignInAsync(fixture.Uploads, "alice@alpha.test");
        var url = $"/Disputes/New?invoice={invoiceId}";
        var evidenceStep = await Wizard.ToEvidenceStepAsync(alice, await alice.GetPageAsync(url), url, new Dictionary<string, string?>());

        var stored = await Files(await alice.ScriptUploadAsync(evidenceStep, "/Disputes/Files?handler=Upload", TestData.Pdf("devis.pdf")));
        Assert.True(stored.GetProperty("ok").GetBoolean());
        Assert.Equal("devis.pdf", stored.GetProperty("name").GetString());
        var ticket = stored.GetProperty("ticket").GetString()!;

        var refused = await Files(await alice.ScriptUploadAsync(evidenceStep, "/Disputes/Files?handler=Upload", TestData.DisguisedProgram("devis2.pdf")));
        Assert.False(refused.GetProperty("ok").GetBoolean());
        Assert.Contains("n'est pas un vrai fichier PDF", refused.GetProperty("message").GetString(), StringComparison.Ordinal);

        // The ticket travels with the form; forged tickets are ignored.
        var review = await Browser.ParseAsync(await alice.SubmitAsync(PortalBrowser.Form(evidenceStep), url, new Dictionary<string, string?> { ["Input.Files"] = ticket }, "Next"));
        Assert.Contains("devis.pdf", review.QuerySelector("section[aria-labelledby=step4-title]")!.TextContent, StringComparison.Ordinal);
        var forged = await Browser.ParseAsync(await alice.SubmitAsync(PortalBrowser.Form(evidenceStep), url, new Dictionary<string, string?> { ["Input.Files"] = ticket[..^4] + "AAAA" }, "Next"));
        Assert.Contains("Aucune pièce jointe", forged.QuerySelector("section[aria-labelledby=step4-title]")!.TextContent, StringComparison.Ordinal);

        // Nor can a colleague use Alice's ticket.
        var carol = await PortalBrowser.SignInAsync(fixture.Uploads, "carol@alpha.test");
        var carolStep = await Wizard.ToEvidenceStepAsync(carol, await carol.GetPageAsync(url), url, new Dictionary<string, string?>());
        var stolen = await Browser.ParseAsync(await carol.SubmitAsync(PortalBrowser.Form(carolStep), url, new Dictionary<string, string?> { ["Input.Files"] = ticket }, "Next"));
        Assert.Contains("Aucune pièce jointe", stolen.QuerySelector("section[aria-labelledby=step4-title]")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Files_are_added_on_the_dispute_page_with_or_without_script()
    {
        var (id, _, _) = await TestData.NewDisputeAsync(fixture, fixture.Data.AlphaId);
        var alice = await PortalBrowser.SignInAsync(fixture.Uploads, "alice@alpha.test");
        var url = $"/Disputes/Details/{id}";
        var page = await alice.GetPageAsync(url);

        // With the script: one request per file, the answer says where to download it.
        var photo = TestData.Png("rayure.png");
        var answer = await alice.ScriptUploadAsync(page, $"{url}?handler=Upload", photo);
        var result = await Files(answer);
        Assert.True(result.GetProperty("ok").GetBoolean());
        var download = await alice.GetAsync(result.GetProperty("url").GetString()!);
        Assert.Equal(photo.Content, await download.Content.ReadAsByteArrayAsync());

        // Without: the reply form carries the message and the files.
        page = await alice.GetPageAsync(url);
        var reply = await alice.SubmitAsync(PortalBrowser.Form(page, "Reply"), url, new Dictionary<string, string?> { ["Input.Text"] = "Voici le bon de livraison." }, files: [TestData.Pdf("bl.pdf")]);
        Assert.Equal(HttpStatusCode.Redirect, reply.StatusCode);
        var dispute = await fixture.WithDbAsync(db => db.Disputes.AsNoTracking().Include(d => d.Evidence).Include(d => d.Messages).SingleAsync(d => d.Id == id));
        Assert.Equal(["bl.pdf", "rayure.png"], dispute.Evidence.Select(e => e.FileName).Order(StringComparer.Ordinal));
        Assert.Equal("Voici le bon de livraison.", dispute.Messages.Single().Body);

        // A refused file: the good one is added, the message waits, as typed.
        page = await alice.GetPageAsync(url);
        var refused = await alice.SubmitAsync(PortalBrowser.Form(page, "Reply"), url, new Dictionary<string, string?> { ["Input.Text"] = "Et la photo du colis." }, files: [TestData.Png("colis.png"), TestData.DisguisedProgram("colis.jpg")]);
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        var shown = await Browser.ParseAsync(refused);
        Assert.Contains("« colis.jpg » n'est pas un vrai fichier JPG", shown.QuerySelector("#file-errors")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("Et la photo du colis.", shown.QuerySelector("#reply-text")!.TextContent);
        dispute = await fixture.WithDbAsync(db => db.Disputes.AsNoTracking().Include(d => d.Evidence).Include(d => d.Messages).SingleAsync(d => d.Id == id));
        Assert.Contains("colis.png", dispute.Evidence.Select(e => e.FileName));
        Assert.Single(dispute.Messages);
    }

    [Fact]
    public async Task A_file_for_an_ended_dispute_is_refused_and_leaves_no_blob()
    {
        var (id, _, _) = await TestData.NewDisputeAsync(fixture, fixture.Data.AlphaId);
        var alice = await PortalBrowser.SignInAsync(fixture.Uploads, "alice@alpha.test");
        var url = $"/Disputes/Details/{id}";
        var page = await alice.GetPageAsync(url);
        await TestData.ActAsync(fixture, id, (dispute, _, now) => dispute.Withdraw(new Actor("c", "Client", ActorRole.Customer, fixture.Data.AlphaId), null, now));
        var blobsBefore = (await fixture.BlobNamesAsync()).Count;

        var result = await Files(await alice.ScriptUploadAsync(page, $"{url}?handler=Upload", TestData.Pdf("tard.pdf")));

        Assert.False(result.GetProperty("ok").GetBoolean());
        Assert.Contains("le litige est terminé", result.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(blobsBefore, (await fixture.BlobNamesAsync()).Count);
        Assert.False(await fixture.WithDbAsync(db => db.Evidence.AnyAsync(e => e.DisputeId == id)));
    }

    [Fact]
    public async Task A_store_that_does_not_answer_gives_a_clear_message_and_leaves_nothing_half_done()
    {
        var (invoiceId, _) = await TestData.NewInvoiceAsync(fixture, fixture.Data.AlphaId);
        var (disputeId, _, _) = await TestData.NewDisputeAsync(fixture, fixture.Data.AlphaId);
        var alice = await PortalBrowser.SignInAsync(fixture.BrokenStore, "alice@alpha.test");
        var url = $"/Disputes/New?invoice={invoiceId}";
        var evidenceStep = await Wizard.ToEvidenceStepAsync(alice, await alice.GetPageAsync(url), url, new Dictionary<string, string?>());

        var page = await Browser.ParseAsync(await alice.SubmitAsync(PortalBrowser.Form(evidenceStep), url, null, "Next", [TestData.Pdf("devis.pdf")]));

        Assert.Equal(3, Wizard.VisibleStep(page));
        Assert.Contains("« devis.pdf » n'a pas pu être enregistré : le stockage des fichiers ne répond pas", page.QuerySelector("#file-errors")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(Wizard.Problem["Input.Description"], page.QuerySelector("textarea[name='Input.Description']")!.TextContent);
        Assert.False(await fixture.WithDbAsync(db => db.DisputedItems.AnyAsync(i => i.InvoiceId == invoiceId)));

        var details = await alice.GetPageAsync($"/Disputes/Details/{disputeId}");
        var result = await Files(await alice.ScriptUploadAsync(details, $"/Disputes/Details/{disputeId}?handler=Upload", TestData.Pdf("devis.pdf")));
        Assert.False(result.GetProperty("ok").GetBoolean());
        Assert.Contains("ne répond pas", result.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.False(await fixture.WithDbAsync(db => db.Evidence.AnyAsync(e => e.DisputeId == disputeId)));
    }

    [Fact]
    public async Task Evidence_is_downloaded_only_by_the_company_and_only_when_shared()
    {
        var (id, _, _) = await TestData.NewDisputeAsync(fixture, fixture.Data.AlphaId);
        var alice = await PortalBrowser.SignInAsync(fixture.Uploads, "alice@alpha.test");
        var page = await alice.GetPageAsync($"/Disputes/Details/{id}");
        var shared = await Files(await alice.ScriptUploadAsync(page, $"/Disputes/Details/{id}?handler=Upload", TestData.Pdf("preuve.pdf")));
        var sharedUrl = shared.GetProperty("url").GetString()!;
        await TestData.ActAsync(fixture, id, (dispute, agent, now) =>
            dispute.AttachEvidence(agent, new StoredFile("evidence/2026/01/" + Guid.NewGuid().ToString("N"), "note interne.pdf", "application/pdf", 10, new string('0', 64)), EvidenceVisibility.Internal, long.MaxValue, now));
        var internalId = await fixture.WithDbAsync(db => db.Evidence.Where(e => e.DisputeId == id && e.Visibility == EvidenceVisibility.Internal).Select(e => e.Id).SingleAsync());

        var bob = await PortalBrowser.SignInAsync(fixture.Uploads, "bob@beta.test");
        Assert.Equal(HttpStatusCode.NotFound, (await bob.GetAsync(sharedUrl)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await alice.GetAsync($"/Disputes/Evidence/{internalId}")).StatusCode);
        Assert.DoesNotContain("note interne", (await alice.GetPageAsync($"/Disputes/Details/{id}")).Body!.TextContent, StringComparison.Ordinal);

        // Nor can Bob add files to Alice's dispute.
        var bobPage = await bob.GetPageAsync("/Disputes");
        var intrusion = await bob.ScriptUploadAsync(bobPage, $"/Disputes/Details/{id}?handler=Upload", TestData.Pdf("intrus.pdf"));
        Assert.Equal(HttpStatusCode.NotFound, intrusion.StatusCode);
    }

    [Fact]
    public async Task A_post_without_its_antiforgery_token_is_refused_before_any_file_is_read()
    {
        var (id, _, _) = await TestData.NewDisputeAsync(fixture, fixture.Data.AlphaId);
        var alice = await PortalBrowser.SignInAsync(fixture.Uploads, "alice@alpha.test");
        var blobsBefore = (await fixture.BlobNamesAsync()).Count;
        var content = new MultipartFormDataContent { { new ByteArrayContent(TestData.Pdf("x.pdf").Content), "\"files\"", "\"x.pdf\"" } };

        var response = await alice.Client.PostAsync(new Uri($"/Disputes/Details/{id}?handler=Upload", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(blobsBefore, (await fixture.BlobNamesAsync()).Count);
    }

    private static async Task<JsonElement> Files(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        return json.GetProperty("files")[0];
    }
}

public sealed class SqliteLocalEvidenceTests(SqliteLocalEvidenceFixture fixture) : EvidenceTests<SqliteLocalEvidenceFixture>(fixture);

public sealed class SqliteAzuriteEvidenceTests(SqliteAzuriteEvidenceFixture fixture) : EvidenceTests<SqliteAzuriteEvidenceFixture>(fixture);

public sealed class PostgreSqlLocalEvidenceTests(PostgreSqlLocalEvidenceFixture fixture) : EvidenceTests<PostgreSqlLocalEvidenceFixture>(fixture);

public sealed class PostgreSqlAzuriteEvidenceTests(PostgreSqlAzuriteEvidenceFixture fixture) : EvidenceTests<PostgreSqlAzuriteEvidenceFixture>(fixture);
