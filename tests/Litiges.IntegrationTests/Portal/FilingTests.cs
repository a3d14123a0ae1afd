using System.Net;
using AngleSharp.Dom;
using Litiges.Disputes;
using Litiges.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Litiges.IntegrationTests.Portal;

/// <summary>Contesting invoices from the portal: the guided form, the server's checks to the cent, the confirmation.</summary>
public abstract class FilingTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : LitigesFixture
{
    private static readonly IReadOnlyDictionary<string, string?> Problem = Wizard.Problem;

    [Fact]
    public async Task Customer_files_a_dispute_on_two_lines_with_partial_amounts()
    {
        var (invoiceId, number) = await TestData.NewInvoiceAsync(fixture, fixture.Data.AlphaId);
        var alice = await PortalBrowser.SignInAsync(fixture.Portal, "alice@alpha.test");

        var (review, submitted) = await FileAsync(alice, $"/Disputes/New?invoice={invoiceId}", new()
        {
            ["Input.Invoices[0].Scope"] = "Lines",
            ["Input.Invoices[0].Lines[0].Selected"] = "true",
            ["Input.Invoices[0].Lines[0].Amount"] = "240,50",
            ["Input.Invoices[0].Lines[1].Selected"] = "true",
            ["Input.Invoices[0].Lines[1].Quantity"] = "1",
        });

        // The review shows what will be submitted: line 2 half claimed by quantity, VAT included.
        var claims = review.QuerySelector("#review-claims")!.TextContent;
        Assert.Contains("240,50", claims, StringComparison.Ordinal);
        Assert.Contains("54,60", claims, StringComparison.Ordinal);
        Assert.Contains("295,10", review.QuerySelector("#review-total")!.TextContent, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.Redirect, submitted.StatusCode);
        var confirmation = await alice.GetPageAsync(submitted.Headers.Location!.OriginalString);
        var reference = confirmation.QuerySelector("#reference")!.TextContent;
        Assert.Matches(@"^LIT-\d{4}-\d{6}$", reference);
        Assert.Equal(4, confirmation.QuerySelectorAll("#deadlines li").Length);
        foreach (var deadline in new[] { "Accusé de réception", "Première réponse", "Résolution", "Délai maximal" })
        {
            Assert.Contains(deadline, confirmation.QuerySelector("#deadlines")!.TextContent, StringComparison.Ordinal);
        }

        var dispute = await fixture.WithDbAsync(db => db.Disputes.AsNoTracking().Include(d => d.Items).SingleAsync(d => d.Reference == reference));
        Assert.Equal(295.10m, dispute.DisputedAmount);
        Assert.Equal("FAC", dispute.ReasonCode);
        Assert.Equal(DisputeSource.CustomerPortal, dispute.Source);
        Assert.Equal("04 72 00 00 00", dispute.ContactPhone);
        Assert.Equal("alice@alpha.test", dispute.ContactEmail);
        Assert.Collection(
            dispute.Items.OrderBy(i => i.Amount),
            item => Assert.Equal((54.60m, 1m), (item.Amount, item.Quantity)),
            item => Assert.Equal((240.50m, (decimal?)null), (item.Amount, item.Quantity)));
        Assert.All(dispute.Items, item => Assert.NotNull(item.InvoiceLineId));
        var blocked = await fixture.WithDbAsync(db => db.Invoices.Where(i => i.Id == invoiceId).Select(i => i.BlockedAmount).SingleAsync());
        Assert.Equal(295.10m, blocked);

        // The confirmation e-mail waits in the outbox, in Alice's language, with the amount and the deadlines.
        var mail = await fixture.WithDbAsync(db => db.Outbox.AsNoTracking().SingleAsync(m => m.Kind == "DisputeSubmitted" && m.Subject.Contains(reference)));
        Assert.Equal("alice@alpha.test", mail.Recipient);
        Assert.Equal($"Litige {reference} enregistré", mail.Subject);
        Assert.Contains("295,10", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains("accusé de réception au plus tard le", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains(number, mail.TextBody, StringComparison.Ordinal);
        Assert.Contains($"/Disputes/Details/{reference}", mail.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_portal_filing_raises_the_DisputeOpened_webhook_in_the_same_save()
    {
        var url = await TestData.SubscribeAsync(fixture, Litiges.Integration.WebhookEvent.DisputeOpened);
        var (invoiceId, _) = await TestData.NewInvoiceAsync(fixture, fixture.Data.AlphaId);
        var alice = await PortalBrowser.SignInAsync(fixture.Portal, "alice@alpha.test");

        var (_, submitted) = await FileAsync(alice, $"/Disputes/New?invoice={invoiceId}", new() { ["Input.Invoices[0].Amount"] = "75,00" });

        Assert.Equal(HttpStatusCode.Redirect, submitted.StatusCode);
        var reference = await fixture.WithDbAsync(db => db.Disputes.AsNoTracking().Where(d => d.Items.Any(i => i.InvoiceId == invoiceId)).Select(d => d.Reference).SingleAsync());
        var hook = await fixture.WithDbAsync(db => db.Outbox.AsNoTracking().SingleAsync(m => m.Recipient == url.ToString()));
        Assert.Equal("DisputeOpened", hook.Kind);
        Assert.Equal(Litiges.Notifications.NotificationChannel.Webhook, hook.Channel);
        Assert.Contains($"\"reference\":\"{reference}\"", hook.TextBody, StringComparison.Ordinal);
        Assert.Contains("\"source\":\"CustomerPortal\"", hook.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Confirmation_email_is_in_the_language_of_the_user()
    {
        var (invoiceId, _) = await TestData.NewInvoiceAsync(fixture, fixture.Data.BetaId);
        var bob = await PortalBrowser.SignInAsync(fixture.Portal, "bob@beta.test");

        var (_, submitted) = await FileAsync(bob, $"/Disputes/New?invoice={invoiceId}", new() { ["Input.Invoices[0].Amount"] = "50.00" });

        Assert.Equal(HttpStatusCode.Redirect, submitted.StatusCode);
        var mail = await fixture.WithDbAsync(db => db.Outbox.AsNoTracking()
            .Where(m => m.Kind == "DisputeSubmitted" && m.Recipient == "bob@beta.test")
            .OrderByDescending(m => m.Id)
            .FirstAsync());
        Assert.StartsWith("Dispute LIT-", mail.Subject, StringComparison.Ordinal);
        Assert.EndsWith(" registered", mail.Subject, StringComparison.Ordinal);
        Assert.Contains("acknowledgment by", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains("€50.00", mail.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Amount_above_the_open_balance_is_refused_and_everything_typed_is_kept()
    {
        var (invoiceId, number) = await TestData.NewInvoiceAsync(fixture, fixture.Data.AlphaId);
        var alice = await PortalBrowser.SignInAsync(fixture.Portal, "alice@alpha.test");
        var url = $"/Disputes/New?invoice={invoiceId}";
        var page = await alice.GetPageAsync(url);

        // Straight to submission with every field filled, as a crafted request would: the server checks anyway.
        var fields = new Dictionary<string, string?>(Problem) { ["Input.Invoices[0].Amount"] = "1309,21" };
        var refused = await alice.SubmitAsync(PortalBrowser.Form(page), url, fields, "Submit");

        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        var again = await Browser.ParseAsync(refused);
        Assert.Equal(1, VisibleStep(again));
        var message = again.QuerySelector("[data-valmsg-for='Input.Invoices[0].Amount']")!.TextContent;
        Assert.Contains(number, message, StringComparison.Ordinal);
        Assert.Contains("1 309,20", message.Replace('\u202F', ' ').Replace('\u00A0', ' '), StringComparison.Ordinal);
        Assert.Equal("1309,21", again.QuerySelector<AngleSharp.Html.Dom.IHtmlInputElement>("input[name='Input.Invoices[0].Amount']")!.Value);
        Assert.Equal(Problem["Input.Description"], again.QuerySelector("textarea[name='Input.Description']")!.TextContent);
        Assert.Equal("04 72 00 00 00", again.QuerySelector<AngleSharp.Html.Dom.IHtmlInputElement>("input[name='Input.ContactPhone']")!.Value);

        // A line's amount is held to the line, and to the cent.
        var lineFields = new Dictionary<string, string?>(Problem)
        {
            ["Input.Invoices[0].Scope"] = "Lines",
            ["Input.Invoices[0].Lines[1].Selected"] = "true",
            ["Input.Invoices[0].Lines[1].Amount"] = "10,005",
        };
        var notInCents = await Browser.ParseAsync(await alice.SubmitAsync(PortalBrowser.Form(again), url, lineFields, "Submit"));
        Assert.Contains("au centime près", notInCents.QuerySelector("[data-valmsg-for='Input.Invoices[0].Lines[1].Amount']")!.TextContent, StringComparison.Ordinal);

        var disputed = await fixture.WithDbAsync(db => db.DisputedItems.AnyAsync(i => i.InvoiceId == invoiceId));
        Assert.False(disputed);
    }

    [Fact]
    public async Task Lines_ticked_under_the_whole_invoice_are_refused_and_the_running_total_says_what_the_lines_claim()
    {
        var (invoiceId, number) = await TestData.NewInvoiceAsync(fixture, fixture.Data.AlphaId);
        var alice = await PortalBrowser.SignInAsync(fixture.Portal, "alice@alpha.test");
        var url = $"/Disputes/New?invoice={invoiceId}";
        var page = await alice.GetPageAsync(url);

        // The form opens on the whole invoice, its open balance claimed, and says so under the step.
        Assert.Equal("1 309,20 €", Normalize(page.QuerySelector("#running-total")!.TextContent.Trim()));

        // Without the page's script, a customer ticks line 1 and leaves "the whole invoice" chosen:
        // the server does not guess which one was meant (it used to claim the whole invoice).
        var refused = await Browser.ParseAsync(await alice.SubmitAsync(PortalBrowser.Form(page), url, new Dictionary<string, string?>(Problem)
        {
            ["Input.Invoices[0].Lines[0].Selected"] = "true",
        }, "Submit"));
        Assert.Equal(1, VisibleStep(refused));
        var message = refused.QuerySelector("[data-valmsg-for='Input.Invoices[0].Scope']")!.TextContent;
        Assert.Contains($"Vous avez coché des lignes de la facture {number}", message, StringComparison.Ordinal);
        Assert.Contains(message, refused.QuerySelector(".validation-summary-errors, [role=alert]")!.TextContent, StringComparison.Ordinal);
        Assert.False(await fixture.WithDbAsync(db => db.DisputedItems.AnyAsync(i => i.InvoiceId == invoiceId)));

        // "Some lines" chosen: the next step's running total is line 1 (10 x 100 € + 20 % VAT), not the invoice.
        var next = await Browser.ParseAsync(await alice.SubmitAsync(PortalBrowser.Form(refused), url, new Dictionary<string, string?>
        {
            ["Input.Invoices[0].Scope"] = "Lines",
        }, "Next"));
        Assert.Equal(2, VisibleStep(next));
        Assert.Equal("1 200,00 €", Normalize(next.QuerySelector("#running-total")!.TextContent.Trim()));
    }

    [Fact]
    public async Task A_line_already_under_an_open_dispute_is_refused_with_a_link_to_that_dispute()
    {
        var (invoiceId, _) = await TestData.NewInvoiceAsync(fixture, fixture.Data.AlphaId);
        var alice = await PortalBrowser.SignInAsync(fixture.Portal, "alice@alpha.test");
        var url = $"/Disputes/New?invoice={invoiceId}";
        var lineOne = new Dictionary<string, string?> { ["Input.Invoices[0].Scope"] = "Lines", ["Input.Invoices[0].Lines[0].Selected"] = "true" };
        var (_, first) = await FileAsync(alice, url, lineOne);
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        var existing = await fixture.WithDbAsync(db => (
                from item in db.DisputedItems
                join d in db.Disputes on item.DisputeId equals d.Id
                where item.InvoiceId == invoiceId
                select new { item.DisputeId, d.Reference })
            .SingleAsync());

        // A colleague contests the same line again.
        var carol = await PortalBrowser.SignInAsync(fixture.Portal, "carol@alpha.test");
        var page = await carol.GetPageAsync(url);
        Assert.Contains(existing.Reference, page.QuerySelector("fieldset.invoice-claim")!.TextContent, StringComparison.Ordinal);
        var response = await carol.SubmitAsync(PortalBrowser.Form(page), url, new Dictionary<string, string?>(Problem)
        {
            ["Input.Invoices[0].Scope"] = "Lines",
            ["Input.Invoices[0].Lines[0].Selected"] = "true",
        }, "Submit");

        var refused = await Browser.ParseAsync(response);
        var conflict = refused.QuerySelector("#conflicts")!;
        Assert.Contains("La ligne 1 de la facture", conflict.TextContent, StringComparison.Ordinal);
        Assert.Equal($"/Disputes/Details/{existing.DisputeId}", conflict.QuerySelector("a")!.GetAttribute("href"));
        Assert.Equal(existing.Reference, conflict.QuerySelector("a")!.TextContent);
        var count = await fixture.WithDbAsync(db => db.DisputedItems.CountAsync(i => i.InvoiceId == invoiceId));
        Assert.Equal(1, count);

        // The other line is still free to contest.
        var other = await carol.SubmitAsync(PortalBrowser.Form(refused), url, new Dictionary<string, string?>
        {
            ["Input.Invoices[0].Lines[0].Selected"] = null,
            ["Input.Invoices[0].Lines[1].Selected"] = "true",
        }, "Submit");
        Assert.Equal(HttpStatusCode.Redirect, other.StatusCode);
    }

    [Fact]
    public async Task Several_invoices_of_the_company_go_in_one_dispute_and_another_company_invoice_cannot_be_added()
    {
        var (firstId, _) = await TestData.NewInvoiceAsync(fixture, fixture.Data.AlphaId);
        var (_, secondNumber) = await TestData.NewInvoiceAsync(fixture, fixture.Data.AlphaId);
        var alice = await PortalBrowser.SignInAsync(fixture.Portal, "alice@alpha.test");
        var url = $"/Disputes/New?invoice={firstId}";
        var page = await alice.GetPageAsync(url);

        var foreign = await Browser.ParseAsync(await alice.SubmitAsync(PortalBrowser.Form(page), url, new Dictionary<string, string?> { ["Input.AddInvoice"] = fixture.Data.BetaInvoices[0].Number }, "AddInvoice"));
        Assert.Contains("Aucune facture de votre société", foreign.QuerySelector("[data-valmsg-for='Input.AddInvoice']")!.TextContent, StringComparison.Ordinal);
        Assert.Single(foreign.QuerySelectorAll("fieldset.invoice-claim"));

        var added = await Browser.ParseAsync(await alice.SubmitAsync(PortalBrowser.Form(foreign), url, new Dictionary<string, string?> { ["Input.AddInvoice"] = secondNumber }, "AddInvoice"));
        Assert.Equal(2, added.QuerySelectorAll("fieldset.invoice-claim").Length);

        var (_, submitted) = await ContinueAsync(alice, added, url, new()
        {
            ["Input.Invoices[0].Amount"] = "100",
            ["Input.Invoices[1].Amount"] = "25,50",
        });
        Assert.Equal(HttpStatusCode.Redirect, submitted.StatusCode);
        var id = Wizard.IdFromLocation(submitted);
        var dispute = await fixture.WithDbAsync(db => db.Disputes.AsNoTracking().Include(d => d.Items).SingleAsync(d => d.Id == id));
        Assert.Equal(125.50m, dispute.DisputedAmount);
        Assert.Equal(2, dispute.Items.Select(i => i.InvoiceId).Distinct().Count());
    }

    [Fact]
    public async Task A_link_in_an_email_opens_the_form_for_the_invoice_after_sign_in()
    {
        var (_, number) = await TestData.NewInvoiceAsync(fixture, fixture.Data.AlphaId);
        var browser = new Browser(fixture.Portal.CreateClient(PortalBrowser.NoRedirects));
        var link = $"/Disputes/New?invoice={number}";

        var challenge = await browser.GetAsync(link);
        Assert.Equal(HttpStatusCode.Redirect, challenge.StatusCode);
        var login = challenge.Headers.Location!.PathAndQuery;
        var signedIn = await browser.SubmitAsync(login, new Dictionary<string, string> { ["Input.Email"] = "alice@alpha.test", ["Input.Password"] = LitigesFixture.Password });

        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal(link, signedIn.Headers.Location!.OriginalString);
        var form = await browser.GetPageAsync(link);
        Assert.Contains(number, form.QuerySelector("fieldset.invoice-claim legend")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_form_for_another_company_invoice_is_not_found()
    {
        var alice = await PortalBrowser.SignInAsync(fixture.Portal, "alice@alpha.test");
        var (betaId, betaNumber) = fixture.Data.BetaInvoices[1];

        Assert.Equal(HttpStatusCode.NotFound, (await alice.GetAsync($"/Disputes/New?invoice={betaId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await alice.GetAsync($"/Disputes/New?invoice={betaNumber}")).StatusCode);

        // Nor can a crafted post slip it into Alice's dispute.
        var (ownId, _) = await TestData.NewInvoiceAsync(fixture, fixture.Data.AlphaId);
        var url = $"/Disputes/New?invoice={ownId}";
        var page = await alice.GetPageAsync(url);
        var crafted = await alice.SubmitAsync(PortalBrowser.Form(page), url, new Dictionary<string, string?>(Problem) { ["Input.Invoices[0].InvoiceId"] = betaId.ToString(System.Globalization.CultureInfo.InvariantCulture) }, "Submit");
        Assert.Equal(HttpStatusCode.NotFound, crafted.StatusCode);
    }

    [Fact]
    public async Task Invoice_list_offers_to_contest_each_invoice_and_the_invoice_page_shows_its_lines()
    {
        var (invoiceId, number) = await TestData.NewInvoiceAsync(fixture, fixture.Data.AlphaId);
        var alice = await PortalBrowser.SignInAsync(fixture.Portal, "alice@alpha.test");

        var list = await alice.GetPageAsync($"/Invoices?search={number}");
        var row = list.QuerySelectorAll("tbody tr").Single();
        Assert.Equal($"/Disputes/New?invoice={invoiceId}", row.QuerySelector("a[href^='/Disputes/New']")!.GetAttribute("href"));
        Assert.Equal($"/Invoices/Details/{invoiceId}", row.QuerySelector("a[href^='/Invoices/Details']")!.GetAttribute("href"));

        var sheet = await alice.GetPageAsync($"/Invoices/Details/{invoiceId}");
        var lines = sheet.QuerySelector("#invoice-lines")!.TextContent;
        Assert.Contains("Palettes bois", lines, StringComparison.Ordinal);
        Assert.Contains("45,50", lines, StringComparison.Ordinal);
        Assert.Contains("20 %", lines, StringComparison.Ordinal);
        var totals = Normalize(sheet.QuerySelector("#invoice-totals")!.TextContent);
        Assert.Contains("1 091,00", totals, StringComparison.Ordinal);
        Assert.Contains("218,20", totals, StringComparison.Ordinal);
        Assert.Contains("1 309,20", totals, StringComparison.Ordinal);
        Assert.Contains("Aucun litige", sheet.QuerySelector("main")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_dispute_filed_just_after_midnight_on_new_years_day_in_Paris_is_numbered_in_the_new_year()
    {
        // 00:30 on 1 January in Paris is 23:30 UTC on 31 December: the UTC year is still the old one.
        var year = Litiges.Deadlines.BusinessDate.Of(DateTimeOffset.UtcNow).Year + 1;
        var newYear = new DateOnly(year, 1, 1);
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(ParisTime.At(newYear, 0, 30));
        Assert.Equal(year - 1, clock.GetUtcNow().Year);
        await using var portal = fixture.Portal.WithWebHostBuilder(builder => builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(clock)));

        var dispute = await TestData.FileAsAliceAsync(fixture, portal.Services, newYear);

        Assert.StartsWith($"LIT-{year}-", dispute.Reference, StringComparison.Ordinal);
    }

    private static string Normalize(string text) => text.Replace('\u202F', ' ').Replace('\u00A0', ' ');

    private static int VisibleStep(IDocument page) => Wizard.VisibleStep(page);

    private async Task<(IDocument Review, HttpResponseMessage Submitted)> FileAsync(PortalBrowser customer, string url, Dictionary<string, string?> claims) =>
        await Wizard.ContinueAsync(customer, await customer.GetPageAsync(url), url, claims);

    private static Task<(IDocument Review, HttpResponseMessage Submitted)> ContinueAsync(PortalBrowser customer, IDocument page, string url, Dictionary<string, string?> claims) =>
        Wizard.ContinueAsync(customer, page, url, claims);
}

public sealed class SqliteFilingTests(SqliteFixture fixture) : FilingTests<SqliteFixture>(fixture);

public sealed class PostgreSqlFilingTests(PostgreSqlFixture fixture) : FilingTests<PostgreSqlFixture>(fixture);
