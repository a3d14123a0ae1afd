using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Litiges.EndToEndTests;

/// <summary>
/// The dispute screens on a 390 px phone, in both languages (issue 18): the agent writes an
/// internal note and a public reply from separate composer tabs, each marked in the thread; proposes
/// a credit note after reading its live and server previews (excl. and incl. VAT, within the
/// delegation limit) and reads that it went to the customer; the customer reads what the proposal
/// changes (what stays due and by when) and the reply, never the note. axe on every state.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class DisputeScreensTests(Chromium chromium, LoopbackApps apps, ITestOutputHelper output) : JourneyScenario(chromium, apps, output)
{
    private const int PhoneWidth = 390;

    private static BrowserNewContextOptions Phone => new()
    {
        ViewportSize = new ViewportSize { Width = PhoneWidth, Height = 844 },
        IsMobile = true,
        HasTouch = true,
    };

    [Theory]
    [InlineData("fr")]
    [InlineData("en")]
    public async Task Reply_and_note_are_separate_and_a_proposal_shows_its_consequences_to_agent_and_customer(string language)
    {
        var words = new Words(language);
        var test = nameof(Reply_and_note_are_separate_and_a_proposal_shows_its_consequences_to_agent_and_customer) + "_" + language;

        // 1 000 € + 20 % = 1 200 €, due in 15 days; a credit of 400 € excl. VAT (480 € incl.) leaves 720 € due.
        var invoice = await NewInvoiceAsync(Apps.Data.AlphaId, "Chaudière", 1000m, 0.20m);
        var dispute = await AcknowledgedDisputeAsync(invoice, 1200m, "alice@alpha.test", "Prix de la chaudière erroné.");
        var dueDate = await Apps.WithDbAsync(db => db.Invoices.Where(i => i.Id == invoice.Id).Select(i => i.DueDate).SingleAsync());
        var details = $"/Disputes/Details/{dispute.Id}";
        var note = language == "fr" ? "Vu avec le commercial : geste possible." : "Checked with sales: a gesture is possible.";
        var reply = language == "fr" ? "Nous vous proposons un avoir sous 48 heures." : "We will offer you a credit note within 48 hours.";

        await InBrowserAsync(Apps.BackOfficeUrl, async agent =>
        {
            await SignedInAsync(agent, details, "agent@staff.test", words);

            // The composer opens on the public reply; the internal note is a tab of its own, marked as such.
            var tabs = agent.GetByRole(AriaRole.Tablist);
            var noteTab = tabs.GetByRole(AriaRole.Tab, new LocatorGetByRoleOptions { Name = words["Composer.NoteTab"], Exact = true });
            var replyTab = tabs.GetByRole(AriaRole.Tab, new LocatorGetByRoleOptions { Name = words["Composer.ReplyTab"], Exact = true });
            await Expect(replyTab).ToHaveAttributeAsync("aria-selected", "true");
            await noteTab.ClickAsync();
            await Expect(noteTab).ToHaveAttributeAsync("aria-selected", "true");
            await Expect(agent.GetByRole(AriaRole.Tabpanel)).ToContainTextAsync(words["Thread.InternalHint"]);
            await AuditAsync(agent);
            await agent.GetByRole(AriaRole.Textbox, new PageGetByRoleOptions { Name = words["Composer.NoteLabel"], Exact = true }).FillAsync(note);
            await ClickButtonAsync(agent, words["Composer.AddNote"]);
            await FlashAsync(agent);
            var posted = agent.Locator("li[data-thread=note]");
            await Expect(posted).ToContainTextAsync(note);
            await Expect(posted).ToContainTextAsync(words["Thread.InternalHint"]);

            await agent.GetByRole(AriaRole.Textbox, new PageGetByRoleOptions { Name = words["Composer.ReplyLabel"], Exact = true }).FillAsync(reply);
            await ClickButtonAsync(agent, words["Composer.SendReply"]);
            await FlashAsync(agent);
            var answered = agent.Locator("li[data-thread=staff]");
            await Expect(answered).ToContainTextAsync(reply);
            await Expect(answered).ToContainTextAsync(words["Thread.PublicBadge"]);
            await FitsThePhoneAsync(agent);
        }, Phone, test + "_1_agent_note_and_reply");

        await InBrowserAsync(Apps.BackOfficeUrl, async agent =>
        {
            await SignedInAsync(agent, details + "/Settlement", "agent@staff.test", words);
            await agent.GetByText(words["Details.ProposeSettlement"], new PageGetByTextOptions { Exact = true }).First.ClickAsync();
            await ExpectAmountAsync(agent.GetByTestId("delegation-notice"), words.Amount(500m));
            var form = agent.GetByRole(AriaRole.Form, new PageGetByRoleOptions { Name = words["SettlementKind.CreditNote"], Exact = true });
            await form.GetByLabel(words["Settlements.Summary"]).FillAsync(language == "fr" ? "Avoir sur l'écart de prix" : "Credit for the price gap");
            var line = form.GetByRole(AriaRole.Group, new LocatorGetByRoleOptions { Name = words["Settlements.CreditLine", 1] });
            await line.GetByLabel(words["Settlements.Description"]).FillAsync(language == "fr" ? "Écart de prix" : "Price gap");
            await line.GetByLabel(words["Settlements.Quantity"]).FillAsync("1");
            await line.GetByLabel(words["Settlements.UnitPrice"]).FillAsync(400m.ToString("0.00", words.Culture));
            await line.GetByLabel(words["Settlements.VatRate"]).FillAsync("20");

            // While typing: the credit excl. and incl. VAT, and that it stays within the agent's 500 €.
            var live = form.GetByTestId("preview-live");
            await ExpectAmountAsync(live, words.Amount(480m));
            await Expect(live).ToContainTextAsync(words["Settlements.Live.Within"]);
            await AuditAsync(agent);

            // The server's preview says the same, with what stays due.
            await form.GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = words["Settlements.PreviewButton"], Exact = true }).ClickAsync();
            var preview = agent.GetByTestId("preview");
            await Expect(preview).ToContainTextAsync(words["Settlements.Preview.GoesToCustomer"]);
            await ExpectAmountAsync(preview.GetByTestId("credited-net"), words.Amount(400m));
            await ExpectAmountAsync(preview.GetByTestId("credited-gross"), words.Amount(480m));
            await ExpectAmountAsync(preview.GetByTestId("still-due-line"), words.Amount(720m));
            await AuditAsync(agent);

            // Proposed: the agent reads that it went to the customer, and what it changes for them.
            form = agent.GetByRole(AriaRole.Form, new PageGetByRoleOptions { Name = words["SettlementKind.CreditNote"], Exact = true });
            await form.GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = words["Details.ProposeSettlement"], Exact = true }).ClickAsync();
            await Expect(agent.Locator(".alert-success[role=status]").First).ToHaveTextAsync(words["Settlements.ProposedSentToCustomer"]);
            await Expect(agent.GetByTestId("proposal-next")).ToContainTextAsync(words["Settlements.Next.Proposed", "\u0001"].Split('\u0001')[0].Trim());
            await ExpectAmountAsync(agent.GetByTestId("consequences").GetByTestId("still-due-line"), words.Amount(720m));
            await AuditAsync(agent);
            await FitsThePhoneAsync(agent);
        }, Phone, test + "_2_agent_proposes");

        await InBrowserAsync(Apps.PortalUrl, async page =>
        {
            await SignedInAsync(page, details, "alice@alpha.test", words);
            var panel = page.GetByTestId("proposal-details").GetByTestId("consequences");
            await Expect(panel.GetByRole(AriaRole.Heading, new LocatorGetByRoleOptions { Name = words["Consequences.TitleCustomer"] })).ToBeVisibleAsync();
            await ExpectAmountAsync(panel.GetByTestId("credited-net"), words.Amount(400m));
            await ExpectAmountAsync(panel.GetByTestId("credited-vat"), words.Amount(80m));
            await ExpectAmountAsync(panel.GetByTestId("credited-gross"), words.Amount(480m));
            var dueLine = words["Consequences.DueBy", words.Amount(720m), dueDate.ToString("d", words.Culture)];
            await Expect(panel.GetByTestId("still-due-line")).ToContainTextAsync(new Regex(Spaced(dueLine)));

            // The reply is in the customer's thread; the internal note is nowhere.
            await Expect(page.GetByText(reply).First).ToBeVisibleAsync();
            await Expect(page.GetByText(note)).ToHaveCountAsync(0);
            await AuditAsync(page);
            await FitsThePhoneAsync(page);
        }, Phone, test + "_3_customer_reads_the_consequences");
    }

    private static async Task FitsThePhoneAsync(IPage page)
    {
        var width = await page.EvaluateAsync<int>("() => document.scrollingElement.scrollWidth");
        Assert.True(width <= PhoneWidth + 2, $"{page.Url} is {width}px wide on a {PhoneWidth}px phone.");
    }

    // The browser and the server may use different spaces (narrow, non-breaking) between digit groups.
    private static Task ExpectAmountAsync(ILocator locator, string amount) =>
        Expect(locator).ToContainTextAsync(new Regex(Spaced(amount)));

    private static string Spaced(string text) =>
        string.Concat(text.Select(c => char.IsWhiteSpace(c) || c is '\u00A0' or '\u202F' ? "\\s?" : Regex.Escape(c.ToString())));
}
