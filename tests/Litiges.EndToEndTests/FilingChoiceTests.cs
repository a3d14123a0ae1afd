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

    [Fact]
    public async Task An_invoice_already_in_dispute_says_so_in_readable_colours_and_every_field_shows_its_edge()
    {
        var words = new Words("fr");
        var invoice = await NewInvoiceAsync(Apps.Data.AlphaId, "Chaudière", 1000m, 0.20m);
        var (_, reference) = await AcknowledgedDisputeAsync(invoice, 1200m, "carol@alpha.test", "Facture contestée en entier.");

        await InBrowserAsync(Apps.PortalUrl, async page =>
        {
            await SignedInAsync(page, $"/Disputes/New?invoice={invoice.Id}", "carol@alpha.test", words);

            // The box names the dispute that holds the invoice, with a link axe finds readable (it was 3.85:1).
            var box = page.Locator(".alert-info").Filter(new LocatorFilterOptions { HasText = reference });
            await Expect(box.GetByRole(AriaRole.Link, new LocatorGetByRoleOptions { Name = reference })).ToBeVisibleAsync();
            await AuditAsync(page);

            // Form controls stand out from the white page at 3:1 at least (WCAG 1.4.11; axe does not check it).
            var weakest = await page.EvaluateAsync<double>(LowestBorderContrast);
            Assert.True(weakest >= 3, $"A form control's border is {weakest:0.00}:1 against white.");
        });
    }

    /// <summary>The lowest contrast ratio against white of the borders of the page's visible text fields, selects and check boxes.</summary>
    private const string LowestBorderContrast = """
        () => {
            const luminance = rgb => {
                const [r, g, b] = rgb.match(/\d+(\.\d+)?/g).slice(0, 3).map(Number).map(v => v / 255).map(c => c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4));
                return 0.2126 * r + 0.7152 * g + 0.0722 * b;
            };
            const fields = [...document.querySelectorAll('.form-control, .form-select, .form-check-input')].filter(e => e.offsetParent !== null && !e.disabled && document.activeElement !== e);
            return Math.min(...fields.map(e => 1.05 / (luminance(getComputedStyle(e).borderTopColor) + 0.05)));
        }
        """;

    // The browser and the server may use different spaces (narrow, non-breaking) between digit groups.
    private static Task ExpectTotalAsync(ILocator total, string amount) =>
        Expect(total).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^\\s*" + string.Join("\\s?", SpaceFree(amount).Select(c => System.Text.RegularExpressions.Regex.Escape(c.ToString()))) + "\\s*$"));

    private static string SpaceFree(string text) => new([.. text.Where(c => !char.IsWhiteSpace(c) && c is not '\u00A0' and not '\u202F')]);
}
