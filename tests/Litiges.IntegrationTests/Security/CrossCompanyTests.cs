using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Litiges.CreditNotes;
using Litiges.Disputes;
using Litiges.Settlements;
using Litiges.Storage;
using Litiges.Testing;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Litiges.IntegrationTests.Security;

/// <summary>
/// A customer of Alpha probes every portal route that names an object — dispute (by id and by
/// reference), invoice, evidence file, credit note, colleague — with Beta's objects, reading and
/// posting with a valid session and token: every probe answers 404 and nothing of Beta changes.
/// The routes are listed from the portal's routing, so a new route taking an id must be probed here.
/// Messages, proposals and payment schedules have no route of their own in the portal: they are
/// reached through their dispute, which is probed with every handler.
/// </summary>
public abstract class CrossCompanyTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : LitigesFixture
{
    /// <summary>Endpoints that take an object from the form or the query rather than the route.</summary>
    private static readonly string[] IdsOutsideTheRoute = ["GET /Disputes/New", "POST /Disputes/New", "POST /Company/Users?handler=Remove", "POST /Company/Users?handler=Resend"];

    [Fact]
    public async Task A_customer_gets_404_for_every_object_of_another_company_on_every_route()
    {
        var beta = await BetaObjectsAsync();
        var alice = new Browser(fixture.Portal.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false }));
        Assert.Equal(HttpStatusCode.Redirect, (await alice.SignInAsync("alice@alpha.test")).StatusCode);
        var token = (await alice.GetPageAsync("/Company/Users")).QuerySelector<IHtmlInputElement>("input[name=__RequestVerificationToken]")!.Value;

        var endpoints = await AppEndpoints.ListAsync(fixture.Portal.Services);
        var withIds = endpoints.Where(e => e.Parameters.Count > 0 || IdsOutsideTheRoute.Contains(e.Key)).ToList();
        var probes = new Dictionary<string, Func<Task<HttpResponseMessage[]>>>(StringComparer.Ordinal)
        {
            ["GET /Disputes/Details/{id}"] = () => GetAllAsync(alice, $"/Disputes/Details/{beta.DisputeId}", $"/Disputes/Details/{beta.Reference}", $"/Disputes/Details/{beta.DisputeId}?confirm=withdraw"),
            ["GET /d/{id}"] = () => GetAllAsync(alice, $"/d/{beta.Reference}", $"/d/{beta.DisputeId}"),
            ["GET /Disputes/Submitted/{id:int}"] = () => GetAllAsync(alice, $"/Disputes/Submitted/{beta.DisputeId}"),
            ["GET /Disputes/Evidence/{id:int}"] = () => GetAllAsync(alice, $"/Disputes/Evidence/{beta.EvidenceId}"),
            ["GET /Invoices/Details/{id:int}"] = () => GetAllAsync(alice, $"/Invoices/Details/{beta.InvoiceId}"),
            ["GET /Invoices/Details/{id:int}?handler=Pdf"] = () => GetAllAsync(alice, $"/Invoices/Details/{beta.InvoiceId}?handler=Pdf"),
            ["GET /CreditNotes/Download/{id:int}"] = () => GetAllAsync(alice, $"/CreditNotes/Download/{beta.CreditNoteId}", $"/CreditNotes/Download/{beta.CreditNoteId}?format=xml"),
            ["GET /Disputes/New"] = () => GetAllAsync(alice, $"/Disputes/New?invoice={beta.InvoiceId}", $"/Disputes/New?invoice={fixture.Data.AlphaInvoices[1].Id}&invoice={beta.InvoiceId}"),
            ["POST /Disputes/New"] = async () => [await MultipartAsync(alice, "/Disputes/New", token, [("Input.Step", "1"), ("Input.Invoices[0].InvoiceId", $"{beta.InvoiceId}"), ("Input.Invoices[0].Whole", "true"), ("Go", "Next")])],
            ["POST /Company/Users?handler=Remove"] = async () => [await FormAsync(alice, "/Company/Users?handler=Remove", token, [("userId", beta.UserId)])],
            ["POST /Company/Users?handler=Resend"] = async () => [await FormAsync(alice, "/Company/Users?handler=Resend", token, [("userId", beta.UserId)])],
        };
        foreach (var handler in new[] { "Reply", "Upload", "Withdraw", "Accept", "Decline", "Reopen" })
        {
            probes[$"POST /Disputes/Details/{{id}}?handler={handler}"] = async () =>
            [
                await MultipartAsync(alice, $"/Disputes/Details/{beta.DisputeId}?handler={handler}", token, [("Input.Text", "Intrusion"), ("Input.Confirm", "true"), ("Input.Comment", "Intrusion"), ("Input.Reason", "Intrusion")]),
                await MultipartAsync(alice, $"/Disputes/Details/{beta.Reference}?handler={handler}", token, [("Input.Text", "Intrusion"), ("Input.Confirm", "true")]),
            ];
        }

        var unprobed = withIds.Select(e => e.Key).Where(k => !probes.ContainsKey(k)).ToList();
        Assert.True(unprobed.Count == 0, "Routes taking an object that no probe covers: " + string.Join(", ", unprobed));

        var leaks = new List<string>();
        foreach (var (key, probe) in probes)
        {
            foreach (var response in await probe())
            {
                var body = await response.Content.ReadAsStringAsync();
                if (response.StatusCode != HttpStatusCode.NotFound || body.Contains(beta.Reference, StringComparison.Ordinal) || body.Contains("FB-BETA", StringComparison.Ordinal))
                {
                    leaks.Add($"{key} {response.RequestMessage!.RequestUri}: {(int)response.StatusCode}");
                }
            }
        }

        Assert.True(leaks.Count == 0, AppEndpoints.Describe(leaks));
        var after = await fixture.WithDbAsync(db => db.Disputes.AsNoTracking().Include(d => d.Messages).Include(d => d.Evidence).SingleAsync(d => d.Id == beta.DisputeId));
        Assert.Equal(DisputeStatus.SettlementProposed, after.Status);
        Assert.DoesNotContain(after.Messages, m => m.Body.Contains("Intrusion", StringComparison.Ordinal));
        Assert.Single(after.Evidence);
        Assert.True(await fixture.WithDbAsync(db => db.Users.AnyAsync(u => u.Id == beta.UserId && u.IsActive)));
    }

    [Fact]
    public async Task A_file_sent_while_filing_cannot_be_discarded_by_another_user()
    {
        var bob = await Portal.PortalBrowser.SignInAsync(fixture.Portal, "bob@beta.test");
        var page = await bob.GetPageAsync($"/Disputes/New?invoice={fixture.Data.BetaInvoices[1].Id}");
        var sent = await bob.ScriptUploadAsync(page, "/Disputes/Files?handler=Upload", Portal.TestData.Pdf("bobs.pdf"));
        var json = System.Text.Json.JsonDocument.Parse(await sent.Content.ReadAsStringAsync()).RootElement.GetProperty("files")[0];
        var ticket = json.GetProperty("ticket").GetString()!;
        var blobs = fixture.Portal.Services.GetRequiredService<IBlobStore>();
        var before = await CountAsync(blobs);

        var alice = new Browser(fixture.Portal.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false }));
        Assert.Equal(HttpStatusCode.Redirect, (await alice.SignInAsync("alice@alpha.test")).StatusCode);
        var token = (await alice.GetPageAsync("/Company/Users")).QuerySelector<IHtmlInputElement>("input[name=__RequestVerificationToken]")!.Value;
        var refused = await FormAsync(alice, "/Disputes/Files?handler=Discard", token, [("ticket", ticket)]);

        // The answer is the same as for a file of her own, so that it tells her nothing; the file stays Bob's.
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Equal(before, await CountAsync(blobs));
        var bobId = await fixture.WithDbAsync(db => db.Users.Where(u => u.Email == "bob@beta.test").Select(u => u.Id).SingleAsync());
        using (var scope = fixture.Portal.Services.CreateScope())
        {
            Assert.NotNull(scope.ServiceProvider.GetRequiredService<Litiges.Storage.StagedEvidence>().Read(ticket, bobId));
        }

        // Bob himself can discard it: the check above would have seen it go.
        var bobToken = PortalToken(page);
        Assert.Equal(HttpStatusCode.OK, (await FormAsync(bob.Browser, "/Disputes/Files?handler=Discard", bobToken, [("ticket", ticket)])).StatusCode);
        Assert.Equal(before - 1, await CountAsync(blobs));
    }

    private static string PortalToken(AngleSharp.Dom.IDocument page) =>
        page.QuerySelector<IHtmlInputElement>("input[name=__RequestVerificationToken]")!.Value;

    private static async Task<int> CountAsync(IBlobStore blobs)
    {
        var count = 0;
        await foreach (var _ in blobs.ListAsync("evidence/", CancellationToken.None))
        {
            count++;
        }

        return count;
    }

    private static async Task<HttpResponseMessage[]> GetAllAsync(Browser browser, params string[] urls)
    {
        var responses = new List<HttpResponseMessage>();
        foreach (var url in urls)
        {
            responses.Add(await browser.GetAsync(url));
        }

        return [.. responses];
    }

    private static Task<HttpResponseMessage> FormAsync(Browser browser, string url, string token, (string Name, string Value)[] fields) =>
        browser.Client.PostAsync(new Uri(url, UriKind.Relative), new FormUrlEncodedContent([new("__RequestVerificationToken", token), .. fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))]));

    // The token first, as the portal's forms send it, then the fields and a file.
    private static Task<HttpResponseMessage> MultipartAsync(Browser browser, string url, string token, (string Name, string Value)[] fields)
    {
        var content = new MultipartFormDataContent { { new StringContent(token), "\"__RequestVerificationToken\"" } };
        foreach (var (name, value) in fields)
        {
            content.Add(new StringContent(value), $"\"{name}\"");
        }

        content.Add(new ByteArrayContent(Portal.TestData.Pdf("intrusion.pdf").Content), "\"files\"", "\"intrusion.pdf\"");
        return browser.Client.PostAsync(new Uri(url, UriKind.Relative), content);
    }

    // A dispute of Beta with a file and a proposal waiting for Beta's answer, and a credit note issued to Beta.
    private async Task<(int DisputeId, string Reference, int InvoiceId, int EvidenceId, int CreditNoteId, string UserId)> BetaObjectsAsync()
    {
        var betaId = fixture.Data.BetaId;
        var (noted, _, noteInvoice) = await Portal.TestData.NewDisputeAsync(fixture, betaId, 60m);
        var agent = new Actor("agent", "Agnès Agent", ActorRole.Agent);
        var customer = new Actor("bob", "Bob Beta", ActorRole.Customer, betaId);
        async Task ProposeAsync(int disputeId, int invoiceId, bool accept) =>
            await fixture.WithDbAsync(async db =>
            {
                var dispute = await db.Disputes.Include(d => d.Items).ThenInclude(i => i.Invoice).ThenInclude(i => i!.Lines)
                    .Include(d => d.Items).ThenInclude(i => i.Invoice).ThenInclude(i => i!.DunningBlocks).Include(d => d.Pauses).AsSplitQuery().SingleAsync(d => d.Id == disputeId);
                var now = DateTimeOffset.UtcNow;
                dispute.Acknowledge(agent, now);
                var limits = new DelegationLimits(await db.DelegationLimits.ToListAsync());
                dispute.ProposeSettlement(agent, new SettlementDraft(SettlementKind.CreditNote, "Avoir") { Credits = [new ProposedCredit(invoiceId, null, "Écart de prix", 1, 50m, 0.20m)] }, limits, 50m, now);
                if (accept)
                {
                    dispute.AcceptSettlement(customer, now, "127.0.0.1", "OK");
                }

                await db.SaveChangesAsync();
            });
        await ProposeAsync(noted, noteInvoice, accept: true);
        using (var scope = fixture.BackOffice.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<CreditNoteIssuer>().IssueForDisputeAsync(noted, new Actor("finance", "Fanny Finance", ActorRole.Finance));
        }

        var (id, reference, invoiceId) = await Portal.TestData.NewDisputeAsync(fixture, betaId, 60m);
        var blob = "evidence/2026/01/" + Guid.NewGuid().ToString("N");
        var content = Portal.TestData.Pdf("beta.pdf").Content;
        await fixture.Portal.Services.GetRequiredService<IBlobStore>().WriteAsync(blob, new MemoryStream(content), "application/pdf", CancellationToken.None);
        await Portal.TestData.ActAsync(fixture, id, (dispute, actor, now) =>
            dispute.AttachEvidence(customer, new StoredFile(blob, "beta.pdf", "application/pdf", content.Length, Portal.TestData.Sha256(content)), EvidenceVisibility.Shared, long.MaxValue, now));
        await ProposeAsync(id, invoiceId, accept: false);
        await Portal.TestData.AttachInvoicePdfAsync(fixture, invoiceId);

        return await fixture.WithDbAsync(async db => (
            id,
            reference,
            invoiceId,
            await db.Evidence.Where(e => e.DisputeId == id).Select(e => e.Id).SingleAsync(),
            await db.CreditNotes.Where(c => c.DisputeId == noted).Select(c => c.Id).FirstAsync(),
            await db.Users.Where(u => u.Email == "bob@beta.test").Select(u => u.Id).SingleAsync()));
    }
}

public sealed class SqliteCrossCompanyTests(SqliteFixture fixture) : CrossCompanyTests<SqliteFixture>(fixture);

public sealed class PostgreSqlCrossCompanyTests(PostgreSqlFixture fixture) : CrossCompanyTests<PostgreSqlFixture>(fixture);
