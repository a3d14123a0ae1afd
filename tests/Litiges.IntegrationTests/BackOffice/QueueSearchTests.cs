using System.Globalization;
using System.Net;
using System.Text;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Litiges.Data;
using Litiges.Disputes;
using Litiges.Testing;
using Microsoft.EntityFrameworkCore;

namespace Litiges.IntegrationTests.BackOffice;

/// <summary>The queue's one search box (four keys), the saved views of each user, and the CSV export of the current view.</summary>
public abstract class QueueSearchTests<TFixture>(TFixture fixture) : BackOfficeScenario<TFixture>(fixture), IClassFixture<TFixture>
    where TFixture : LitigesFixture
{
    [Fact]
    public async Task The_search_box_finds_by_reference_invoice_number_customer_number_and_name()
    {
        var name = "Recherche " + Guid.NewGuid().ToString("N")[..8];
        var customer = await NewCustomerAsync(name);
        var first = await NewDisputeAsync(DisputeStatus.Submitted, customerAccountId: customer);
        var second = await NewDisputeAsync(DisputeStatus.InReview, customerAccountId: customer);
        var elsewhere = await NewDisputeAsync(DisputeStatus.Submitted);
        var reference = (await LoadAsync(first)).Reference;
        var invoice = await InvoiceNumberAsync(second);
        var number = await Fixture.WithDbAsync(db => db.CustomerAccounts.Where(c => c.Id == customer).Select(c => c.CustomerNumber).SingleAsync());
        var agent = await StaffAsync(Agent);

        // The reference, as typed or in small letters: that dispute alone.
        Assert.Equal([first], await RowsAsync(agent, "/Disputes?q=" + Uri.EscapeDataString(reference)));
        Assert.Equal([first], await RowsAsync(agent, "/Disputes?q=" + Uri.EscapeDataString("  " + reference.ToLowerInvariant() + " ")));

        // The number of an invoice it contests: that dispute alone.
        Assert.Equal([second], await RowsAsync(agent, "/Disputes?q=" + Uri.EscapeDataString(invoice)));
        var page = await agent.GetPageAsync("/Disputes?q=" + Uri.EscapeDataString(invoice));
        Assert.Equal(invoice, page.QuerySelector($"tr[data-reference] [data-testid=row-invoice]")!.TextContent.Trim());

        // The customer number, or part of the name in any case: the customer's disputes, not the others.
        Assert.Equal([first, second], await RowsAsync(agent, "/Disputes?sort=Age&q=" + Uri.EscapeDataString(number)));
        Assert.Equal([first, second], await RowsAsync(agent, "/Disputes?sort=Age&q=" + Uri.EscapeDataString(name[^8..].ToUpperInvariant())));
        Assert.DoesNotContain(elsewhere, await RowsAsync(agent, "/Disputes?sort=Age&q=" + Uri.EscapeDataString(number)));

        // With the other filters: the search narrows what they select.
        Assert.Equal([second], await RowsAsync(agent, "/Disputes?status=InReview&q=" + Uri.EscapeDataString(number)));
        Assert.Empty(await RowsAsync(agent, "/Disputes?status=InReview&q=" + Uri.EscapeDataString(reference)));

        // Nothing found: said with what was searched.
        var none = await agent.GetPageAsync("/Disputes?q=" + Uri.EscapeDataString("LIT-0000-" + Guid.NewGuid().ToString("N")[..6]));
        Assert.Empty(Ids(none));
        Assert.Contains("Aucun litige ne correspond", Browser.Text(none), StringComparison.Ordinal);

        // The box's former parameter still works for earlier links.
        Assert.Equal([first, second], await RowsAsync(agent, "/Disputes?sort=Age&customer=" + Uri.EscapeDataString(number)));
    }

    [Fact]
    public async Task The_search_finds_nothing_a_user_may_not_see()
    {
        var name = "Invisible " + Guid.NewGuid().ToString("N")[..8];
        var customer = await NewCustomerAsync(name);
        var delivery = await NewDisputeAsync(DisputeStatus.InReview, "LIV", customerAccountId: customer);
        var reference = (await LoadAsync(delivery)).Reference;
        var invoice = await InvoiceNumberAsync(delivery);
        var resolver = await StaffAsync(Resolver);

        // The resolver works for billing: a delivery dispute is not theirs, by any key.
        Assert.Empty(await RowsAsync(resolver, "/Disputes?q=" + Uri.EscapeDataString(reference)));
        Assert.Empty(await RowsAsync(resolver, "/Disputes?q=" + Uri.EscapeDataString(invoice)));
        Assert.Empty(await RowsAsync(resolver, "/Disputes?q=" + Uri.EscapeDataString(name)));
        var csv = await CsvAsync(resolver, "/Disputes?handler=Csv&q=" + Uri.EscapeDataString(reference));
        Assert.DoesNotContain(reference, csv, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_user_saves_lists_opens_and_deletes_views_that_nobody_else_sees()
    {
        var name = "Vues " + Guid.NewGuid().ToString("N")[..8];
        var customer = await NewCustomerAsync(name);
        var review = await NewDisputeAsync(DisputeStatus.InReview, customerAccountId: customer);
        await NewDisputeAsync(DisputeStatus.Submitted, customerAccountId: customer);
        var agent = await StaffAsync(Agent);
        var colleague = await StaffAsync(CreditManager);
        var viewName = "En revue " + name;
        var filtered = "/Disputes?status=InReview&q=" + Uri.EscapeDataString(name);

        var page = await agent.GetPageAsync(filtered);
        var saved = await agent.PostFormAsync(page.QuerySelector<IHtmlFormElement>("form[action*='handler=SaveView']")!, filtered, new Dictionary<string, string> { ["ViewName"] = "  " + viewName + " " });
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);

        var view = await Fixture.WithDbAsync(db => db.SavedQueueViews.AsNoTracking().SingleAsync(v => v.Name == viewName));
        Assert.Equal(await UserIdAsync(Agent), view.UserId);
        Assert.Contains("Vue « " + viewName + " » enregistrée.", Browser.Text(await agent.GetPageAsync(saved.Headers.Location!.ToString())), StringComparison.Ordinal);
        var listed = await agent.GetPageAsync("/Disputes");
        var link = listed.QuerySelector<IHtmlAnchorElement>($"[data-testid=saved-views] li[data-view='{viewName}'] a")!;

        // Opening it comes back to the same filters and search.
        var opened = await agent.GetAsync(WebUtility.HtmlDecode(link.GetAttribute("href")!));
        Assert.Equal(HttpStatusCode.Redirect, opened.StatusCode);
        var target = opened.Headers.Location!.ToString();
        Assert.Contains("status=InReview", target, StringComparison.Ordinal);
        Assert.Equal([review], await RowsAsync(agent, target));
        Assert.NotNull((await agent.GetPageAsync(target)).QuerySelector($"li.saved-view.current[data-view='{viewName}']"));

        // Saving again under the same name replaces its filters, still one view.
        var submitted = "/Disputes?status=Submitted&q=" + Uri.EscapeDataString(name);
        var again = await agent.GetPageAsync(submitted);
        await agent.PostFormAsync(again.QuerySelector<IHtmlFormElement>("form[action*='handler=SaveView']")!, submitted, new Dictionary<string, string> { ["ViewName"] = viewName });
        Assert.Contains("status=Submitted", (await Fixture.WithDbAsync(db => db.SavedQueueViews.AsNoTracking().SingleAsync(v => v.Id == view.Id))).Query, StringComparison.Ordinal);

        // A colleague neither lists, opens nor deletes it.
        Assert.Null((await colleague.GetPageAsync("/Disputes")).QuerySelector($"li[data-view='{viewName}']"));
        Assert.Equal(HttpStatusCode.NotFound, (await colleague.GetAsync($"/Disputes?handler=View&id={view.Id}")).StatusCode);
        var colleaguePage = await colleague.GetPageAsync("/Disputes");
        var token = colleaguePage.QuerySelector<IHtmlInputElement>("input[name=__RequestVerificationToken]")!.Value;
        var refused = await colleague.Client.PostAsync(new Uri($"/Disputes?handler=DeleteView&id={view.Id}", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        Assert.True(await Fixture.WithDbAsync(db => db.SavedQueueViews.AnyAsync(v => v.Id == view.Id)));

        // No name: refused with a message, nothing saved.
        var before = await Fixture.WithDbAsync(db => db.SavedQueueViews.CountAsync());
        var empty = await agent.PostFormAsync(again.QuerySelector<IHtmlFormElement>("form[action*='handler=SaveView']")!, submitted, new Dictionary<string, string> { ["ViewName"] = "   " });
        Assert.Contains("Donnez un nom à la vue", Browser.Text(await agent.GetPageAsync(empty.Headers.Location!.ToString())), StringComparison.Ordinal);
        Assert.Equal(before, await Fixture.WithDbAsync(db => db.SavedQueueViews.CountAsync()));

        // Its owner deletes it.
        var mine = await agent.GetPageAsync("/Disputes");
        var delete = await agent.PostFormAsync(mine.QuerySelector<IHtmlFormElement>($"li[data-view='{viewName}'] form")!, "/Disputes", new Dictionary<string, string>());
        Assert.Equal(HttpStatusCode.Redirect, delete.StatusCode);
        Assert.False(await Fixture.WithDbAsync(db => db.SavedQueueViews.AnyAsync(v => v.Id == view.Id)));
        Assert.Equal(HttpStatusCode.NotFound, (await agent.GetAsync($"/Disputes?handler=View&id={view.Id}")).StatusCode);
    }

    [Fact]
    public async Task The_csv_export_holds_the_whole_view_with_its_filters_in_the_users_language()
    {
        var name = "Export " + Guid.NewGuid().ToString("N")[..8];
        var customer = await NewCustomerAsync(name);
        var review = await NewDisputeAsync(DisputeStatus.InReview, "LIV", 250.5m, customerAccountId: customer);
        var submitted = await NewDisputeAsync(DisputeStatus.Submitted, "FAC", 100m, customerAccountId: customer);
        var reviewReference = (await LoadAsync(review)).Reference;
        var submittedReference = (await LoadAsync(submitted)).Reference;
        var invoice = await InvoiceNumberAsync(review);
        var agent = await StaffAsync(Agent);

        var page = await agent.GetPageAsync("/Disputes?status=InReview&q=" + Uri.EscapeDataString(name));
        var href = WebUtility.HtmlDecode(page.QuerySelector<IHtmlAnchorElement>("#export-csv")!.GetAttribute("href")!);
        Assert.Contains("handler=Csv", href, StringComparison.Ordinal);

        using var response = await agent.GetAsync(href);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        Assert.True(response.Headers.CacheControl!.NoStore);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition!.DispositionType);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(Encoding.UTF8.GetPreamble(), bytes[..3]);
        var lines = Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.StartsWith("Référence;Client;N° client;Factures;", lines[0], StringComparison.Ordinal);
        var row = Assert.Single(lines[1..]);
        Assert.StartsWith(reviewReference + ";" + name + ";", row, StringComparison.Ordinal);
        Assert.Contains(";" + invoice + ";", row, StringComparison.Ordinal);
        Assert.Contains(";250,50;EUR;", row, StringComparison.Ordinal);
        Assert.DoesNotContain(submittedReference, string.Join('\n', lines), StringComparison.Ordinal);

        // Every row of the view, not only the page shown, and the headers in English for an English reader.
        var english = await CsvAsync(agent, "/Disputes?handler=Csv&sort=Age&culture=en-GB&q=" + Uri.EscapeDataString(name));
        var englishLines = english.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("Reference;Customer;Customer number;Invoices;", englishLines[0], StringComparison.Ordinal);
        Assert.Equal(3, englishLines.Length);
        Assert.Contains(";250.50;EUR;", english, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_csv_export_pages_through_more_rows_than_a_batch()
    {
        var name = "Lots " + Guid.NewGuid().ToString("N")[..8];
        var customer = await NewCustomerAsync(name);
        var count = Litiges.BackOffice.Pages.Disputes.IndexModel.CsvBatchSize + 3;
        var at = DateTimeOffset.UtcNow.AddDays(-1);
        var references = await Fixture.TakeReferencesAsync(Enumerable.Repeat(at.Year, count));
        await Fixture.WithDbAsync(async db =>
        {
            var reason = await db.ReasonCodes.SingleAsync(r => r.Code == "FAC");
            var actor = new Actor("seed-customer", "Client", ActorRole.Customer, customer);
            for (var i = 0; i < count; i++)
            {
                var invoice = new Invoices.Invoice("FL-" + Guid.NewGuid().ToString("N")[..12], customer, Litiges.Deadlines.BusinessDate.Of(at).AddDays(-5), Litiges.Deadlines.BusinessDate.Of(at).AddDays(25));
                invoice.AddLine("Article", 1, 1000m, 0.20m);
                db.Invoices.Add(invoice);
                db.Disputes.Add(Dispute.Open(references[i], customer, reason, "Écart", DesiredOutcome.CreditNote, [new DisputeClaim(invoice, null, 100m)], DisputeSource.CustomerPortal, actor, at.AddMinutes(i % 5)));
            }

            await db.SaveChangesAsync();
        });
        var agent = await StaffAsync(Agent);

        var csv = await CsvAsync(agent, "/Disputes?handler=Csv&q=" + Uri.EscapeDataString(name));

        var rows = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries)[1..];
        Assert.Equal(count, rows.Length);
        Assert.Equal(count, rows.Select(r => r.Split(';')[0]).Distinct().Count());
    }

    [Fact]
    public async Task The_csv_export_writes_text_that_looks_like_a_formula_as_text()
    {
        var name = "=HYPERLINK(\"http://evil.test\";\"" + Guid.NewGuid().ToString("N")[..8] + "\")";
        var customer = await NewCustomerAsync(name);
        var dispute = await NewDisputeAsync(DisputeStatus.Submitted, customerAccountId: customer);
        var reference = (await LoadAsync(dispute)).Reference;
        var agent = await StaffAsync(Agent);

        var csv = await CsvAsync(agent, "/Disputes?handler=Csv&q=" + Uri.EscapeDataString(reference));

        var row = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries)[1];
        // Quoted (it holds semicolons and quotes), and led by an apostrophe: a spreadsheet shows it, never runs it.
        Assert.StartsWith(reference + ";\"'=HYPERLINK(\"\"http://evil.test\"\";", row, StringComparison.Ordinal);
    }

    private Task<string> InvoiceNumberAsync(int disputeId) =>
        Fixture.WithDbAsync(db => db.DisputedItems.Where(i => i.DisputeId == disputeId).Select(i => i.Invoice!.Number).FirstAsync());

    private static async Task<string> CsvAsync(Browser browser, string url)
    {
        using var response = await browser.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync()).TrimStart('\uFEFF');
    }

    private static IEnumerable<int> Ids(IDocument page) =>
        page.QuerySelectorAll("table tbody tr[data-reference] td a[href*='/Disputes/Details/']")
            .Select(a => int.Parse(a.GetAttribute("href")!.Split('/').Last(), CultureInfo.InvariantCulture));

    private static async Task<IReadOnlyList<int>> RowsAsync(Browser browser, string url) =>
        Ids(await browser.GetPageAsync(url)).ToList();
}

public sealed class SqliteQueueSearchTests(SqliteFixture fixture) : QueueSearchTests<SqliteFixture>(fixture);

public sealed class PostgreSqlQueueSearchTests(PostgreSqlFixture fixture) : QueueSearchTests<PostgreSqlFixture>(fixture);
