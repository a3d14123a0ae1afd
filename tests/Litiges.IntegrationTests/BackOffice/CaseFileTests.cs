using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Litiges.Disputes;
using Litiges.Documents;
using Litiges.Storage;
using Litiges.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using UglyToad.PdfPig;

namespace Litiges.IntegrationTests.BackOffice;

/// <summary>
/// Evidence in the back office (internal upload, sharing, download) and the case file exported for
/// a lawyer: a ZIP of the PDF summary with the whole history, every file, and a manifest of SHA-256.
/// </summary>
public abstract class CaseFileTests<TFixture>(TFixture fixture) : BackOfficeScenario<TFixture>(fixture), IClassFixture<TFixture>
    where TFixture : LitigesFixture
{
    private static readonly byte[] Pdf = Encoding.ASCII.GetBytes("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");

    [Fact]
    public async Task Agent_uploads_internal_evidence_then_shares_it_with_the_customer()
    {
        var id = await NewDisputeAsync(DisputeStatus.InReview);
        var agent = await StaffAsync(Agent);

        var uploaded = await UploadAsync(agent, id, "Bon de livraison signé.pdf", Pdf);

        Assert.Equal(HttpStatusCode.Redirect, uploaded.StatusCode);
        var evidence = (await LoadAsync(id)).Evidence.Single();
        Assert.Equal(("Bon de livraison signé.pdf", EvidenceVisibility.Internal, false), (evidence.FileName, evidence.Visibility, evidence.FromCustomer));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Pdf)), evidence.Sha256);
        Assert.Equal(Pdf.Length, evidence.Length);
        Assert.False((await LoadAsync(id)).History.Single(h => h.Action == DisputeAction.EvidenceAdded).IsPublic);

        var page = await agent.GetPageAsync(Url(id));
        var download = await agent.GetAsync(page.QuerySelector($"[data-evidence='{evidence.Id}'] a")!.GetAttribute("href")!);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal(Pdf, await download.Content.ReadAsByteArrayAsync());
        Assert.Equal("application/pdf", download.Content.Headers.ContentType!.MediaType);

        var shared = await ClickAsync(agent, page, Url(id), "ShareEvidence");
        Assert.Equal(HttpStatusCode.Redirect, shared.StatusCode);
        Assert.Equal(EvidenceVisibility.Shared, (await LoadAsync(id)).Evidence.Single().Visibility);
    }

    [Fact]
    public async Task Upload_of_a_file_that_is_not_what_it_claims_is_refused_and_leaves_nothing()
    {
        var id = await NewDisputeAsync(DisputeStatus.InReview);
        var agent = await StaffAsync(Agent);

        var response = await UploadAsync(agent, id, "facture.pdf", Encoding.ASCII.GetBytes("MZ this is a program"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotNull((await Browser.ParseAsync(response)).QuerySelector(".validation-summary-errors"));
        Assert.Empty((await LoadAsync(id)).Evidence);
    }

    [Fact]
    public async Task Upload_to_a_dispute_that_holds_its_limit_of_files_or_of_a_document_with_macros_is_refused()
    {
        var full = await NewDisputeAsync(DisputeStatus.InReview, then: (d, at) =>
        {
            for (var i = 0; i < new EvidenceOptions().MaxFilesPerDispute; i++)
            {
                d.AttachEvidence(SeedAgent, new StoredFile("evidence/2026/03/" + Guid.NewGuid().ToString("N"), $"piece-{i}.pdf", "application/pdf", 10, new string('b', 64)), EvidenceVisibility.Internal, 1_000_000, at);
            }
        });
        var agent = await StaffAsync(Agent);

        var refused = await Browser.ParseAsync(await UploadAsync(agent, full, "une de plus.pdf", Pdf));
        Assert.Contains("« une de plus.pdf » ne peut pas être ajouté : un litige ne peut pas compter plus de 30 pièces", refused.QuerySelector(".validation-summary-errors")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(30, (await LoadAsync(full)).Evidence.Count);

        var id = await NewDisputeAsync(DisputeStatus.InReview);
        using var docx = new MemoryStream();
        using (var zip = new ZipArchive(docx, ZipArchiveMode.Create, leaveOpen: true))
        {
            zip.CreateEntry("[Content_Types].xml").Open().Dispose();
            zip.CreateEntry("word/document.xml").Open().Dispose();
            zip.CreateEntry("word/vbaProject.bin").Open().Dispose();
        }

        var macro = await Browser.ParseAsync(await UploadAsync(agent, id, "contrat.docx", docx.ToArray()));
        Assert.Contains("contient des macros ou des programmes", macro.QuerySelector(".validation-summary-errors")!.TextContent, StringComparison.Ordinal);
        Assert.Empty((await LoadAsync(id)).Evidence);
    }

    [Fact]
    public async Task Upload_on_a_stale_page_is_refused_and_its_blob_removed()
    {
        var id = await NewDisputeAsync(DisputeStatus.InReview);
        var agent = await StaffAsync(Agent);
        var page = await agent.GetPageAsync(Url(id));
        await ColleagueNotesAsync(id);
        var store = Fixture.BackOffice.Services.GetRequiredService<IBlobStore>();
        var before = await BlobsAsync(store);

        var response = await UploadAsync(agent, id, "photo.pdf", Pdf, page);

        Assert.Contains("a modifié ce litige pendant que vous le consultiez", await TextOfAsync(response), StringComparison.Ordinal);
        Assert.Empty((await LoadAsync(id)).Evidence);
        Assert.Equal(before, await BlobsAsync(store));
    }

    [Fact]
    public async Task Evidence_of_a_dispute_out_of_reach_is_not_found()
    {
        var id = await NewDisputeAsync(DisputeStatus.InReview, "LIV");
        var agent = await StaffAsync(Agent);
        await UploadAsync(agent, id, "photo.pdf", Pdf);
        var evidence = (await LoadAsync(id)).Evidence.Single();

        var resolver = await StaffAsync(Resolver);
        Assert.Equal(HttpStatusCode.NotFound, (await resolver.GetAsync($"/Disputes/Evidence/{id}/{evidence.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await agent.GetAsync($"/Disputes/Evidence/{id + 100000}/{evidence.Id}")).StatusCode);
    }

    [Fact]
    public async Task Exported_case_file_holds_the_summary_every_file_and_a_manifest_whose_hashes_match()
    {
        var id = await NewDisputeAsync(DisputeStatus.InReview);
        var agent = await StaffAsync(Agent);
        await UploadAsync(agent, id, "Bon de livraison signé.pdf", Pdf);
        await UploadAsync(agent, id, "relevé.csv", Encoding.UTF8.GetBytes("date;montant\n2026-03-02;1200,00\n"));
        await ClickAsync(agent, await agent.GetPageAsync(Url(id)), Url(id), "Note", new Dictionary<string, string> { ["Text"] = "Le client conteste le prix négocié avec M. Lefèvre." });
        var dispute = await LoadAsync(id);

        var response = await agent.GetAsync($"/Disputes/Export/{id}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/zip", response.Content.Headers.ContentType!.MediaType);
        Assert.StartsWith(dispute.Reference, response.Content.Headers.ContentDisposition!.FileNameStar, StringComparison.Ordinal);
        using var zip = new ZipArchive(new MemoryStream(await response.Content.ReadAsByteArrayAsync()), ZipArchiveMode.Read);
        var files = zip.Entries.ToDictionary(e => e.FullName, Bytes);
        Assert.Equal(
            [
                $"{dispute.Reference}.pdf", CaseFileArchive.InstructionsName, CaseFileArchive.AcceptanceName, "evidence/001-Bon de livraison signé.pdf", "evidence/002-relevé.csv",
                CaseFileArchive.EntriesName, "manifest.csv", CaseFileArchive.ScriptName,
            ],
            files.Keys.Order(StringComparer.Ordinal));

        var manifest = CaseFileArchive.ReadManifest(Encoding.UTF8.GetString(files["manifest.csv"]));
        Assert.Equal(files.Count - 1, manifest.Count);
        foreach (var entry in manifest)
        {
            Assert.Equal(files[entry.Path].Length, entry.Bytes);
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(files[entry.Path])), entry.Sha256);
        }

        Assert.All(manifest.Where(e => e.Path.StartsWith("evidence/", StringComparison.Ordinal)), e => Assert.Equal(e.RecordedSha256, e.Sha256));
        Assert.Equal(Pdf, files["evidence/001-Bon de livraison signé.pdf"]);

        using var pdf = PdfDocument.Open(files[$"{dispute.Reference}.pdf"]);
        var text = string.Join('\n', pdf.GetPages().Select(p => string.Join(' ', p.GetWords().Select(w => w.Text))));
        Assert.Contains(dispute.Reference, text, StringComparison.Ordinal);
        Assert.Contains("Alpha Industries", text, StringComparison.Ordinal);
        Assert.Contains("Le client conteste le prix négocié avec M. Lefèvre.", text, StringComparison.Ordinal);
        Assert.Contains("Bon de livraison signé.pdf", text, StringComparison.Ordinal);
        foreach (var entry in dispute.History)
        {
            Assert.Contains(entry.Hash, text, StringComparison.Ordinal);
        }

        Assert.Contains($"Historique intact : les {dispute.HistoryCount} entrées sont authentifiées", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_lists_a_missing_file_instead_of_failing()
    {
        var id = await NewDisputeAsync(DisputeStatus.InReview, then: (d, at) =>
            d.AttachEvidence(SeedAgent, new StoredFile("evidence/2026/03/gone", "disparu.pdf", "application/pdf", 10, new string('b', 64)), EvidenceVisibility.Internal, 1_000_000, at));
        var agent = await StaffAsync(Agent);

        var response = await agent.GetAsync($"/Disputes/Export/{id}");

        using var zip = new ZipArchive(new MemoryStream(await response.Content.ReadAsByteArrayAsync()), ZipArchiveMode.Read);
        var manifest = CaseFileArchive.ReadManifest(Encoding.UTF8.GetString(Bytes(zip.GetEntry("manifest.csv")!)));
        var missing = Assert.Single(manifest, e => e.Path.EndsWith("disparu.pdf", StringComparison.Ordinal));
        Assert.Equal((0L, CaseFileArchive.MissingFile), (missing.Bytes, missing.Sha256));
        Assert.Null(zip.GetEntry(missing.Path));
    }

    private static byte[] Bytes(ZipArchiveEntry entry)
    {
        using var stream = entry.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static async Task<List<string>> BlobsAsync(IBlobStore store)
    {
        var names = new List<string>();
        await foreach (var name in store.ListAsync("evidence/", CancellationToken.None))
        {
            names.Add(name);
        }

        return [.. names.Order(StringComparer.Ordinal)];
    }

    /// <summary>Posts the page's upload form with a file, as the browser does (multipart).</summary>
    private static async Task<HttpResponseMessage> UploadAsync(Browser browser, int id, string fileName, byte[] content, IDocument? page = null)
    {
        page ??= await browser.GetPageAsync(Url(id));
        var form = FormFor(page, "Upload") ?? throw new InvalidOperationException("No upload form.");
        using var body = new MultipartFormDataContent();
        foreach (var input in form.QuerySelectorAll<IHtmlInputElement>("input[type=hidden]"))
        {
            body.Add(new StringContent(input.Value), input.Name!);
        }

        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        body.Add(file, "Upload", fileName);
        return await browser.Client.PostAsync(new Uri(WebUtility.HtmlDecode(form.GetAttribute("action")!), UriKind.Relative), body);
    }
}

public sealed class SqliteCaseFileTests(SqliteFixture fixture) : CaseFileTests<SqliteFixture>(fixture);

public sealed class PostgreSqlCaseFileTests(PostgreSqlFixture fixture) : CaseFileTests<PostgreSqlFixture>(fixture);
