using System.Text;
using Litiges.Disputes;
using Litiges.Invoices;
using Litiges.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Litiges.EndToEndTests;

/// <summary>
/// What the whole-journey tests share: an invoice of their own, each person in their own browser
/// signed in and reading the product in the journey's language, every page audited by axe-core.
/// </summary>
public abstract class JourneyScenario(Chromium chromium, LoopbackApps apps, ITestOutputHelper output) : BrowserScenario(chromium, output)
{
    protected LoopbackApps Apps { get; } = apps;

    /// <summary>A fresh one-line invoice of the company, so that no other test's dispute covers it.</summary>
    protected async Task<(int Id, string Number)> NewInvoiceAsync(int companyId, string description, decimal unitPrice, decimal vatRate)
    {
        var invoice = await Apps.NewInvoiceAsync(companyId, (description, 1, unitPrice, vatRate));
        return (invoice.Id, invoice.Number);
    }

    /// <summary>A dispute on the whole invoice, filed by <paramref name="customer"/> and already acknowledged by the agent.</summary>
    protected Task<(int Id, string Reference)> AcknowledgedDisputeAsync((int Id, string Number) invoice, decimal amount, string customer, string description) =>
        Apps.WithDbAsync(async db =>
        {
            var user = await db.Users.SingleAsync(u => u.Email == customer);
            var agent = await db.Users.SingleAsync(u => u.Email == "agent@staff.test");
            var claimed = await db.Invoices.Include(i => i.Lines).Include(i => i.DunningBlocks).SingleAsync(i => i.Id == invoice.Id);
            var reason = await db.ReasonCodes.SingleAsync(r => r.Code == "FAC");
            var now = DateTimeOffset.UtcNow;
            var reference = await Numbering.SequenceNumbers.NextAsync(db, "LIT", now.Year);
            var dispute = Dispute.Open(reference, claimed.CustomerAccountId, reason, description, DesiredOutcome.Other, [new DisputeClaim(claimed, null, amount)], DisputeSource.CustomerPortal, new Actor(user.Id, user.DisplayName, ActorRole.Customer, claimed.CustomerAccountId), now);
            dispute.Acknowledge(new Actor(agent.Id, agent.DisplayName, ActorRole.Agent), now);
            db.Disputes.Add(dispute);
            await db.SaveChangesAsync();
            return (dispute.Id, reference);
        });

    protected Task<(int Id, string Reference)> DisputeOnAsync(int invoiceId) =>
        Apps.WithDbAsync(async db =>
        {
            var dispute = await db.Disputes.Where(d => d.Items.Any(i => i.InvoiceId == invoiceId)).OrderByDescending(d => d.Id).Select(d => new { d.Id, d.Reference }).FirstAsync();
            return (dispute.Id, dispute.Reference);
        });

    protected Task<DisputeStatus> StatusAsync(int disputeId) =>
        Apps.WithDbAsync(db => db.Disputes.Where(d => d.Id == disputeId).Select(d => d.Status).SingleAsync());

    /// <summary>Opens <paramref name="path"/> of the app, signs in there, and switches the reading language when it is not the journey's.</summary>
    protected async Task SignedInAsync(IPage page, string path, string email, Words words)
    {
        await page.GotoAsync(path);
        var shown = new Words(await page.Locator("html").GetAttributeAsync("lang") ?? "fr");
        await page.GetByLabel(shown["Account.Email"], new PageGetByLabelOptions { Exact = true }).FillAsync(email);
        await page.GetByLabel(shown["Account.Password"], new PageGetByLabelOptions { Exact = true }).FillAsync(Testing.LitigesFixture.Password);
        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = shown["Account.SignIn"], Exact = true }).ClickAsync();
        await LeftSignInAsync(page);
        await SwitchLanguageAsync(page, words);
        await AuditAsync(page);
    }

    /// <summary>Switches the page to the journey's language with the language button (in the menu, on a phone).</summary>
    protected static async Task SwitchLanguageAsync(IPage page, Words words)
    {
        var language = await page.Locator("html").GetAttributeAsync("lang");
        if (language == words.Language)
        {
            return;
        }

        var shown = new Words(language ?? "fr");
        var button = page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = shown["Language.SwitchTo"], Exact = true });
        if (!await button.IsVisibleAsync())
        {
            await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = shown["Layout.ToggleNavigation"] }).ClickAsync();

            // The menu opens with a short animation, its content clipped meanwhile. A click during it lands
            // where the button was drawn, inside the clipped box that Playwright scrolled to reach it; when the
            // animation ends the box unclips, the button moves, and the click hits nothing (CI, stop 33).
            await Expect(page.Locator("#nav.collapse.show")).ToBeVisibleAsync();
        }

        // The button posts to /Language, which answers with a redirect back to this page. Waiting for that
        // answer first tells a refused post (its status) from a slow page, and the page that follows gets the
        // navigation's own time-out: on a machine busy with the other test projects the back office's
        // settlement page has taken longer than an expectation's few seconds (CI, stop 33).
        var answer = await page.RunAndWaitForResponseAsync(
            () => button.ClickAsync(),
            response => response.Request.Method == "POST" && new Uri(response.Url).AbsolutePath.Equals("/Language", StringComparison.OrdinalIgnoreCase),
            new PageRunAndWaitForResponseOptions { Timeout = 60_000 });
        Assert.Equal(302, answer.Status);
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", words.Language, new LocatorAssertionsToHaveAttributeOptions { Timeout = 60_000 });
    }

    protected static Task ClickButtonAsync(IPage page, string name) =>
        page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = name, Exact = true }).First.ClickAsync();

    /// <summary>Opens a section of the back-office dispute workspace by its tab, as a keyboard or screen-reader user would find it.</summary>
    protected async Task SectionAsync(IPage page, Words words, string tabKey)
    {
        var tabs = page.GetByRole(AriaRole.Navigation, new PageGetByRoleOptions { Name = words["Workspace.Sections"], Exact = true });
        var tab = tabs.GetByRole(AriaRole.Link, new LocatorGetByRoleOptions { Name = words[tabKey], Exact = true });
        await tab.ClickAsync();
        await Expect(tab).ToHaveAttributeAsync("aria-current", "page");
        await AuditAsync(page);
    }

    /// <summary>Waits for the flash message a finished act leaves, then audits the page it is on.</summary>
    protected async Task FlashAsync(IPage page)
    {
        await Expect(page.Locator(".alert-success[role=status]").First).ToBeVisibleAsync();
        await AuditAsync(page);
    }

    /// <summary>Files a dispute on the whole invoice for <paramref name="amount"/> through the portal's four steps, with one PDF.</summary>
    protected async Task FileAsync(IPage page, Words words, (int Id, string Number) invoice, decimal amount, string problem, string description)
    {
        await page.GotoAsync($"/Disputes/New?invoice={invoice.Id}");
        await Expect(page.GetByText(invoice.Number).First).ToBeVisibleAsync();
        await AuditAsync(page);
        await page.GetByLabel(words["Portal.Filing.WholeInvoice"]).CheckAsync();
        await page.GetByLabel(words["Portal.Filing.AmountDisputed", "EUR"]).FillAsync(amount.ToString("0.00", words.Culture));
        await NextAsync(page, words);

        await page.GetByLabel(words["Portal.Problem." + problem], new PageGetByLabelOptions { Exact = true }).CheckAsync();
        await page.GetByLabel(words["Portal.Filing.Description"], new PageGetByLabelOptions { Exact = true }).FillAsync(description);
        await page.GetByLabel(words["Portal.Filing.Outcome"]).SelectOptionAsync(nameof(DesiredOutcome.CreditNote));
        await AuditAsync(page);
        await NextAsync(page, words);

        await page.GetByLabel(words["Portal.Upload.Choose"]).SetInputFilesAsync(new FilePayload { Name = "releve.pdf", MimeType = "application/pdf", Buffer = Pdf(description) });
        await Expect(page.GetByText(words["Portal.Upload.Done"], new PageGetByTextOptions { Exact = true })).ToHaveCountAsync(1);
        await AuditAsync(page);
        await NextAsync(page, words);

        await AuditAsync(page);
        await ClickButtonAsync(page, words["Portal.Filing.Submit"]);
        await Expect(page.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = words["Portal.Submitted.Title"] })).ToBeVisibleAsync();
        await AuditAsync(page);
    }

    protected static Task NextAsync(IPage page, Words words) =>
        page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = words["Portal.Filing.Next"], Exact = true }).Last.ClickAsync();

    protected static byte[] Pdf(string text) =>
        Encoding.ASCII.GetBytes($"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% {Ascii(text)}\ntrailer << /Root 1 0 R >>\n%%EOF\n");

    private static string Ascii(string text) => new([.. text.Where(c => c is >= ' ' and < (char)127)]);

    /// <summary>Checks that each expected e-mail reached maildev: (recipient, subject text).</summary>
    protected async Task MailsArrivedAsync(params (string To, string Subject)[] expected)
    {
        foreach (var (to, subject) in expected)
        {
            var mail = await Apps.Mail.WaitForAsync(to, subject);
            Assert.False(string.IsNullOrWhiteSpace(mail.Text), $"The e-mail '{mail.Subject}' has no text part.");
        }
    }
}
