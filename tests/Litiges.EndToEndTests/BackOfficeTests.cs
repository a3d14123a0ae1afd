using Litiges.Disputes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Litiges.EndToEndTests;

/// <summary>The back office in Chromium: staff sign-in and the dispute queue.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class BackOfficeTests(Chromium chromium, LoopbackApps apps, ITestOutputHelper output) : BrowserScenario(chromium, output)
{
    [Fact]
    public async Task Staff_signs_in_and_sees_the_dispute_queue()
    {
        // Companies and disputes of the test's own, found by their reference in the queue filtered to each company:
        // whatever other tests filed, the rows cannot be pushed off the page.
        var tag = Guid.NewGuid().ToString("N")[..6];
        var disputes = new List<(string Reference, string Company)>();
        foreach (var name in new[] { $"Alpha Queue {tag}", $"Beta Queue {tag}" })
        {
            disputes.Add((await NewDisputeAsync(name), name));
        }

        await InBrowserAsync(apps.BackOfficeUrl, async page =>
        {
            await page.GotoAsync("/Disputes");
            await SignInAsync(page, "agent@staff.test");
            await Expect(page.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = "File des litiges" })).ToBeVisibleAsync();

            foreach (var (reference, company) in disputes)
            {
                await page.GotoAsync("/Disputes?customer=" + Uri.EscapeDataString(company));
                var queue = page.GetByRole(AriaRole.Table, new PageGetByRoleOptions { Name = "File des litiges" });
                var row = queue.GetByRole(AriaRole.Row).Filter(new LocatorFilterOptions { HasText = reference });
                await Expect(row).ToHaveCountAsync(1);
                await Expect(row.GetByRole(AriaRole.Cell, new LocatorGetByRoleOptions { Name = company, Exact = true })).ToBeVisibleAsync();
            }
        });
    }

    private async Task<string> NewDisputeAsync(string companyName)
    {
        var company = await apps.NewCompanyAsync(companyName);
        var own = await apps.NewInvoiceAsync(company.Id, ("Palettes", 10, 100m, 0.20m));
        return await apps.WithDbAsync(async db =>
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
    }
}
