using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Litiges.IntegrationTests.Portal;
using Litiges.Testing;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using BackOfficeProgram = Litiges.BackOffice.Program;
using PortalProgram = Litiges.CustomerPortal.Program;

namespace Litiges.IntegrationTests.Faults;

/// <summary>
/// Blob storage that dies in the middle of an upload: the customer is told, no dispute is
/// half-made, and once storage is back it holds no orphan blob; filing then works.
/// </summary>
public sealed class BlobStorageOutageTests(SqliteFixture fixture) : IClassFixture<SqliteFixture>
{
    [Fact]
    public async Task Azurite_stopped_during_an_upload_gives_a_clear_error_no_half_dispute_and_no_orphan_blob()
    {
        await using var azurite = new PrivateAzurite();
        await azurite.StartAsync();
        var container = "outage-" + Guid.NewGuid().ToString("N")[..10];
        await using var portal = new AppFactory<PortalProgram>(fixture.Database, fixture.DataFolder, new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "AzureBlob",
            ["Storage:AzureBlob:ConnectionString"] = azurite.ConnectionString,
            ["Storage:AzureBlob:Container"] = container,
        });
        var (invoiceId, _) = await TestData.NewInvoiceAsync(fixture, fixture.Data.AlphaId);
        var alice = await PortalBrowser.SignInAsync(portal, "alice@alpha.test");
        var url = $"/Disputes/New?invoice={invoiceId}";
        var page = await alice.GetPageAsync(url);

        // A 12 MB file: storage goes down once 5 MB of it have been sent.
        var file = TestData.Pdf("relevé de livraison.pdf", 12 * 1024 * 1024);
        var upload = await UploadTrippingAsync(alice, page, "/Disputes/Files?handler=Upload", file, 5 * 1024 * 1024, azurite.Stop);
        Assert.Equal(HttpStatusCode.OK, upload.StatusCode);
        var result = JsonDocument.Parse(await upload.Content.ReadAsStringAsync()).RootElement.GetProperty("files")[0];
        Assert.False(result.GetProperty("ok").GetBoolean());
        Assert.Contains("le stockage des fichiers ne répond pas", result.GetProperty("message").GetString(), StringComparison.Ordinal);

        // Filing with the file while storage is still down: the customer stays on the evidence step, told why; nothing is created.
        var evidenceStep = await Wizard.ToEvidenceStepAsync(alice, await alice.GetPageAsync(url), url, new Dictionary<string, string?>());
        var refused = await Litiges.Testing.Browser.ParseAsync(await alice.SubmitAsync(PortalBrowser.Form(evidenceStep), url, null, "Next", [TestData.Pdf("bon.pdf")]));
        Assert.Equal(3, Wizard.VisibleStep(refused));
        Assert.Contains("ne répond pas", refused.QuerySelector("#file-errors")!.TextContent, StringComparison.Ordinal);
        Assert.False(await fixture.WithDbAsync(db => db.DisputedItems.AnyAsync(i => i.InvoiceId == invoiceId)));

        // Storage comes back: no blob was left behind, committed or not.
        await azurite.StartAsync();
        var blobs = new BlobContainerClient(azurite.ConnectionString, container);
        var left = new List<string>();
        if (await blobs.ExistsAsync())
        {
            await foreach (var item in blobs.GetBlobsAsync(new GetBlobsOptions { States = BlobStates.Uncommitted }))
            {
                left.Add(item.Name + (item.Properties.ContentLength is { } length ? $" ({length} bytes)" : string.Empty));
            }
        }

        Assert.True(left.Count == 0, "Left in storage: " + string.Join(", ", left));

        // And the same customer files the dispute with the file.
        var evidence = await Wizard.ToEvidenceStepAsync(alice, await alice.GetPageAsync(url), url, new Dictionary<string, string?>());
        var review = await Litiges.Testing.Browser.ParseAsync(await alice.SubmitAsync(PortalBrowser.Form(evidence), url, null, "Next", [file]));
        Assert.True(Wizard.VisibleStep(review) == 4, review.QuerySelector("#file-errors")?.TextContent);
        var submitted = await alice.SubmitAsync(PortalBrowser.Form(review), url, null, "Submit");
        Assert.Equal(HttpStatusCode.Redirect, submitted.StatusCode);
        var id = Wizard.IdFromLocation(submitted);
        var stored = await fixture.WithDbAsync(db => db.Evidence.Where(e => e.DisputeId == id).Select(e => new { e.BlobName, e.Sha256 }).SingleAsync());
        Assert.Equal(TestData.Sha256(file.Content), stored.Sha256);
        Assert.True(await blobs.GetBlobClient(stored.BlobName).ExistsAsync());
    }

    // Sends the file as the upload script does, pulling the plug after tripAt bytes of it.
    private static async Task<HttpResponseMessage> UploadTrippingAsync(PortalBrowser browser, IDocument page, string url, UploadFile file, long tripAt, Action trip)
    {
        var token = page.QuerySelector<IHtmlInputElement>("input[name=__RequestVerificationToken]")!.Value;
        var part = new StreamContent(new TrippingStream(file.Content, tripAt, trip), 64 * 1024);
        part.Headers.ContentType = MediaTypeHeaderValue.Parse(file.ContentType);
        var content = new MultipartFormDataContent { { part, "\"files\"", "\"" + file.FileName + "\"" } };
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(url, UriKind.Relative)) { Content = content };
        request.Headers.Add("RequestVerificationToken", token);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return await browser.Client.SendAsync(request);
    }

    private sealed class TrippingStream(byte[] content, long tripAt, Action trip) : MemoryStream(content, writable: false)
    {
        private bool _tripped;

        public override int Read(byte[] buffer, int offset, int count) => Trip(base.Read(buffer, offset, count));

        public override int Read(Span<byte> buffer) => Trip(base.Read(buffer));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Trip(await base.ReadAsync(buffer, cancellationToken));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        private int Trip(int read)
        {
            if (!_tripped && Position >= tripAt)
            {
                _tripped = true;
                trip();
            }

            return read;
        }
    }
}

/// <summary>
/// The database stops answering (its connections cut, new ones refused): pages answer a friendly
/// error (503, no stack trace), a post made meanwhile leaves nothing behind, and the app recovers
/// by itself once the database is back.
/// </summary>
public sealed class DatabaseOutageTests(PostgreSqlFixture fixture) : IClassFixture<PostgreSqlFixture>
{
    [Fact]
    public async Task With_the_database_down_pages_say_so_without_a_trace_nothing_is_half_saved_and_the_app_recovers()
    {
        var server = new NpgsqlConnectionStringBuilder(fixture.Database.ConnectionString);
        using var relay = new OutageRelay(server.Port);
        relay.Up();
        var relayed = new NpgsqlConnectionStringBuilder(fixture.Database.ConnectionString) { Port = relay.Port, Timeout = 3, CommandTimeout = 5 }.ConnectionString;
        await using var portal = new AppFactory<PortalProgram>(fixture.Database, fixture.DataFolder, new Dictionary<string, string?> { ["ConnectionStrings:Litiges"] = relayed });
        var (disputeId, _, _) = await TestData.NewDisputeAsync(fixture, fixture.Data.AlphaId);
        await using var backOffice = new AppFactory<BackOfficeProgram>(fixture.Database, fixture.DataFolder, new Dictionary<string, string?> { ["ConnectionStrings:Litiges"] = relayed });
        var alice = await PortalBrowser.SignInAsync(portal, "alice@alpha.test");
        var admin = new Litiges.Testing.Browser(backOffice.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false }));
        Assert.Equal(HttpStatusCode.Redirect, (await admin.SignInAsync("admin@staff.test")).StatusCode);
        var url = $"/Disputes/Details/{disputeId}";
        var page = await alice.GetPageAsync(url);
        Assert.Equal(HttpStatusCode.OK, (await alice.GetAsync("/Invoices")).StatusCode);

        relay.Down();

        // The back office's menu (with its parked-message count for administrators) is drawn on the error page too.
        Func<string, Task<HttpResponseMessage>> customer = alice.GetAsync, staff = admin.GetAsync;
        foreach (var (get, down) in new[] { (customer, "/Invoices"), (customer, url), (customer, "/Disputes"), (staff, "/Staff"), (staff, "/Outbox") })
        {
            var response = await get(down);
            var html = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{down}: {response.StatusCode} {response.Headers.Location}");
            Assert.True(response.Headers.Contains("Retry-After"));
            var shown = await Litiges.Testing.Browser.ParseAsync(new HttpResponseMessage { Content = new StringContent(html) });
            Assert.True(shown.QuerySelector("[data-error=unavailable]")?.TextContent.Contains("la base de données ne répond pas", StringComparison.Ordinal) == true, $"{down}: {Litiges.Testing.Browser.Text(shown)}");
            Assert.DoesNotContain("Npgsql", html, StringComparison.Ordinal);
            Assert.DoesNotContain("Exception", html, StringComparison.Ordinal);
            Assert.DoesNotMatch(@"\bat Litiges\.", html);
        }

        var reply = await alice.SubmitAsync(PortalBrowser.Form(page, "Reply"), url, new Dictionary<string, string?> { ["Input.Text"] = "Envoyé pendant la panne" });
        Assert.Equal(HttpStatusCode.ServiceUnavailable, reply.StatusCode);

        relay.Up();

        // Back by itself: the pool's dead connections are replaced on the next requests.
        HttpResponseMessage? recovered = null;
        for (var attempt = 0; attempt < 5 && recovered?.StatusCode != HttpStatusCode.OK; attempt++)
        {
            recovered = await alice.GetAsync("/Invoices");
        }

        Assert.Equal(HttpStatusCode.OK, recovered!.StatusCode);
        var messages = await fixture.WithDbAsync(db => db.DisputeMessages.Where(m => m.DisputeId == disputeId).Select(m => m.Body).ToListAsync());
        Assert.DoesNotContain("Envoyé pendant la panne", messages);
        var history = await fixture.WithDbAsync(db => db.Disputes.Where(d => d.Id == disputeId).Select(d => d.HistoryCount).SingleAsync());
        Assert.Equal(1, history);

        var after = await alice.SubmitAsync(PortalBrowser.Form(await alice.GetPageAsync(url), "Reply"), url, new Dictionary<string, string?> { ["Input.Text"] = "Envoyé après la panne" });
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.Contains("Envoyé après la panne", await fixture.WithDbAsync(db => db.DisputeMessages.Where(m => m.DisputeId == disputeId).Select(m => m.Body).ToListAsync()));
    }
}
