using System.Net;
using System.Net.Http.Headers;
using AngleSharp.Dom;
using Litiges.Accounts;
using Litiges.Customers;
using Litiges.Integration;
using Litiges.IntegrationTests.Api;
using Litiges.Invoices;
using Litiges.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Litiges.IntegrationTests.Portal;

/// <summary>
/// The portal's home (summary cards and "action needed") on a company of the test's own, with
/// figures worked out by hand; and the invoice's PDF, sent by the ERP through the API and
/// downloaded from the portal by that company only.
/// </summary>
public abstract class PortalHomeTests<TFixture>(TFixture fixture) : ApiScenario<TFixture>(fixture), IClassFixture<TFixture>
    where TFixture : LitigesFixture
{
    [Fact]
    public async Task The_home_page_sums_what_the_company_owes_per_currency_and_lists_the_disputes_waiting_for_it()
    {
        var today = Litiges.Deadlines.BusinessDate.Of(DateTimeOffset.UtcNow);
        var (companyId, email) = await NewCompanyAsync();

        // Overdue by 10 days: 2 500 € + 20 % = 3 000,00 €. Overdue by 3 days: 150,35 € + 20 % = 180,42 €.
        await InvoiceAsync(companyId, today.AddDays(-40), today.AddDays(-10), "EUR", 2500m, 0.20m);
        await InvoiceAsync(companyId, today.AddDays(-33), today.AddDays(-3), "EUR", 150.35m, 0.20m);

        // Not due yet, in dollars: never added to the euros.
        await InvoiceAsync(companyId, today, today.AddDays(5), "USD", 500m, 0m);

        // Paid in full: owes nothing, not counted.
        var paid = await InvoiceAsync(companyId, today.AddDays(-60), today.AddDays(-30), "EUR", 1000m, 0.20m);
        await Fixture.WithDbAsync(async db =>
        {
            var invoice = await db.Invoices.Include(i => i.Payments).Include(i => i.DunningBlocks).SingleAsync(i => i.Id == paid);
            invoice.RecordPayment(1200m, today.AddDays(-29), "VIR-HOME");
            await db.SaveChangesAsync();
        });

        // Two disputes of 100 € each on invoices of 1 309,20 € (due in 20 days); one asks the customer a question.
        var (_, submitted, _) = await TestData.NewDisputeAsync(Fixture, companyId);
        var (waitingId, waiting, _) = await TestData.NewDisputeAsync(Fixture, companyId);
        await TestData.ActAsync(Fixture, waitingId, (dispute, agent, now) =>
        {
            dispute.Acknowledge(agent, now);
            dispute.RequestInformation(agent, "Pouvez-vous envoyer le bon de livraison ?", now);
        });

        var browser = await PortalBrowser.SignInAsync(Fixture.Portal, email);
        var page = await browser.GetPageAsync("/");

        // 3 000,00 + 180,42 + 1 309,20 + 1 309,20 = 5 798,82 € in 4 invoices, and 500,00 USD in 1.
        Assert.Equal("Reste à payer 5 798,82 € 500,00 USD 5 facture(s) non soldée(s) Voir les factures", Card(page, "outstanding"));
        Assert.Equal("Échu 3 180,42 € 2 facture(s), la plus ancienne échue depuis 10 j Voir les factures échues", Card(page, "overdue"));
        Assert.Equal("En litige 200,00 € 2 litige(s) en cours, montant retiré des relances Voir les litiges", Card(page, "in-dispute"));
        Assert.Equal("En attente de votre réponse 1 Questions et propositions à traiter Voir les litiges", Card(page, "awaiting"));

        var actions = page.QuerySelectorAll("#action-needed li[data-dispute]").Select(li => li.GetAttribute("data-dispute")).ToList();
        Assert.Equal([waiting], actions);
        Assert.DoesNotContain(submitted, page.QuerySelector("#action-needed")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("100,00 €", Normalize(page.QuerySelector("#action-needed")!.TextContent), StringComparison.Ordinal);

        // The overdue card's link lists exactly the two overdue invoices.
        var overdue = await browser.GetPageAsync("/Invoices?show=overdue");
        Assert.Equal(2, overdue.QuerySelectorAll("#invoices tbody tr").Length);
    }

    [Fact]
    public async Task A_company_with_nothing_yet_sees_zero_figures_and_says_what_comes_next()
    {
        var (_, email) = await NewCompanyAsync();
        var browser = await PortalBrowser.SignInAsync(Fixture.Portal, email);
        var page = await browser.GetPageAsync("/");
        Assert.Equal("Reste à payer 0,00 € 0 facture(s) non soldée(s) Voir les factures", Card(page, "outstanding"));
        Assert.Null(page.QuerySelector("#action-needed"));
        Assert.Contains("Aucune facture pour l'instant", page.QuerySelector(".empty-state")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Just_after_midnight_in_Paris_an_invoice_due_the_day_before_is_overdue_though_it_is_still_that_day_in_UTC()
    {
        // 00:30 in Paris is 23:30 (winter) or 22:30 (summer) UTC of the day before: the UTC date still
        // says the invoice falls due today, the customer's calendar says it fell due yesterday.
        var day = Litiges.Deadlines.BusinessDate.Of(DateTimeOffset.UtcNow).AddDays(2);
        var justAfterMidnight = ParisTime.At(day, 0, 30);
        Assert.Equal(day.AddDays(-1), DateOnly.FromDateTime(justAfterMidnight.UtcDateTime));

        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(justAfterMidnight);
        await using var portal = Fixture.Portal.WithWebHostBuilder(builder => builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(clock)));
        var (companyId, email) = await NewCompanyAsync();
        var invoiceId = await InvoiceAsync(companyId, day.AddDays(-31), day.AddDays(-1), "EUR", 100m, 0.20m);

        var browser = await PortalBrowser.SignInAsync(portal, email);
        Assert.Equal("Échu 120,00 € 1 facture(s), la plus ancienne échue depuis 1 j Voir les factures échues", Card(await browser.GetPageAsync("/"), "overdue"));
        var overdue = await browser.GetPageAsync("/Invoices?show=overdue");
        Assert.Equal(1, overdue.QuerySelectorAll("#invoices tbody tr").Length);
    }

    [Fact]
    public async Task The_erp_sends_an_invoice_pdf_that_only_its_company_downloads_and_a_file_that_is_not_a_pdf_is_refused()
    {
        var today = Litiges.Deadlines.BusinessDate.Of(DateTimeOffset.UtcNow);
        var (companyId, email) = await NewCompanyAsync();
        var (otherId, otherEmail) = await NewCompanyAsync();
        var invoiceId = await InvoiceAsync(companyId, today, today.AddDays(30), "EUR", 100m, 0.20m);
        var number = await Fixture.WithDbAsync(db => db.Invoices.Where(i => i.Id == invoiceId).Select(i => i.Number).SingleAsync());
        var writer = await WriterAsync();
        var pdf = TestData.Pdf("facture.pdf", 4096).Content;

        // Not a PDF (a Windows program), sent as one: 422 with a message, nothing stored.
        var refused = await writer.PutAsync(new Uri($"/api/v1/invoices/{number}/pdf", UriKind.Relative), Body(TestData.DisguisedProgram("x.pdf").Content, "application/pdf"));
        var problem = await ProblemAsync(refused, HttpStatusCode.UnprocessableEntity);
        Assert.Contains("not a PDF", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        // Sent as JSON: 415 saying how to send it.
        var json = await writer.PutAsync(new Uri($"/api/v1/invoices/{number}/pdf", UriKind.Relative), Body(pdf, "application/json"));
        Assert.Contains("application/pdf", (await ProblemAsync(json, HttpStatusCode.UnsupportedMediaType)).GetProperty("detail").GetString(), StringComparison.Ordinal);

        // An unknown invoice: 404.
        await ProblemAsync(await writer.PutAsync(new Uri("/api/v1/invoices/NO-SUCH-INVOICE/pdf", UriKind.Relative), Body(pdf, "application/pdf")), HttpStatusCode.NotFound);
        Assert.Null(await Fixture.WithDbAsync(db => db.Invoices.Where(i => i.Id == invoiceId).Select(i => i.PdfBlobName).SingleAsync()));

        // Before any PDF, the portal offers none and the handler answers 404.
        var owner = await PortalBrowser.SignInAsync(Fixture.Portal, email);
        Assert.Null((await owner.GetPageAsync($"/Invoices/Details/{invoiceId}")).QuerySelector("#invoice-pdf"));
        Assert.Equal(HttpStatusCode.NotFound, (await owner.GetAsync($"/Invoices/Details/{invoiceId}?handler=Pdf")).StatusCode);

        var stored = await JsonAsync(await writer.PutAsync(new Uri($"/api/v1/invoices/{number}/pdf", UriKind.Relative), Body(pdf, "application/pdf")), HttpStatusCode.OK);
        Assert.Equal(4096, stored.GetProperty("pdfBytes").GetInt64());

        // The company downloads it from the invoice page and the list, privately, byte for byte.
        var details = await owner.GetPageAsync($"/Invoices/Details/{invoiceId}");
        var link = details.QuerySelector("#invoice-pdf")!.GetAttribute("href")!;
        var download = await owner.GetAsync(link);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("application/pdf", download.Content.Headers.ContentType?.MediaType);
        Assert.Equal(pdf, await download.Content.ReadAsByteArrayAsync());
        Assert.Contains("no-store", download.Headers.CacheControl?.ToString(), StringComparison.Ordinal);
        Assert.True(download.Headers.CacheControl?.Private);
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition?.DispositionType);
        var list = await owner.GetPageAsync("/Invoices");
        Assert.NotNull(list.QuerySelector($"tr[data-invoice='{number}'] a[href='{link}']"));

        // Another company: 404, as for an invoice that does not exist.
        var other = await PortalBrowser.SignInAsync(Fixture.Portal, otherEmail);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync(link)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/Invoices/Details/{invoiceId}")).StatusCode);
        Assert.NotEqual(otherId, companyId);

        // The API gives it back too.
        var back = await writer.GetAsync(new Uri($"/api/v1/invoices/{number}/pdf", UriKind.Relative));
        Assert.Equal(pdf, await back.Content.ReadAsByteArrayAsync());
    }

    private static ByteArrayContent Body(byte[] bytes, string contentType)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return content;
    }

    private static string Normalize(string text) => System.Text.RegularExpressions.Regex.Replace(text.Replace('\u202F', ' ').Replace('\u00A0', ' '), @"\s+", " ").Trim();

    private static string Card(IDocument page, string name) => Normalize(page.QuerySelector($"[data-card='{name}']")!.TextContent);

    private async Task<(int CompanyId, string Email)> NewCompanyAsync()
    {
        var number = Unique("C-HOME-");
        var companyId = await Fixture.WithDbAsync(async db =>
        {
            var company = new CustomerAccount(number, "Accueil " + number, "552100554", "FR40552100554", new PostalAddress("1 rue de l'Accueil", null, "75001", "Paris", "France"));
            db.CustomerAccounts.Add(company);
            await db.SaveChangesAsync();
            return company.Id;
        });
        var email = LitigesFixture.UniqueEmail("home", "home.test");
        await Fixture.NewUserAsync(AppUser.NewCustomer(email, "Hélène Accueil", companyId, isAdmin: true));
        return (companyId, email);
    }

    private Task<int> InvoiceAsync(int companyId, DateOnly issue, DateOnly due, string currency, decimal net, decimal vat) =>
        Fixture.WithDbAsync(async db =>
        {
            var invoice = new Invoice(Unique("H-"), companyId, issue, due, currency);
            invoice.AddLine("Prestation", 1, net, vat);
            db.Invoices.Add(invoice);
            await db.SaveChangesAsync();
            return invoice.Id;
        });
}

public sealed class SqlitePortalHomeTests(SqliteFixture fixture) : PortalHomeTests<SqliteFixture>(fixture);

public sealed class PostgreSqlPortalHomeTests(PostgreSqlFixture fixture) : PortalHomeTests<PostgreSqlFixture>(fixture);
