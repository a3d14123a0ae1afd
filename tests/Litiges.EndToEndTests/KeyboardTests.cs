using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Litiges.EndToEndTests;

/// <summary>
/// Filing a dispute with the keyboard alone (Tab, Shift+Tab, Enter, Space, arrows; no click): every
/// stop shows where the focus is, and a step sent incomplete announces its errors and ties each to
/// its field.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class KeyboardTests(Chromium chromium, LoopbackApps apps, ITestOutputHelper output) : JourneyScenario(chromium, apps, output)
{
    private const int MaxTabs = 80;

    /// <summary>The focused element, and whether an outline or a focus ring (box shadow) shows it.</summary>
    private const string FocusShows = """
        () => {
            const e = document.activeElement;
            if (!e || e === document.body) return ['body', 'visible'];
            const style = getComputedStyle(e);
            const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 1;
            const ring = style.boxShadow && style.boxShadow !== 'none';
            const name = e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.name ? `[name=${e.name}]` : '') + ' ' + (e.textContent || '').trim().slice(0, 30);
            return [name, outline || ring ? 'visible' : 'hidden'];
        }
        """;

    private readonly List<string> _invisibleFocus = [];

    [Fact]
    public async Task Customer_files_a_dispute_with_the_keyboard_only()
    {
        var words = new Words("fr");
        var invoice = await NewInvoiceAsync(Apps.Data.AlphaId, "Chaudière", 400m, 0.20m);

        await InBrowserAsync(Apps.PortalUrl, async page =>
        {
            // Signing in is not what this test is about; from here on, no click.
            await SignedInAsync(page, $"/Disputes/New?invoice={invoice.Id}", "carol@alpha.test", words);

            // Step 1: the whole invoice, for 120 €; Enter in the amount moves on.
            await TabToAsync(page, "#invoice-0-whole");
            await page.Keyboard.PressAsync("Space");
            await Expect(page.Locator("#invoice-0-whole")).ToBeCheckedAsync();
            await TabToAsync(page, "#invoice-0-amount");
            await page.Keyboard.PressAsync("Control+A");
            await page.Keyboard.TypeAsync("120");
            await page.Keyboard.PressAsync("Enter");
            await Expect(page.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = words["Portal.Filing.Step2Title"] })).ToBeVisibleAsync();

            // Step 2 sent empty: the errors are announced and tied to their fields.
            await TabToButtonAsync(page, words["Portal.Filing.Next"]);
            await page.Keyboard.PressAsync("Enter");
            var summary = page.Locator("[role=alert]").First;
            await Expect(summary).ToContainTextAsync(words["Error.Dispute.DescriptionRequired"]);
            await Expect(page.Locator("#description")).ToHaveAttributeAsync("aria-invalid", "true");
            Assert.Contains(words["Error.Dispute.DescriptionRequired"], await DescriptionOfAsync(page, "#description"), StringComparison.Ordinal);
            await Expect(page.Locator("#outcome")).ToHaveAttributeAsync("aria-invalid", "true");
            Assert.Contains(words["Portal.Filing.OutcomeRequired"], await DescriptionOfAsync(page, "#outcome"), StringComparison.Ordinal);
            await Expect(page.Locator("input[name='Input.Problem']").First).ToHaveAttributeAsync("aria-invalid", "true");
            await AuditAsync(page);

            // The problem with the arrows (the first radio, then down to the second and back up).
            await TabToAsync(page, "input[name='Input.Problem']");
            await page.Keyboard.PressAsync("Space");
            await page.Keyboard.PressAsync("ArrowDown");
            await page.Keyboard.PressAsync("ArrowUp");
            await Expect(page.Locator("#problem-BillingError")).ToBeCheckedAsync();
            await TabToAsync(page, "#description");
            await page.Keyboard.TypeAsync("Le prix facturé ne correspond pas au bon de commande.");
            await TabToAsync(page, "#outcome");
            for (var i = 0; i < 6 && await page.Locator("#outcome").InputValueAsync() != "CreditNote"; i++)
            {
                await page.Keyboard.PressAsync("ArrowDown");
            }

            await Expect(page.Locator("#outcome")).ToHaveValueAsync("CreditNote");
            await TabToButtonAsync(page, words["Portal.Filing.Next"]);
            await page.Keyboard.PressAsync("Enter");

            // Step 3: the file picker opens from the keyboard too.
            await Expect(page.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = words["Portal.Filing.Step3Title"] })).ToBeVisibleAsync();
            await TabToAsync(page, "input[type=file]");
            var chooser = await page.RunAndWaitForFileChooserAsync(() => page.Keyboard.PressAsync("Space"));
            await chooser.SetFilesAsync(new FilePayload { Name = "bon-de-commande.pdf", MimeType = "application/pdf", Buffer = Pdf("Bon de commande") });
            await Expect(page.GetByText(words["Portal.Upload.Done"], new PageGetByTextOptions { Exact = true })).ToHaveCountAsync(1);
            await TabToButtonAsync(page, words["Portal.Filing.Next"]);
            await page.Keyboard.PressAsync("Enter");

            // Step 4: review and send.
            await Expect(page.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = words["Portal.Filing.Step4Title"] })).ToBeVisibleAsync();
            await TabToButtonAsync(page, words["Portal.Filing.Submit"]);
            await page.Keyboard.PressAsync("Enter");
            await Expect(page.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = words["Portal.Submitted.Title"] })).ToBeVisibleAsync();
            await AuditAsync(page);
        });

        Assert.True(_invisibleFocus.Count == 0, "The focus could not be seen on: " + string.Join(", ", _invisibleFocus.Distinct()));
        var filed = await DisputeOnAsync(invoice.Id);
        Assert.StartsWith("LIT-", filed.Reference, StringComparison.Ordinal);
    }

    /// <summary>The text of the elements that aria-describedby names on the field.</summary>
    private static Task<string> DescriptionOfAsync(IPage page, string selector) =>
        page.Locator(selector).EvaluateAsync<string>(
            "field => (field.getAttribute('aria-describedby') || '').split(' ').filter(Boolean).map(id => document.getElementById(id)?.textContent ?? '').join(' ')");

    private Task TabToButtonAsync(IPage page, string name) =>
        TabUntilAsync(page, name, "(name) => { const e = document.activeElement; return e && e.tagName === 'BUTTON' && e.textContent.trim() === name && e.offsetParent !== null; }");

    private Task TabToAsync(IPage page, string selector) =>
        TabUntilAsync(page, selector, "(selector) => document.activeElement && document.activeElement.matches(selector)");

    /// <summary>Presses Tab until the focus satisfies <paramref name="predicate"/>, checking at each stop that the focus shows.</summary>
    private async Task TabUntilAsync(IPage page, string target, string predicate)
    {
        for (var i = 0; i < MaxTabs; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            var focus = await page.EvaluateAsync<string[]>(FocusShows);
            if (focus[1] != "visible")
            {
                _invisibleFocus.Add(focus[0]);
            }

            if (await page.EvaluateAsync<bool>(predicate, target))
            {
                return;
            }
        }

        Assert.Fail($"{MaxTabs} presses of Tab never reached {target}.");
    }
}
