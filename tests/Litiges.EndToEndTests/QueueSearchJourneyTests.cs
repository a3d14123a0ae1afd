using Litiges.Disputes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Litiges.EndToEndTests;

/// <summary>
/// The queue's one search box, in both languages, on a 1280 px screen and on a 390 px phone: a
/// reference typed in small letters finds its dispute, its invoice number shows on one line, the
/// navigation holds on one line, the view is saved; and the dashboard's first screen: headline
/// cards with their change, three charts, the definitions in a help panel. axe on every state.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class QueueSearchJourneyTests(Chromium chromium, LoopbackApps apps, ITestOutputHelper output) : JourneyScenario(chromium, apps, output)
{
    private const int PhoneWidth = 390;

    [Theory]
    [InlineData("fr")]
    [InlineData("en")]
    public async Task Agent_finds_a_dispute_by_its_reference_and_saves_the_view(string language)
    {
        var words = new Words(language);
        var (reference, invoice) = await NewDisputeAsync($"Recherche {language} {Guid.NewGuid().ToString("N")[..6]}");

        await InBrowserAsync(
            Apps.BackOfficeUrl,
            async page =>
            {
                await SignedInAsync(page, "/Disputes", "agent@staff.test", words);

                // The navigation holds on one line at 1280 px, whatever the language.
                var bar = await page.Locator("header .navbar-nav").First.BoundingBoxAsync();
                Assert.True(bar!.Height < 60, $"The navigation is {bar.Height}px high: it wraps.");

                // Every column of the whole queue within the page, before any search narrows it.
                var overflowAll = await page.Locator(".table-responsive").First.EvaluateAsync<int>("e => e.scrollWidth - e.clientWidth");
                Assert.True(overflowAll <= 0, $"The queue's table scrolls by {overflowAll}px at 1280 px.");

                await page.GetByLabel(words["Queue.Search"], new PageGetByLabelOptions { Exact = true }).FillAsync(reference.ToLowerInvariant());
                await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = words["Queue.SearchButton"], Exact = true }).ClickAsync();

                var rows = page.Locator("tbody tr[data-reference]");
                await Expect(rows).ToHaveCountAsync(1);
                await Expect(rows.First).ToHaveAttributeAsync("data-reference", reference);
                await Expect(page.GetByTestId("search-summary")).ToContainTextAsync(reference.ToLowerInvariant());
                var number = rows.First.GetByTestId("row-invoice");
                await Expect(number).ToHaveTextAsync(invoice);

                // The invoice number on one line, and the table whole within the page at 1280 px.
                Assert.Equal(1, await number.EvaluateAsync<int>("e => e.getClientRects().length"));
                var height = await number.EvaluateAsync<double>("e => e.getBoundingClientRect().height");
                Assert.True(height < 30, $"The invoice number is {height}px high: it wraps.");
                var overflow = await page.Locator(".table-responsive").First.EvaluateAsync<int>("e => e.scrollWidth - e.clientWidth");
                Assert.True(overflow <= 0, $"The queue's table scrolls by {overflow}px at 1280 px.");
                await AuditAsync(page);

                // The search saved as a view of one's own, opened again from its chip.
                await page.GetByText(words["Queue.Views.SaveCurrent"], new PageGetByTextOptions { Exact = true }).ClickAsync();
                var name = "Vue " + reference;
                await page.GetByLabel(words["Queue.Views.Name"], new PageGetByLabelOptions { Exact = true }).FillAsync(name);
                await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = words["Queue.Views.Save"], Exact = true }).ClickAsync();
                await Expect(page.GetByRole(AriaRole.Status).Filter(new LocatorFilterOptions { HasText = words["Queue.Views.Saved", name] })).ToBeVisibleAsync();
                var chip = page.GetByTestId("saved-views").GetByRole(AriaRole.Link, new LocatorGetByRoleOptions { Name = name, Exact = true });
                await Expect(chip).ToHaveAttributeAsync("aria-current", "true");
                await AuditAsync(page);

                await page.GotoAsync("/Disputes");
                await chip.ClickAsync();
                await Expect(rows).ToHaveCountAsync(1);
                await Expect(page.GetByLabel(words["Queue.Search"], new PageGetByLabelOptions { Exact = true })).ToHaveValueAsync(reference.ToLowerInvariant());
                await AuditAsync(page);
            },
            new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 800 } });
    }

    [Theory]
    [InlineData("fr")]
    [InlineData("en")]
    public async Task On_a_phone_the_search_finds_the_dispute_without_sideways_scrolling(string language)
    {
        var words = new Words(language);
        var (reference, _) = await NewDisputeAsync($"Téléphone {language} {Guid.NewGuid().ToString("N")[..6]}");

        await InBrowserAsync(
            Apps.BackOfficeUrl,
            async page =>
            {
                await SignedInAsync(page, "/Disputes", "credit@staff.test", words);
                await page.GetByLabel(words["Queue.Search"], new PageGetByLabelOptions { Exact = true }).FillAsync(reference);
                await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = words["Queue.SearchButton"], Exact = true }).ClickAsync();

                var row = page.Locator("tbody tr[data-reference]");
                await Expect(row).ToHaveCountAsync(1);
                await Expect(row.GetByRole(AriaRole.Link, new LocatorGetByRoleOptions { Name = reference, Exact = true })).ToBeVisibleAsync();
                await AuditAsync(page);

                var width = await page.EvaluateAsync<int>("() => document.scrollingElement.scrollWidth");
                Assert.True(width <= PhoneWidth + 2, $"The queue is {width}px wide on a {PhoneWidth}px phone.");

                // A card, not a table that scrolls in its box: the row is no wider than its box, and
                // each cell says what it is (amount and status by their labels).
                var boxOverflow = await page.Locator(".table-responsive").First.EvaluateAsync<int>("e => e.scrollWidth - e.clientWidth");
                Assert.True(boxOverflow <= 0, $"The queue's card scrolls sideways by {boxOverflow}px on a phone.");
                await Expect(row.Locator($"td[data-label='{words["Disputes.Amount"]}']")).ToBeVisibleAsync();
                await Expect(row.Locator($"td[data-label='{words["Disputes.Status"]}']")).ToBeVisibleAsync();
                await page.ScreenshotAsync(new PageScreenshotOptions { Path = Artifacts.File("screenshots", $"QueueSearch_phone_{language}.png"), FullPage = true });
            },
            new BrowserNewContextOptions
            {
                ViewportSize = new ViewportSize { Width = PhoneWidth, Height = 844 },
                IsMobile = true,
                HasTouch = true,
            });
    }

    [Theory]
    [InlineData("fr")]
    [InlineData("en")]
    public async Task The_dashboard_opens_on_headline_cards_with_their_change_and_three_charts(string language)
    {
        var words = new Words(language);

        await InBrowserAsync(
            Apps.BackOfficeUrl,
            async page =>
            {
                await SignedInAsync(page, "/Dashboard", "credit@staff.test", words);
                await Expect(page.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = words["Kpis.Title"], Level = 1 })).ToBeVisibleAsync();

                var cards = page.GetByTestId("kpi-overview").Locator("[data-headline]");
                await Expect(cards).ToHaveCountAsync(6);
                await Expect(cards.First).ToBeInViewportAsync();
                await Expect(page.Locator("[data-headline=Open] .kpi-label")).ToHaveTextAsync(words["Kpis.Headline.Open"]);

                // The figures of a period carry their change against the previous one; today's do not.
                foreach (var key in new[] { "New", "WithinSla", "Resolution", "Dso" })
                {
                    await Expect(page.Locator($"[data-headline={key}] .kpi-trend")).ToHaveCountAsync(1);
                }

                await Expect(page.Locator("[data-headline=Open] .kpi-trend")).ToHaveCountAsync(0);
                await Expect(page.GetByTestId("kpi-compared")).ToBeVisibleAsync();
                await Expect(page.Locator("[data-overview-chart]")).ToHaveCountAsync(3);
                await AuditAsync(page);

                // The definitions, behind their summary.
                var help = page.GetByTestId("kpi-help");
                await help.GetByText(words["Kpis.Help"], new LocatorGetByTextOptions { Exact = true }).ClickAsync();
                await Expect(help.GetByText(words["Kpis.Headline.New.Definition"], new LocatorGetByTextOptions { Exact = true })).ToBeVisibleAsync();
                await AuditAsync(page);
                await page.ScreenshotAsync(new PageScreenshotOptions { Path = Artifacts.File("screenshots", $"Dashboard_first_screen_{language}.png") });
            },
            new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 800 } });
    }

    private async Task<(string Reference, string Invoice)> NewDisputeAsync(string companyName)
    {
        var company = await Apps.NewCompanyAsync(companyName);
        var own = await Apps.NewInvoiceAsync(company.Id, ("Palettes", 10, 100m, 0.20m));
        var reference = await Apps.WithDbAsync(async db =>
        {
            var invoice = await db.Invoices.Include(i => i.Lines).Include(i => i.DunningBlocks).SingleAsync(i => i.Id == own.Id);
            var reason = await db.ReasonCodes.SingleAsync(r => r.Code == "FAC");
            var now = DateTimeOffset.UtcNow;
            var reference = await Numbering.SequenceNumbers.NextAsync(db, "LIT", now.Year);
            var customer = new Actor("c", "Client", ActorRole.Customer, company.Id);
            db.Disputes.Add(Dispute.Open(reference, company.Id, reason, "Prix unitaire erroné", DesiredOutcome.CreditNote, [new DisputeClaim(invoice, null, 120m)], DisputeSource.CustomerPortal, customer, now));
            await db.SaveChangesAsync();
            return reference;
        });
        return (reference, own.Number);
    }
}
