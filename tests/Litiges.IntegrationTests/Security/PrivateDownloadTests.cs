using System.Net;
using System.Text;
using Litiges.CreditNotes;
using Litiges.Customers;
using Litiges.Disputes;
using Litiges.Integration;
using Litiges.Kpis;
using Litiges.Settlements;
using Litiges.Storage;
using Litiges.Testing;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Litiges.IntegrationTests.Security;

/// <summary>
/// Every private download and export of both apps and the API, each on its real route: the
/// handler's own <c>sandbox</c> policy survives the global security headers, and nothing is kept
/// in a cache (<c>no-store</c>). The CSV export writes a customer's name that starts like a
/// formula as text.
/// </summary>
public sealed class PrivateDownloadTests(SqliteFixture fixture) : IClassFixture<SqliteFixture>
{
    private const string FormulaName = "-2+3+cmd|' /C calc'!A0";

    [Fact]
    public async Task Every_private_download_keeps_its_sandbox_and_is_not_stored()
    {
        var objects = await ObjectsAsync();
        var alice = await SignInAsync(fixture.Portal.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false }), "alice@alpha.test");
        var credit = await SignInAsync(fixture.BackOffice.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false }), "credit@staff.test");
        var admin = await SignInAsync(fixture.BackOffice.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false }), "admin@staff.test");
        var api = await ApiAsync();
        var downloads = new (string Name, HttpClient Client, string Url)[]
        {
            ("portal evidence", alice.Client, $"/Disputes/Evidence/{objects.EvidenceId}"),
            ("portal credit note PDF", alice.Client, $"/CreditNotes/Download/{objects.CreditNoteId}"),
            ("portal credit note XML", alice.Client, $"/CreditNotes/Download/{objects.CreditNoteId}?format=xml"),
            ("portal personal data", alice.Client, "/Account/Manage/PersonalData?handler=Download"),
            ("back-office evidence", credit.Client, $"/Disputes/Evidence/{objects.DisputeId}/{objects.EvidenceId}"),
            ("back-office case file", credit.Client, $"/Disputes/Export/{objects.DisputeId}"),
            ("back-office credit note PDF", credit.Client, $"/CreditNotes/Download/{objects.CreditNoteId}"),
            ("back-office credit note XML", credit.Client, $"/CreditNotes/Download/{objects.CreditNoteId}?format=xml"),
            ("back-office KPI CSV", credit.Client, "/Dashboard?handler=Csv&table=Customers"),
            ("back-office queue CSV", credit.Client, "/Disputes?handler=Csv"),
            ("back-office KPI report", credit.Client, "/Dashboard/Report?Period=2026-w01&Language=fr"),
            ("back-office personal data", credit.Client, "/Account/Manage/PersonalData?handler=Download"),
            ("back-office personal data of a user", admin.Client, $"/Staff/Privacy?handler=Export&userId={objects.AliceId}"),
            ("API credit note PDF", api, $"/api/v1/credit-notes/{objects.CreditNoteNumber}/pdf"),
            ("API credit note XML", api, $"/api/v1/credit-notes/{objects.CreditNoteNumber}/xml"),
        };

        var failures = new List<string>();
        foreach (var (name, client, url) in downloads)
        {
            using var response = await client.GetAsync(new Uri(url, UriKind.Relative));
            var csp = response.Headers.TryGetValues("Content-Security-Policy", out var policies) ? string.Join(' ', policies) : string.Empty;
            var cache = response.Headers.CacheControl;
            if (response.StatusCode != HttpStatusCode.OK || !csp.Contains("sandbox", StringComparison.Ordinal) || csp.Contains("script-src", StringComparison.Ordinal) || cache?.NoStore != true)
            {
                failures.Add($"{name} ({url}): {(int)response.StatusCode}, CSP '{csp}', Cache-Control '{cache}'");
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));

        // An ordinary page still gets the site's policy.
        var page = await alice.GetAsync("/Disputes");
        Assert.Contains("script-src 'self'", string.Join(' ', page.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_kpi_csv_writes_a_customer_name_that_looks_like_a_formula_as_text()
    {
        await FormulaCustomerAsync();
        var credit = await SignInAsync(fixture.BackOffice.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false }), "credit@staff.test");
        var response = await credit.GetAsync("/Dashboard?handler=Csv&table=Customers");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var csv = Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync());
        var line = csv.Split("\r\n").Single(l => l.Contains("cmd|", StringComparison.Ordinal));
        Assert.StartsWith("'" + FormulaName + ";", line, StringComparison.Ordinal);

        // Its figures stay numbers (a count, then an amount), not text.
        var fields = line[(FormulaName.Length + 2)..].Split(';');
        Assert.All(fields, f => Assert.Matches(@"^-?\d+([.,]\d+)?$", f));
    }

    private static async Task<Browser> SignInAsync(HttpClient client, string email)
    {
        var browser = new Browser(client);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SignInAsync(email)).StatusCode);
        return browser;
    }

    private async Task<HttpClient> ApiAsync()
    {
        var key = await fixture.WithDbAsync(async db =>
        {
            var (client, key) = ApiClient.Create("Downloads-" + Guid.NewGuid().ToString("N")[..8], ApiScopes.Read, "Adam Admin", DateTimeOffset.UtcNow);
            db.ApiClients.Add(client);
            await db.SaveChangesAsync();
            return key;
        });
        var http = fixture.BackOffice.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        return http;
    }

    // A dispute of Alpha with a file, a credit note issued to Alpha, a stored KPI report.
    private async Task<(int DisputeId, int EvidenceId, int CreditNoteId, string CreditNoteNumber, string AliceId)> ObjectsAsync()
    {
        var alphaId = fixture.Data.AlphaId;
        var (noted, _, noteInvoice) = await Portal.TestData.NewDisputeAsync(fixture, alphaId, 60m);
        var customer = new Actor("alice", "Alice Alpha", ActorRole.Customer, alphaId);
        await fixture.WithDbAsync(async db =>
        {
            var dispute = await db.Disputes.Include(d => d.Items).ThenInclude(i => i.Invoice).ThenInclude(i => i!.Lines)
                .Include(d => d.Items).ThenInclude(i => i.Invoice).ThenInclude(i => i!.DunningBlocks).Include(d => d.Pauses).AsSplitQuery().SingleAsync(d => d.Id == noted);
            var now = DateTimeOffset.UtcNow;
            var agent = new Actor("agent", "Agnès Agent", ActorRole.Agent);
            dispute.Acknowledge(agent, now);
            var limits = new DelegationLimits(await db.DelegationLimits.ToListAsync());
            dispute.ProposeSettlement(agent, new SettlementDraft(SettlementKind.CreditNote, "Avoir") { Credits = [new ProposedCredit(noteInvoice, null, "Écart de prix", 1, 50m, 0.20m)] }, limits, 50m, now);
            dispute.AcceptSettlement(customer, now, "127.0.0.1", "OK");
            await db.SaveChangesAsync();
        });
        using (var scope = fixture.BackOffice.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<CreditNoteIssuer>().IssueForDisputeAsync(noted, new Actor("finance", "Fanny Finance", ActorRole.Finance));
        }

        var (id, _, _) = await Portal.TestData.NewDisputeAsync(fixture, alphaId);
        var blob = "evidence/2026/01/" + Guid.NewGuid().ToString("N");
        var content = Portal.TestData.Pdf("bl.pdf").Content;
        var store = fixture.BackOffice.Services.GetRequiredService<IBlobStore>();
        await store.WriteAsync(blob, new MemoryStream(content), "application/pdf", CancellationToken.None);
        await store.WriteAsync(KpiReportPeriod.BlobName("2026-w01", "fr"), new MemoryStream("%PDF-1.7 rapport"u8.ToArray()), "application/pdf", CancellationToken.None);
        await Portal.TestData.ActAsync(fixture, id, (dispute, agent, now) =>
            dispute.AttachEvidence(customer, new StoredFile(blob, "bl.pdf", "application/pdf", content.Length, Portal.TestData.Sha256(content)), EvidenceVisibility.Shared, long.MaxValue, now));

        return await fixture.WithDbAsync(async db => (
            id,
            await db.Evidence.Where(e => e.DisputeId == id).Select(e => e.Id).SingleAsync(),
            await db.CreditNotes.Where(c => c.DisputeId == noted).Select(c => c.Id).FirstAsync(),
            await db.CreditNotes.Where(c => c.DisputeId == noted).Select(c => c.Number).FirstAsync(),
            await db.Users.Where(u => u.Email == "alice@alpha.test").Select(u => u.Id).SingleAsync()));
    }

    // A customer whose name a spreadsheet would run as a formula, with a dispute so that the dashboard lists it.
    private async Task FormulaCustomerAsync()
    {
        var formulaId = await fixture.WithDbAsync(async db =>
        {
            var named = new CustomerAccount("C-FORMULA", FormulaName, "443061841", "FR00443061841", new PostalAddress("3 rue du Tableur", null, "75002", "Paris", "France"));
            db.CustomerAccounts.Add(named);
            await db.SaveChangesAsync();
            return named.Id;
        });
        await Portal.TestData.NewDisputeAsync(fixture, formulaId);
    }
}
