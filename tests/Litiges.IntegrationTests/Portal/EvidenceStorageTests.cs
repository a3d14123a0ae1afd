using System.Globalization;
using System.Net;
using System.Text.Json;
using AngleSharp.Dom;
using Litiges.Storage;
using Litiges.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PortalProgram = Litiges.CustomerPortal.Program;

namespace Litiges.IntegrationTests.Portal;

/// <summary>
/// Evidence storage under pressure, on each store: what a user keeps staged is counted on the
/// server, files per request and per dispute are limited, and the clean-up removes what nobody
/// will claim, never what a dispute holds, also with two passes at once.
/// </summary>
public abstract class EvidenceStorageTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : EvidenceFixture
{
    private static readonly TimeSpan Grace = new BlobCleanupOptions().GracePeriod;

    [Fact]
    public async Task Staged_files_count_against_the_users_quota_whatever_tickets_the_form_sends()
    {
        var aliceId = await UserIdAsync("alice@alpha.test");
        await fixture.WithDbAsync(db => db.StagedBlobs.Where(s => s.UserId == aliceId).ExecuteDeleteAsync());
        await using var portal = Portal(new() { ["Evidence:MaxStagedBytesPerUser"] = (100 * 1024).ToString(CultureInfo.InvariantCulture) });
        var (invoiceId, _) = await TestData.NewInvoiceAsync(fixture, fixture.Data.AlphaId);
        var alice = await PortalBrowser.SignInAsync(portal, "alice@alpha.test");
        var url = $"/Disputes/New?invoice={invoiceId}";
        var evidenceStep = await Wizard.ToEvidenceStepAsync(alice, await alice.GetPageAsync(url), url, new Dictionary<string, string?>());

        var first = await FileResultAsync(await alice.ScriptUploadAsync(evidenceStep, "/Disputes/Files?handler=Upload", TestData.Pdf("un.pdf", 60_000)));
        Assert.True(first.GetProperty("ok").GetBoolean());
        var blobsBefore = (await fixture.BlobNamesAsync()).Count;

        // The form sends back no ticket (a fresh draft, or a client that drops them): the server still counts the first file.
        var second = await FileResultAsync(await alice.ScriptUploadAsync(evidenceStep, "/Disputes/Files?handler=Upload", TestData.Pdf("deux.pdf", 60_000)));
        Assert.False(second.GetProperty("ok").GetBoolean());
        Assert.Contains("« deux.pdf » ne peut pas être ajouté : vos fichiers en attente d'un litige non encore envoyé ne peuvent pas dépasser 100 Ko au total", second.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(blobsBefore, (await fixture.BlobNamesAsync()).Count);
        Assert.Equal(60_000, await fixture.WithDbAsync(db => db.StagedBlobs.Where(s => s.UserId == aliceId).SumAsync(s => s.Length)));

        // Filing claims the file: its record goes, and the quota is free again.
        var ticket = first.GetProperty("ticket").GetString()!;
        var review = await Browser.ParseAsync(await alice.SubmitAsync(PortalBrowser.Form(evidenceStep), url, new Dictionary<string, string?> { ["Input.Files"] = ticket }, "Next"));
        var submitted = await alice.SubmitAsync(PortalBrowser.Form(review), url, null, "Submit");
        Assert.Equal(HttpStatusCode.Redirect, submitted.StatusCode);
        Assert.False(await fixture.WithDbAsync(db => db.StagedBlobs.AnyAsync(s => s.UserId == aliceId)));
        var third = await FileResultAsync(await alice.ScriptUploadAsync(evidenceStep, "/Disputes/Files?handler=Upload", TestData.Pdf("trois.pdf", 60_000)));
        Assert.True(third.GetProperty("ok").GetBoolean());
    }

    [Fact]
    public async Task Files_are_limited_per_request_and_per_dispute_and_nothing_typed_is_lost()
    {
        await using var portal = Portal(new() { ["Evidence:MaxFilesPerRequest"] = "2", ["Evidence:MaxFilesPerDispute"] = "3" });
        var (invoiceId, _) = await TestData.NewInvoiceAsync(fixture, fixture.Data.AlphaId);
        var alice = await PortalBrowser.SignInAsync(portal, "alice@alpha.test");
        var url = $"/Disputes/New?invoice={invoiceId}";
        var evidenceStep = await Wizard.ToEvidenceStepAsync(alice, await alice.GetPageAsync(url), url, new Dictionary<string, string?> { ["Input.Invoices[0].Amount"] = "12,34" });

        // Filing: three files in one request, the third is refused.
        var page = await Browser.ParseAsync(await alice.SubmitAsync(PortalBrowser.Form(evidenceStep), url, null, "Upload", [TestData.Pdf("a.pdf", 1000), TestData.Pdf("b.pdf", 1000), TestData.Pdf("c.pdf", 1000)]));
        Assert.Contains("« c.pdf » n'a pas été reçu : un envoi ne peut pas compter plus de 2 fichiers", page.QuerySelector("#file-errors li")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(2, page.QuerySelectorAll(".upload-list .upload-item").Length);
        Assert.Equal("12,34", page.QuerySelector<AngleSharp.Html.Dom.IHtmlInputElement>("input[name='Input.Invoices[0].Amount']")!.Value);

        // Two held, two more sent: the dispute takes one more, not two.
        page = await Browser.ParseAsync(await alice.SubmitAsync(PortalBrowser.Form(page), url, null, "Upload", [TestData.Pdf("d.pdf", 1000), TestData.Pdf("e.pdf", 1000)]));
        Assert.Contains("« e.pdf » ne peut pas être ajouté : un litige ne peut pas compter plus de 3 pièces", page.QuerySelector("#file-errors li")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(3, page.QuerySelectorAll(".upload-list .upload-item").Length);

        // Later evidence on the dispute page: as for any refused file, the good ones are added and the reply waits, as typed.
        var (id, _, _) = await TestData.NewDisputeAsync(fixture, fixture.Data.AlphaId);
        var details = $"/Disputes/Details/{id}";
        var blobsBefore = (await fixture.BlobNamesAsync()).Count;
        var evidenceBefore = await fixture.WithDbAsync(db => db.Evidence.CountAsync(e => e.DisputeId == id));
        var refused = await Browser.ParseAsync(await alice.SubmitAsync(PortalBrowser.Form(await alice.GetPageAsync(details), "Reply"), details, new Dictionary<string, string?> { ["Input.Text"] = "Les trois bons." }, files: [TestData.Pdf("1.pdf", 1000), TestData.Pdf("2.pdf", 1000), TestData.Pdf("3.pdf", 1000)]));
        Assert.Contains("un envoi ne peut pas compter plus de 2 fichiers", refused.Body!.TextContent, StringComparison.Ordinal);
        Assert.Equal("Les trois bons.", refused.QuerySelector("textarea[name='Input.Text']")!.TextContent);
        Assert.Equal(evidenceBefore + 2, await fixture.WithDbAsync(db => db.Evidence.CountAsync(e => e.DisputeId == id)));
        Assert.Equal(blobsBefore + 2, (await fixture.BlobNamesAsync()).Count);

        // The dispute holds its limit of three now: the next file is refused on its own, and leaves no blob.
        refused = await Browser.ParseAsync(await alice.SubmitAsync(PortalBrowser.Form(await alice.GetPageAsync(details), "Reply"), details, new Dictionary<string, string?> { ["Input.Text"] = "Un de plus." }, files: [TestData.Pdf("4.pdf", 1000), TestData.Pdf("5.pdf", 1000)]));
        Assert.Contains("« 5.pdf » ne peut pas être ajouté : un litige ne peut pas compter plus de 3 pièces", refused.Body!.TextContent, StringComparison.Ordinal);
        Assert.Equal(3, await fixture.WithDbAsync(db => db.Disputes.Where(d => d.Id == id).Select(d => d.EvidenceCount).SingleAsync()));
        Assert.Equal(blobsBefore + 3, (await fixture.BlobNamesAsync()).Count);
    }

    [Fact]
    public async Task The_clean_up_removes_unclaimed_staged_files_and_orphans_past_the_grace_period_and_keeps_the_rest()
    {
        var (invoiceId, _) = await TestData.NewInvoiceAsync(fixture, fixture.Data.AlphaId);
        var alice = await PortalBrowser.SignInAsync(fixture.Uploads, "alice@alpha.test");
        var url = $"/Disputes/New?invoice={invoiceId}";
        var evidenceStep = await Wizard.ToEvidenceStepAsync(alice, await alice.GetPageAsync(url), url, new Dictionary<string, string?>());
        var unclaimed = await StagedBlobNameAsync(alice, evidenceStep, "abandonné.pdf");
        var (_, submitted) = await Wizard.ContinueAsync(alice, await alice.GetPageAsync(url), url, new Dictionary<string, string?>(), [TestData.Pdf("gardé.pdf", 2000)]);
        var claimed = await fixture.WithDbAsync(db => db.Evidence.Where(e => e.DisputeId == Wizard.IdFromLocation(submitted)).Select(e => e.BlobName).SingleAsync());
        var orphan = await OrphanAsync();

        // Young: everything stays.
        var now = DateTimeOffset.UtcNow;
        var young = await Job().RunOnceAsync(now.AddMinutes(1));
        Assert.Equal(new BlobCleanupPass(0, 0), young);
        var names = await fixture.BlobNamesAsync();
        Assert.Contains(unclaimed, names);
        Assert.Contains(orphan, names);
        Assert.Contains(claimed, names);

        // Past the grace period: the unclaimed file and the orphan go; the dispute's file stays.
        var pass = await Job().RunOnceAsync(now + Grace + TimeSpan.FromMinutes(5));
        Assert.True(pass.StagedRemoved >= 1 && pass.OrphansRemoved >= 1, pass.ToString());
        names = await fixture.BlobNamesAsync();
        Assert.DoesNotContain(unclaimed, names);
        Assert.DoesNotContain(orphan, names);
        Assert.Contains(claimed, names);
        Assert.False(await fixture.WithDbAsync(db => db.StagedBlobs.AnyAsync(s => s.BlobName == unclaimed)));
        var download = await alice.GetAsync($"/Disputes/Evidence/{await fixture.WithDbAsync(db => db.Evidence.Where(e => e.BlobName == claimed).Select(e => e.Id).SingleAsync())}");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
    }

    [Fact]
    public async Task Two_clean_up_passes_at_once_do_not_fail_and_remove_each_blob_once()
    {
        var (invoiceId, _) = await TestData.NewInvoiceAsync(fixture, fixture.Data.AlphaId);
        var alice = await PortalBrowser.SignInAsync(fixture.Uploads, "alice@alpha.test");
        var url = $"/Disputes/New?invoice={invoiceId}";
        var evidenceStep = await Wizard.ToEvidenceStepAsync(alice, await alice.GetPageAsync(url), url, new Dictionary<string, string?>());
        var staged = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            staged.Add(await StagedBlobNameAsync(alice, evidenceStep, $"brouillon-{i}.pdf"));
        }

        var orphans = new List<string> { await OrphanAsync(), await OrphanAsync() };
        var later = DateTimeOffset.UtcNow + Grace + TimeSpan.FromMinutes(5);
        var stagedRecords = await fixture.WithDbAsync(db => db.StagedBlobs.CountAsync());

        var passes = await Task.WhenAll(Job().RunOnceAsync(later), Job().RunOnceAsync(later));

        var names = await fixture.BlobNamesAsync();
        Assert.All(staged.Concat(orphans), name => Assert.DoesNotContain(name, names));
        Assert.False(await fixture.WithDbAsync(db => db.StagedBlobs.AnyAsync(s => staged.Contains(s.BlobName))));

        // Each staged record is taken by one pass only.
        Assert.Equal(stagedRecords, passes.Sum(p => p.StagedRemoved));
    }

    private AppFactory<PortalProgram> Portal(Dictionary<string, string?> settings)
    {
        var all = new Dictionary<string, string?>(settings);
        foreach (var (key, value) in fixture.Uploads.Services.GetRequiredService<IConfiguration>().AsEnumerable().Where(p => p.Key.StartsWith("Storage:", StringComparison.Ordinal) || p.Key.StartsWith("Evidence:Max", StringComparison.Ordinal)))
        {
            all.TryAdd(key, value);
        }

        return new AppFactory<PortalProgram>(fixture.Database, fixture.DataFolder, all);
    }

    private BlobCleanup Job() => new(
        fixture.Uploads.Services.GetRequiredService<IServiceScopeFactory>(),
        TimeProvider.System,
        Options.Create(new BlobCleanupOptions()),
        Options.Create(new Litiges.Inbound.InboundOptions()),
        NullLogger<BlobCleanup>.Instance);

    private Task<string> UserIdAsync(string email) =>
        fixture.WithDbAsync(db => db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync());

    private async Task<string> StagedBlobNameAsync(PortalBrowser customer, IDocument step, string name)
    {
        var before = await fixture.WithDbAsync(db => db.StagedBlobs.Select(s => s.BlobName).ToListAsync());
        var result = await FileResultAsync(await customer.ScriptUploadAsync(step, "/Disputes/Files?handler=Upload", TestData.Pdf(name, 1000)));
        Assert.True(result.GetProperty("ok").GetBoolean());
        return await fixture.WithDbAsync(db => db.StagedBlobs.Where(s => !before.Contains(s.BlobName)).Select(s => s.BlobName).SingleAsync());
    }

    // A blob no row holds: what a crashed request leaves behind.
    private async Task<string> OrphanAsync()
    {
        var name = BlobNames.NewEvidence(DateTimeOffset.UtcNow);
        await fixture.Blobs.WriteAsync(name, new MemoryStream("%PDF-1.7 orphelin"u8.ToArray()), "application/pdf", CancellationToken.None);
        return name;
    }

    private static async Task<JsonElement> FileResultAsync(HttpResponseMessage response)
    {
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("files")[0].Clone();
    }
}

public sealed class SqliteLocalEvidenceStorageTests(SqliteLocalEvidenceFixture fixture) : EvidenceStorageTests<SqliteLocalEvidenceFixture>(fixture);

public sealed class SqliteAzuriteEvidenceStorageTests(SqliteAzuriteEvidenceFixture fixture) : EvidenceStorageTests<SqliteAzuriteEvidenceFixture>(fixture);

public sealed class PostgreSqlLocalEvidenceStorageTests(PostgreSqlLocalEvidenceFixture fixture) : EvidenceStorageTests<PostgreSqlLocalEvidenceFixture>(fixture);

public sealed class PostgreSqlAzuriteEvidenceStorageTests(PostgreSqlAzuriteEvidenceFixture fixture) : EvidenceStorageTests<PostgreSqlAzuriteEvidenceFixture>(fixture);
