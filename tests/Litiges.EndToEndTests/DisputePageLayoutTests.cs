using System.Text.RegularExpressions;
using Litiges.CreditNotes;
using Litiges.Disputes;
using Litiges.Settlements;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Litiges.EndToEndTests;

/// <summary>
/// The customer's dispute page and the back office's settlement page, on a 390 px phone and a
/// 1280 px desktop, in both languages (issue 18): the portal page opens on its header (reference,
/// status, invoices) and the dispute's money (disputed, credited, still to pay); an open dispute
/// shows the proposal to review with its credit lines and what it changes per invoice; an ended one
/// its outcome and credit note, and says when a section is empty. Nothing is wider than the screen
/// (the credit lines become cards on a phone), axe finds nothing serious, and a screenshot of each
/// page is kept.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class DisputePageLayoutTests(Chromium chromium, LoopbackApps apps, ITestOutputHelper output) : JourneyScenario(chromium, apps, output)
{
    private static readonly Actor CreditManager = new("e2e-credit-manager", "Camille Crédit", ActorRole.CreditManager);

    [Theory]
    [InlineData("fr", 390)]
    [InlineData("en", 390)]
    [InlineData("fr", 1280)]
    [InlineData("en", 1280)]
    public async Task Dispute_pages_show_their_money_and_fit_the_screen(string language, int width)
    {
        var words = new Words(language);
        var phone = width < 768;
        var device = phone ? "phone" : "desktop";
        var options = new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = phone ? 844 : 900 },
            IsMobile = phone,
            HasTouch = phone,
        };

        // Open: two invoices (1 200 € and 600 € incl. VAT) disputed in full, a credit note of
        // 400 € + 100 € excl. VAT (600 € incl.) proposed to the customer.
        var first = await NewInvoiceAsync(Apps.Data.AlphaId, "Chaudière à condensation", 1000m, 0.20m);
        var second = await NewInvoiceAsync(Apps.Data.AlphaId, "Contrat d'entretien", 500m, 0.20m);
        var open = await ProposedOnTwoInvoicesAsync(first, second);

        // Ended: one invoice of 1 200 € incl. VAT, a credit of 100 € + 20 % accepted and issued: 1 080 € still to pay.
        var third = await NewInvoiceAsync(Apps.Data.AlphaId, "Pompe à chaleur", 1000m, 0.20m);
        var ended = await AcknowledgedDisputeAsync(third, 1200m, "alice@alpha.test", "Prix de la pompe erroné.");
        var creditNote = await AcceptedAndIssuedAsync(ended.Id, third.Id);

        await InBrowserAsync(
            Apps.PortalUrl,
            async page =>
            {
                await SignedInAsync(page, $"/Disputes/Details/{open.Id}", "alice@alpha.test", words);

                // The header: reference, status, both invoices.
                var header = page.GetByTestId("dispute-header");
                await Expect(header.GetByRole(AriaRole.Heading, new LocatorGetByRoleOptions { Level = 1 })).ToContainTextAsync(open.Reference);
                await Expect(header.Locator(".status-badge")).ToBeVisibleAsync();
                await Expect(header.Locator($"[data-header-invoice='{first.Number}']")).ToBeVisibleAsync();
                await Expect(header.Locator($"[data-header-invoice='{second.Number}']")).ToBeVisibleAsync();

                // The money: 1 800 € disputed, nothing credited yet, 1 800 € still to pay.
                await ExpectAmountAsync(page.GetByTestId("figure-claimed"), words.Amount(1800m));
                await ExpectAmountAsync(page.GetByTestId("figure-credited"), words.Amount(0m));
                await ExpectAmountAsync(page.GetByTestId("figure-still-due"), words.Amount(1800m));
                await Expect(page.Locator("[data-figure='still-due'] .deadline")).ToContainTextAsync(words["Design.Deadline.OnTime"]);
                await Expect(page.Locator("#deadline-list li")).Not.ToHaveCountAsync(0);

                // The proposal: its credit lines (cards on a phone) and their total, what it changes per invoice.
                var lines = page.GetByTestId("proposal-details").GetByTestId("credit-lines");
                await Expect(lines.Locator("tbody tr")).ToHaveCountAsync(2);
                await ExpectAmountAsync(lines.GetByTestId("credit-lines-total"), words.Amount(600m));
                await ExpectCardsAsync(lines.Locator("tbody tr").First, phone);
                var perInvoice = page.GetByTestId("proposal-details").Locator(".consequences-invoices tbody tr");
                await Expect(perInvoice).ToHaveCountAsync(2);
                await ExpectCardsAsync(perInvoice.First, phone);
                await ExpectAmountAsync(page.GetByTestId("proposal-details").GetByTestId("credited-gross"), words.Amount(600m));
                await CheckPageAsync(page, width, $"dispute-page-proposal-{device}-{language}");

                await page.GotoAsync($"/Disputes/Details/{ended.Id}");

                // Ended: the outcome and its credit note first; 1 200 € disputed, 120 € credited, 1 080 € still to pay.
                await Expect(page.Locator("#outcome")).ToBeVisibleAsync();
                await Expect(page.Locator($"#outcome [data-credit-note='{creditNote}']")).ToBeVisibleAsync();
                await ExpectAmountAsync(page.GetByTestId("figure-claimed"), words.Amount(1200m));
                await ExpectAmountAsync(page.GetByTestId("figure-credited"), words.Amount(120m));
                await ExpectAmountAsync(page.GetByTestId("figure-still-due"), words.Amount(1080m));
                await Expect(page.GetByTestId("dispute-figures")).ToContainTextAsync(words["DisputePage.RemindersResumed"]);

                // Nothing was written or attached: said so, in place of an empty list.
                await Expect(page.GetByTestId("no-messages")).ToContainTextAsync(words["DisputePage.NoMessageEnded"]);
                await Expect(page.GetByTestId("no-evidence")).ToContainTextAsync(words["DisputePage.NoEvidenceEnded"]);
                await CheckPageAsync(page, width, $"dispute-page-ended-{device}-{language}");
            },
            options,
            $"{nameof(Dispute_pages_show_their_money_and_fit_the_screen)}_{language}_{width}_portal");

        await InBrowserAsync(
            Apps.BackOfficeUrl,
            async page =>
            {
                await SignedInAsync(page, $"/Disputes/Details/{open.Id}/Settlement", "agent@staff.test", words);
                var proposal = page.Locator("section[data-proposal]").First;
                var lines = proposal.GetByTestId("credit-lines");
                await Expect(lines.Locator("tbody tr")).ToHaveCountAsync(2);
                await ExpectAmountAsync(lines.GetByTestId("credit-lines-total"), words.Amount(600m));
                await ExpectAmountAsync(lines.Locator("tbody tr").First, words.Amount(480m));
                await ExpectCardsAsync(lines.Locator("tbody tr").First, phone);
                await ExpectCardsAsync(proposal.Locator(".consequences-invoices tbody tr").First, phone);
                await CheckPageAsync(page, width, $"settlement-credit-lines-{device}-{language}");
            },
            options,
            $"{nameof(Dispute_pages_show_their_money_and_fit_the_screen)}_{language}_{width}_backoffice");
    }

    // A credit note over two invoices, proposed by a credit manager (within 5 000 €) and waiting for the customer.
    private Task<(int Id, string Reference)> ProposedOnTwoInvoicesAsync((int Id, string Number) first, (int Id, string Number) second) =>
        Apps.WithDbAsync(async db =>
        {
            var user = await db.Users.SingleAsync(u => u.Email == "alice@alpha.test");
            var agent = await db.Users.SingleAsync(u => u.Email == "agent@staff.test");
            var invoices = await db.Invoices.Include(i => i.Lines).Include(i => i.DunningBlocks).Where(i => i.Id == first.Id || i.Id == second.Id).OrderBy(i => i.Id).ToListAsync();
            var reason = await db.ReasonCodes.SingleAsync(r => r.Code == "FAC");
            var now = DateTimeOffset.UtcNow;
            var reference = await Numbering.SequenceNumbers.NextAsync(db, "LIT", now.Year);
            var dispute = Dispute.Open(reference, invoices[0].CustomerAccountId, reason, "Prix erronés sur deux factures.", DesiredOutcome.CreditNote, [.. invoices.Select(i => new DisputeClaim(i, null, i.TotalGross))], DisputeSource.CustomerPortal, new Actor(user.Id, user.DisplayName, ActorRole.Customer, invoices[0].CustomerAccountId), now);
            dispute.Acknowledge(new Actor(agent.Id, agent.DisplayName, ActorRole.Agent), now);
            db.Disputes.Add(dispute);
            await db.SaveChangesAsync();
            var limits = new DelegationLimits(await db.DelegationLimits.ToListAsync());
            var draft = new SettlementDraft(SettlementKind.CreditNote, "Avoir sur les écarts de prix")
            {
                Credits =
                [
                    new ProposedCredit(first.Id, null, "Écart de prix", 1, 400m, 0.20m),
                    new ProposedCredit(second.Id, null, "Remise oubliée", 2, 50m, 0.20m),
                ],
            };
            dispute.ProposeSettlement(CreditManager, draft, limits, 50m, now);
            await db.SaveChangesAsync();
            Assert.Equal(DisputeStatus.SettlementProposed, dispute.Status);
            return (dispute.Id, reference);
        });

    // A credit of 100 € + 20 % proposed, accepted by the customer, and its credit note issued by finance.
    private async Task<string> AcceptedAndIssuedAsync(int disputeId, int invoiceId)
    {
        await Apps.WithDbAsync(async db =>
        {
            var dispute = await db.Disputes.Include(d => d.Items).ThenInclude(i => i.Invoice).Include(d => d.Proposals).Include(d => d.Pauses).SingleAsync(d => d.Id == disputeId);
            var limits = new DelegationLimits(await db.DelegationLimits.ToListAsync());
            var now = DateTimeOffset.UtcNow;
            dispute.ProposeSettlement(CreditManager, new SettlementDraft(SettlementKind.CreditNote, "Avoir de 100 € HT") { Credits = [new ProposedCredit(invoiceId, null, "Écart de prix", 1, 100m, 0.20m)] }, limits, 50m, now);
            dispute.AcceptSettlement(new Actor("e2e-customer", "Alice Alpha", ActorRole.Customer, Apps.Data.AlphaId), now, "203.0.113.7");
            await db.SaveChangesAsync();
        });
        using var scope = Apps.BackOffice.Services.CreateScope();
        var notes = await scope.ServiceProvider.GetRequiredService<CreditNoteIssuer>().IssueForDisputeAsync(disputeId, new Actor("e2e-finance", "Fanny Finance", ActorRole.Finance));
        return notes.Single().Number;
    }

    // A row is a card on a phone (a block of its own), a table row on a desktop.
    private static async Task ExpectCardsAsync(ILocator row, bool phone) =>
        Assert.Equal(phone ? "block" : "table-row", await row.EvaluateAsync<string>("e => getComputedStyle(e).display"));

    // Audited, nothing wider than the screen (the page itself, and no element sticking out; a clipped one,
    // such as the column headings a list of cards keeps for screen readers, is not seen), and kept as a screenshot.
    private async Task CheckPageAsync(IPage page, int width, string name)
    {
        await AuditAsync(page);
        var widths = await page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]");
        Assert.True(widths[0] <= widths[1], $"{name}: the page is {widths[0]}px wide in a {widths[1]}px window.");
        var wider = await page.EvaluateAsync<string[]>(
            """
            (width) => [...document.querySelectorAll('body *')]
                .filter(e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0 && (r.right > width + 1 || r.left < -1); })
                .filter(e => { for (let x = e; x && x !== document.body; x = x.parentElement) { if (getComputedStyle(x).clip !== 'auto') return false; } return true; })
                .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\s+/).join('.') : '') + ' ' + Math.round(e.getBoundingClientRect().right) + 'px')
                .slice(0, 5)
            """,
            width);
        Assert.True(wider.Length == 0, $"{name}: wider than the {width}px screen: {string.Join(", ", wider)}");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Artifacts.File("screenshots", name + ".png"), FullPage = true });
    }

    // The browser and the server may use different spaces (narrow, non-breaking) between digit groups.
    private static Task ExpectAmountAsync(ILocator locator, string amount) =>
        Expect(locator).ToContainTextAsync(new Regex(string.Concat(amount.Select(c => char.IsWhiteSpace(c) || c is '\u00A0' or '\u202F' ? "\\s?" : Regex.Escape(c.ToString())))));
}
