using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Litiges.EndToEndTests;

/// <summary>
/// On a phone, in both languages: ticking a line switches the invoice to "some lines" (it used to
/// stay on "the whole invoice" and claim all of it), choosing the whole invoice again unticks the
/// lines, and the amount contested so far follows every change and every step.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class FilingChoiceTests(Chromium chromium, LoopbackApps apps, ITestOutputHelper output) : JourneyScenario(chromium, apps, output)
{
    private const int PhoneWidth = 390;

    [Theory]
    [InlineData("fr")]
    [InlineData("en")]
    public async Task Ticking_a_line_switches_to_lines_and_the_running_total_follows(string language)
    {
        var words = new Words(language);

        // Line 1: 1 x 1,000 € + 20 % = 1,200 €; line 2: 2 x 250 € + 10 % = 550 €, so 275 € for one of the two.
        var invoice = await Apps.NewInvoiceAsync(Apps.Data.AlphaId, ("Chaudière", 1, 1000m, 0.20m), ("Entretien", 2, 250m, 0.10m));

        await InBrowserAsync(
            Apps.PortalUrl,
            async page =>
            {
                await SignedInAsync(page, $"/Disputes/New?invoice={invoice.Id}", "carol@alpha.test", words);
                var whole = page.Locator("#invoice-0-whole");
                var lines = page.Locator("#invoice-0-lines");
                var total = page.Locator("#running-total");

                // The form opens on the whole invoice, for its open balance.
                await Expect(whole).ToBeCheckedAsync();
                await ExpectTotalAsync(total, words.Amount(1750m));

                // Ticking line 1 switches to "some lines" and claims that line alone.
                await page.GetByLabel(words["Portal.Filing.ContestLine", 1, "Chaudière"]).CheckAsync();
                await Expect(lines).ToBeCheckedAsync();
                await ExpectTotalAsync(total, words.Amount(1200m));

                // A quantity typed on line 2 ticks it, for its share of the line.
                await page.GetByLabel(words["Portal.Filing.QuantityOfLine", 2]).FillAsync("1");
                await Expect(page.GetByLabel(words["Portal.Filing.ContestLine", 2, "Entretien"])).ToBeCheckedAsync();
                await ExpectTotalAsync(total, words.Amount(1475m));
                await AuditAsync(page);

                // Back to the whole invoice: its lines are unticked, the whole amount claimed again.
                await whole.CheckAsync();
                await Expect(page.GetByLabel(words["Portal.Filing.ContestLine", 1, "Chaudière"])).Not.ToBeCheckedAsync();
                await Expect(page.GetByLabel(words["Portal.Filing.ContestLine", 2, "Entretien"])).Not.ToBeCheckedAsync();
                await ExpectTotalAsync(total, words.Amount(1750m));

                // Line 1 again, then the next step: the server's total says the same.
                await page.GetByLabel(words["Portal.Filing.ContestLine", 1, "Chaudière"]).CheckAsync();
                await ExpectTotalAsync(total, words.Amount(1200m));
                await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = words["Portal.Filing.Next"], Exact = true }).Last.ClickAsync();
                await Expect(page.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = words["Portal.Filing.Step2Title"] })).ToBeVisibleAsync();
                await ExpectTotalAsync(total, words.Amount(1200m));
                await AuditAsync(page);

                var width = await page.EvaluateAsync<int>("() => document.scrollingElement.scrollWidth");
                Assert.True(width <= PhoneWidth + 2, $"The filing form is {width}px wide on a {PhoneWidth}px phone.");
            },
            new BrowserNewContextOptions
            {
                ViewportSize = new ViewportSize { Width = PhoneWidth, Height = 844 },
                IsMobile = true,
                HasTouch = true,
            });
    }

    // The browser and the server may use different spaces (narrow, non-breaking) between digit groups.
    private static Task ExpectTotalAsync(ILocator total, string amount) =>
        Expect(total).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^\\s*" + string.Join("\\s?", SpaceFree(amount).Select(c => System.Text.RegularExpressions.Regex.Escape(c.ToString()))) + "\\s*$"));

    private static string SpaceFree(string text) => new([.. text.Where(c => !char.IsWhiteSpace(c) && c is not '\u00A0' and not '\u202F')]);
}
