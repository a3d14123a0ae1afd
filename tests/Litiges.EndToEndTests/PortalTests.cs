using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Litiges.EndToEndTests;

/// <summary>The customer portal in Chromium: sign-in, the company's invoices, language, a phone screen.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class PortalTests(Chromium chromium, LoopbackApps apps, ITestOutputHelper output) : BrowserScenario(chromium, output)
{
    private const int PhoneWidth = 390;

    [Fact]
    public Task Customer_signs_in_and_sees_the_company_invoices() =>
        InBrowserAsync(apps.PortalUrl, async page =>
        {
            await page.GotoAsync("/Invoices");
            await SignInAsync(page, "alice@alpha.test");

            var invoices = page.GetByRole(AriaRole.Table, new PageGetByRoleOptions { Name = "Factures de votre société" });
            await Expect(page.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = "Factures de votre société" })).ToBeVisibleAsync();
            await Expect(invoices.GetByRole(AriaRole.Cell, new LocatorGetByRoleOptions { Name = "FA-ALPHA-0001", Exact = true })).ToBeVisibleAsync();
            await Expect(page.GetByText("FB-BETA-0001")).ToHaveCountAsync(0);
        });

    [Fact]
    public Task Customer_switches_the_portal_to_english() =>
        InBrowserAsync(apps.PortalUrl, async page =>
        {
            await page.GotoAsync("/Invoices");
            await SignInAsync(page, "alice@alpha.test");
            await Expect(page.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = "Factures de votre société" })).ToBeVisibleAsync();

            await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "English", Exact = true }).ClickAsync();

            await Expect(page.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = "Your company's invoices" })).ToBeVisibleAsync();
            await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        });

    [Fact]
    public Task Portal_fits_a_phone_screen() =>
        InBrowserAsync(
            apps.PortalUrl,
            async page =>
            {
                await page.GotoAsync("/Invoices");
                await SignInAsync(page, "alice@alpha.test");
                await Expect(page.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = "Factures de votre société" })).ToBeVisibleAsync();
                await LoadedAsync(page);

                // The wide invoice table may scroll inside its own box, never the page itself.
                var pageWidth = await page.EvaluateAsync<int>("() => document.scrollingElement.scrollWidth");
                var widest = await page.EvaluateAsync<string>("() => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 2 && !e.closest('.table-responsive')).map(e => e.tagName + '.' + e.className).slice(0, 5).join(', ')");
                Assert.True(pageWidth <= PhoneWidth + 2, $"The invoice list is {pageWidth}px wide on a {PhoneWidth}px screen: the page scrolls sideways ({widest}).");
            },
            new BrowserNewContextOptions
            {
                ViewportSize = new ViewportSize { Width = PhoneWidth, Height = 844 },
                IsMobile = true,
                HasTouch = true,
            });

    [Fact]
    public Task Portal_pages_carry_the_shared_stylesheets() =>
        InBrowserAsync(apps.PortalUrl, async page =>
        {
            await page.GotoAsync("/Account/Login");
            await Expect(page.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = "Se connecter" })).ToBeVisibleAsync();

            // Bootstrap and litiges.css come from the Litiges.Shared class library (_content/Litiges.Shared).
            var stylesheets = await page.EvaluateAsync<StyleSheet[]>(
                "() => [...document.styleSheets].map(s => ({ href: s.href ?? '', rules: s.cssRules.length }))");
            Assert.Contains(stylesheets, s => s.Href.Contains("/_content/Litiges.Shared/lib/bootstrap/", StringComparison.Ordinal) && s.Rules > 0);
            Assert.Contains(stylesheets, s => s.Href.Contains("/_content/Litiges.Shared/css/litiges.css", StringComparison.Ordinal) && s.Rules > 0);
            await Expect(page.GetByRole(AriaRole.Navigation).First).ToHaveCSSAsync("background-color", "rgb(18, 60, 105)");
        });

    private sealed class StyleSheet
    {
        public string Href { get; set; } = string.Empty;

        public int Rules { get; set; }
    }
}
