using System.Net;
using System.Net.Http.Json;
using System.Text;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Litiges.Disputes;
using Litiges.EInvoicing;
using Litiges.IntegrationTests.Api;
using Litiges.IntegrationTests.Portal;
using Litiges.Testing;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Litiges.IntegrationTests.EInvoicing;

/// <summary>
/// Lifecycle statuses from the PA, sent as the connector sends them (API, drop folder), built from
/// the hand-written samples of the published code lists: what they open or update, that each counts
/// once, and that what cannot be acted on is refused, parked and leaves nothing else behind.
/// </summary>
public abstract class PlatformStatusTests<TFixture>(TFixture fixture) : ApiScenario<TFixture>(fixture), IClassFixture<TFixture>
    where TFixture : LitigesFixture
{
    private const string Statuses = "/api/v1/einvoicing/statuses";

    private static string Sample(string name, string message, string invoice) =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "EInvoicing", "Samples", name))
            .Replace("{{message}}", message, StringComparison.Ordinal)
            .Replace("{{invoice}}", invoice, StringComparison.Ordinal);

    private static Task<HttpResponseMessage> SendAsync(HttpClient api, string xml, string mediaType = "application/xml") =>
        api.PostAsync(new Uri(Statuses, UriKind.Relative), new StringContent(xml, Encoding.UTF8, mediaType));

    private Task<List<Dispute>> DisputesOnAsync(string invoiceNumber) =>
        Fixture.WithDbAsync(db => db.Disputes.AsNoTracking()
            .Include(d => d.Items)
            .Include(d => d.History)
            .Where(d => d.Items.Any(i => i.Invoice!.Number == invoiceNumber))
            .ToListAsync());

    private Task<PlatformStatusMessage?> MessageAsync(string key) =>
        Fixture.WithDbAsync(db => db.PlatformStatusMessages.AsNoTracking().SingleOrDefaultAsync(m => m.MessageKey == key));

    private Task<int?> LifecycleAsync(string invoiceNumber) =>
        Fixture.WithDbAsync(db => db.InvoiceLifecycles.Where(l => db.Invoices.Any(i => i.Id == l.InvoiceId && i.Number == invoiceNumber)).Select(l => (int?)l.StatusCode).SingleOrDefaultAsync());

    private Task<int> AlertsAsync(string reference) =>
        CountAsync(db => db.Outbox.Where(m => m.Kind == "PlatformStatusAlert" && m.Recipient == "agent@staff.test" && m.Subject.Contains(reference)));

    [Fact]
    public async Task A_dispute_status_on_a_line_opens_a_dispute_from_the_platform_once_however_often_it_comes()
    {
        var api = await WriterAsync();
        var (_, invoice) = await NewInvoiceAsync(api);
        var message = Unique("CDAR-");
        var xml = Sample("207-en-litige-ligne.xml", message, invoice);

        var first = await JsonAsync(await SendAsync(api, xml), HttpStatusCode.OK);
        var again = await SendAsync(api, xml);

        var reference = first.GetProperty("disputeReference").GetString();
        Assert.Equal("Applied", first.GetProperty("outcome").GetString());
        Assert.Equal(reference, (await JsonAsync(again, HttpStatusCode.OK)).GetProperty("disputeReference").GetString());
        Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());
        var dispute = Assert.Single(await DisputesOnAsync(invoice));
        Assert.Equal((reference, DisputeSource.EInvoicingPlatform, "FAC", 240.00m), (dispute.Reference, dispute.Source, dispute.ReasonCode, dispute.DisputedAmount));
        Assert.NotNull(Assert.Single(dispute.Items).InvoiceLineId);
        Assert.Contains("QTE_ERR", dispute.Description, StringComparison.Ordinal);
        Assert.Equal(1, await AlertsAsync(reference!));
        Assert.Equal(207, await LifecycleAsync(invoice));
        Assert.Equal(1, await CountAsync(db => db.PlatformStatusMessages.Where(m => m.MessageKey == message)));
    }

    [Fact]
    public async Task A_dispute_the_platform_opens_is_announced_by_the_DisputeOpened_webhook_like_any_other()
    {
        var url = await TestData.SubscribeAsync(Fixture, Litiges.Integration.WebhookEvent.DisputeOpened);
        var api = await WriterAsync();
        var (_, invoice) = await NewInvoiceAsync(api);

        var applied = await JsonAsync(await SendAsync(api, Sample("207-en-litige-ligne.xml", Unique("CDAR-"), invoice)), HttpStatusCode.OK);

        var reference = applied.GetProperty("disputeReference").GetString();
        var hook = await Fixture.WithDbAsync(db => db.Outbox.AsNoTracking().SingleAsync(m => m.Recipient == url.ToString()));
        Assert.Equal("DisputeOpened", hook.Kind);
        Assert.Contains($"\"reference\":\"{reference}\"", hook.TextBody, StringComparison.Ordinal);
        Assert.Contains("\"source\":\"EInvoicingPlatform\"", hook.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Later_statuses_on_an_invoice_in_dispute_go_into_its_history_without_a_second_dispute()
    {
        var api = await WriterAsync();
        var (_, invoice) = await NewInvoiceAsync(api);
        var reference = (await JsonAsync(await SendAsync(api, Sample("207-en-litige-ligne.xml", Unique("CDAR-"), invoice)), HttpStatusCode.OK)).GetProperty("disputeReference").GetString();

        var refused = await JsonAsync(await SendAsync(api, Sample("210-refusee.xml", Unique("CDAR-"), invoice)), HttpStatusCode.OK);
        var approved = await JsonAsync(await SendAsync(api, Sample("205-approuvee.xml", Unique("CDAR-"), invoice)), HttpStatusCode.OK);

        Assert.Equal(reference, refused.GetProperty("disputeReference").GetString());
        Assert.Equal(reference, approved.GetProperty("disputeReference").GetString());
        var dispute = Assert.Single(await DisputesOnAsync(invoice));
        var platform = dispute.History.Where(h => h.Action == DisputeAction.PlatformStatusReceived).OrderBy(h => h.Sequence).Select(h => h.Text!).ToList();
        Assert.Equal(2, platform.Count);
        Assert.StartsWith("PA 210 Refusée — DOUBLON", platform[0], StringComparison.Ordinal);
        Assert.StartsWith("PA 205 Approuvée", platform[1], StringComparison.Ordinal);
        Assert.Null(dispute.FirstBrokenHistoryEntry());
        Assert.Equal(2, await AlertsAsync(reference!)); // opened, refused; an approval does not alert
        Assert.Equal(205, await LifecycleAsync(invoice));
    }

    [Fact]
    public async Task A_refusal_without_amount_contests_what_the_invoice_still_owes()
    {
        var api = await WriterAsync();
        var (_, invoice) = await NewInvoiceAsync(api);

        await JsonAsync(await SendAsync(api, Sample("210-refusee.xml", Unique("CDAR-"), invoice)), HttpStatusCode.OK);

        var dispute = Assert.Single(await DisputesOnAsync(invoice));
        Assert.Equal(1200.00m, dispute.DisputedAmount);
        Assert.Null(Assert.Single(dispute.Items).InvoiceLineId);
        Assert.Equal(1200.00m, await Fixture.WithDbAsync(db => db.Invoices.Where(i => i.Number == invoice).Select(i => i.BlockedAmount).SingleAsync()));
    }

    [Fact]
    public async Task A_status_on_an_unknown_invoice_is_refused_parked_and_applied_when_sent_again_after_the_import()
    {
        var api = await WriterAsync();
        var customer = Unique("C-");
        var invoice = Unique("F-");
        var message = Unique("CDAR-");
        var xml = Sample("210-refusee.xml", message, invoice);

        var problem = await ProblemAsync(await SendAsync(api, xml), HttpStatusCode.UnprocessableEntity);

        Assert.Contains(invoice, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var parked = await MessageAsync(message);
        Assert.Equal(problem.GetProperty("parkedId").GetInt64(), parked!.Id);
        Assert.Equal((StatusOutcome.Parked, "EInvoicing.Park.UnknownInvoice"), (parked.Outcome, parked.ParkReason));

        (await api.PutAsJsonAsync($"/api/v1/customers/{customer}", Customer())).EnsureSuccessStatusCode();
        await JsonAsync(await api.PutAsJsonAsync($"/api/v1/invoices/{invoice}", Invoice(customer)), HttpStatusCode.Created);
        var applied = await JsonAsync(await SendAsync(api, xml), HttpStatusCode.OK);

        Assert.Equal("Applied", applied.GetProperty("outcome").GetString());
        var after = await MessageAsync(message);
        Assert.Equal((StatusOutcome.Applied, 2, null), (after!.Outcome, after.Attempts, after.ParkReason));
        Assert.Single(await DisputesOnAsync(invoice));
    }

    [Fact]
    public async Task Unknown_statuses_other_sellers_and_broken_xml_are_refused_and_parked_with_nothing_else_written()
    {
        var api = await WriterAsync();
        var (_, invoice) = await NewInvoiceAsync(api);
        var unknownStatus = Unique("CDAR-");
        var otherSeller = Unique("CDAR-");
        var broken = Sample("malformed.xml", Unique("CDAR-"), invoice);

        await ProblemAsync(await SendAsync(api, Sample("228-statut-non-traite.xml", unknownStatus, invoice)), HttpStatusCode.UnprocessableEntity);
        await ProblemAsync(await SendAsync(api, Sample("207-autre-vendeur.xml", otherSeller, invoice)), HttpStatusCode.UnprocessableEntity);
        var malformed = await ProblemAsync(await SendAsync(api, broken), HttpStatusCode.BadRequest);
        await ProblemAsync(await SendAsync(api, broken, "text/xml"), HttpStatusCode.BadRequest);
        await ProblemAsync(await SendAsync(api, "{\"status\":207}", "application/json"), HttpStatusCode.UnsupportedMediaType);

        Assert.Equal("EInvoicing.Park.UnknownStatus", (await MessageAsync(unknownStatus))!.ParkReason);
        Assert.Equal("EInvoicing.Park.NotOurInvoice", (await MessageAsync(otherSeller))!.ParkReason);
        var brokenRecord = await MessageAsync(malformed.GetProperty("messageId").GetString()!);
        Assert.Equal(("EInvoicing.Park.Malformed", 2), (brokenRecord!.ParkReason, brokenRecord.Attempts));
        Assert.StartsWith("sha256:", brokenRecord.MessageKey, StringComparison.Ordinal);
        Assert.Empty(await DisputesOnAsync(invoice));
        Assert.Null(await LifecycleAsync(invoice));
    }

    [Fact]
    public async Task An_amount_the_dispute_rules_refuse_leaves_nothing_half_written()
    {
        var api = await WriterAsync();
        var (_, invoice) = await NewInvoiceAsync(api, ("Conseil", 1, 100m, 0.20m)); // 120,00 € incl. VAT
        var message = Unique("CDAR-");
        var outbox = await CountAsync(db => db.Outbox);

        var problem = await ProblemAsync(await SendAsync(api, Sample("206-approuvee-partiellement.xml", message, invoice)), HttpStatusCode.UnprocessableEntity);

        Assert.Contains(invoice, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("Error.Dispute.AmountExceedsOpenBalance", (await MessageAsync(message))!.ParkReason);
        Assert.Empty(await DisputesOnAsync(invoice));
        Assert.Null(await LifecycleAsync(invoice));
        Assert.Equal(0m, await Fixture.WithDbAsync(db => db.Invoices.Where(i => i.Number == invoice).Select(i => i.BlockedAmount).SingleAsync()));
        Assert.Equal(outbox, await CountAsync(db => db.Outbox));
    }

    [Fact]
    public async Task A_file_dropped_in_the_inbox_is_processed_once_and_moved_aside()
    {
        var api = await WriterAsync();
        var (_, invoice) = await NewInvoiceAsync(api);
        var folder = Path.Combine(Fixture.DataFolder, "einvoicing-" + Guid.NewGuid().ToString("N"));
        var exchange = Exchange(new EInvoicingOptions { InboxFolder = Path.Combine(folder, "in"), OutboxFolder = Path.Combine(folder, "out") });
        Directory.CreateDirectory(exchange.InboxFolder);
        var xml = Sample("208-suspendue.xml", Unique("CDAR-"), invoice);

        await File.WriteAllTextAsync(Path.Combine(exchange.InboxFolder, "status-1.xml"), xml);
        await File.WriteAllTextAsync(Path.Combine(exchange.InboxFolder, "broken.xml"), Sample("malformed.xml", "x", invoice));
        var first = await exchange.RunOnceAsync(DateTimeOffset.UtcNow);
        await File.WriteAllTextAsync(Path.Combine(exchange.InboxFolder, "status-1-again.xml"), xml);
        var second = await exchange.RunOnceAsync(DateTimeOffset.UtcNow);

        Assert.Equal((2, 1), (first.Received, first.Parked));
        Assert.Equal((1, 0), (second.Received, second.Parked));
        Assert.Empty(Directory.GetFiles(exchange.InboxFolder));
        Assert.Equal(2, Directory.GetFiles(Path.Combine(exchange.InboxFolder, "processed")).Length);
        Assert.Single(Directory.GetFiles(Path.Combine(exchange.InboxFolder, "parked")));
        var dispute = Assert.Single(await DisputesOnAsync(invoice));
        Assert.Equal("FAC", dispute.ReasonCode); // JUSTIF_ABS: a supporting document is missing
    }

    [Fact]
    public async Task A_payment_is_reported_once_as_212_in_the_outbox_folder_and_the_feed()
    {
        var api = await WriterAsync();
        var (_, invoice) = await NewInvoiceAsync(api);
        await JsonAsync(await api.PostAsJsonAsync("/api/v1/payments", new { invoiceNumber = invoice, reference = "VIR-1", amount = 600m, receivedOn = "2026-11-20" }), HttpStatusCode.Created);
        var folder = Path.Combine(Fixture.DataFolder, "einvoicing-" + Guid.NewGuid().ToString("N"));
        var exchange = Exchange(new EInvoicingOptions { ReportPaymentsReceived = true, ReportSince = new DateOnly(2026, 9, 1), InboxFolder = Path.Combine(folder, "in"), OutboxFolder = Path.Combine(folder, "out") });

        await exchange.RunOnceAsync(DateTimeOffset.UtcNow);
        await exchange.RunOnceAsync(DateTimeOffset.UtcNow);

        var sent = await Fixture.WithDbAsync(db => db.SellerStatusMessages.AsNoTracking().Where(m => m.InvoiceNumber == invoice).ToListAsync());
        var status = Assert.Single(sent);
        Assert.NotNull(status.DeliveredAt);
        var file = await File.ReadAllTextAsync(Path.Combine(exchange.OutboxFolder, status.FileName));
        var (read, _) = Cdar.Read(file);
        Assert.Equal((212, invoice, 600m), (read!.StatusCode, read.InvoiceNumber, read.Amounts.Sum(a => a.Amount)));

        var feed = await JsonAsync(await Api((await NewClientAsync(Integration.ApiScopes.Read)).Key).GetAsync(new Uri($"/api/v1/einvoicing/statuses/outgoing?after={status.Id - 1}", UriKind.Relative)), HttpStatusCode.OK);
        var first = feed.EnumerateArray().First();
        Assert.Equal((invoice, 212), (first.GetProperty("invoiceNumber").GetString(), first.GetProperty("statusCode").GetInt32()));
        Assert.Equal(file, first.GetProperty("xml").GetString());
    }

    [Fact]
    public async Task Agents_see_parked_messages_with_their_reason_and_set_them_aside_finance_may_only_look()
    {
        var api = await WriterAsync();
        var invoice = Unique("F-");
        var message = Unique("CDAR-");
        await ProblemAsync(await SendAsync(api, Sample("210-refusee.xml", message, invoice)), HttpStatusCode.UnprocessableEntity);
        var agent = await StaffAsync("agent@staff.test");
        var finance = await StaffAsync("finance@staff.test");

        var page = await agent.GetPageAsync("/EInvoicing/Parked");
        var row = page.QuerySelectorAll("#parked-messages tr[data-message]").Single(r => r.TextContent.Contains(message, StringComparison.Ordinal));
        Assert.Contains($"La facture {invoice} est inconnue ici", Browser.Text(page), StringComparison.Ordinal);
        var financePage = await finance.GetPageAsync("/EInvoicing/Parked");
        Assert.Empty(financePage.QuerySelectorAll("#parked-messages form"));
        var id = row.GetAttribute("data-message");
        var crafted = await finance.Client.PostAsync(new Uri($"/EInvoicing/Parked?handler=Dismiss&messageId={id}", UriKind.Relative), new FormUrlEncodedContent([new("__RequestVerificationToken", FinanceToken(financePage))]));
        Assert.True(
            crafted.StatusCode == HttpStatusCode.Forbidden || crafted.Headers.Location?.ToString().Contains("/Account/AccessDenied", StringComparison.Ordinal) == true,
            $"Finance set a message aside: {(int)crafted.StatusCode} {crafted.Headers.Location}");
        Assert.Equal(StatusOutcome.Parked, (await MessageAsync(message))!.Outcome);

        var dismissed = await agent.PostFormAsync(row.QuerySelector<IHtmlFormElement>("form")!, "/EInvoicing/Parked", new Dictionary<string, string>());

        Assert.Equal(HttpStatusCode.Redirect, dismissed.StatusCode);
        Assert.Equal(StatusOutcome.Dismissed, (await MessageAsync(message))!.Outcome);
        var after = await agent.GetPageAsync("/EInvoicing/Parked");
        Assert.Contains(message, Browser.Text(after), StringComparison.Ordinal); // the confirmation names it
        Assert.DoesNotContain(after.QuerySelectorAll("tr[data-message]"), r => r.TextContent.Contains(message, StringComparison.Ordinal));
    }

    private static string FinanceToken(IDocument page) =>
        page.QuerySelectorAll<IHtmlInputElement>("input[name=__RequestVerificationToken]").Select(i => i.Value).FirstOrDefault()
        ?? throw new InvalidOperationException("The page has no antiforgery token.");

    private async Task<Browser> StaffAsync(string email)
    {
        var browser = new Browser(Fixture.BackOffice.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false }));
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SignInAsync(email)).StatusCode);
        return browser;
    }

    private PlatformExchange Exchange(EInvoicingOptions options)
    {
        var services = Fixture.BackOffice.Services;
        return new PlatformExchange(
            services.GetRequiredService<IServiceScopeFactory>(),
            TimeProvider.System,
            Options.Create(options),
            services.GetRequiredService<IConfiguration>(),
            services.GetRequiredService<IHostEnvironment>(),
            NullLogger<PlatformExchange>.Instance);
    }
}

public sealed class SqlitePlatformStatusTests(SqliteFixture fixture) : PlatformStatusTests<SqliteFixture>(fixture);

public sealed class PostgreSqlPlatformStatusTests(PostgreSqlFixture fixture) : PlatformStatusTests<PostgreSqlFixture>(fixture);
