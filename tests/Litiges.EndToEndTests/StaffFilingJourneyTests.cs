using Litiges.Disputes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Litiges.EndToEndTests;

/// <summary>
/// Seed 003, step 1: during a dunning call the customer says the promised discount is missing;
/// the agent opens the dispute there and then, for the person on the phone, from the back office.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class StaffFilingJourneyTests(Chromium chromium, LoopbackApps apps, ITestOutputHelper output) : BrowserScenario(chromium, output)
{
    [Fact]
    public async Task An_agent_opens_a_dispute_from_a_dunning_call()
    {
        var words = new Words("fr");
        var invoice = await apps.NewInvoiceAsync(apps.Data.AlphaId, ("Granulés de bois", 20, 25m, 0.20m), ("Livraison", 1, 40m, 0.20m));
        var description = "Remise de 10 % promise par le commercial non appliquée (appel de relance du jour).";

        await InBrowserAsync(apps.BackOfficeUrl, async agent =>
        {
            await agent.GotoAsync("/Disputes");
            await SignInAsync(agent, "agent@staff.test");
            await agent.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = words["StaffFiling.Title"], Exact = true }).ClickAsync();
            await Expect(agent.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = words["StaffFiling.Title"] })).ToBeVisibleAsync();
            await AuditAsync(agent);

            await agent.GetByLabel(words["StaffFiling.CustomerQuery"]).FillAsync("alpha");
            await agent.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = words["StaffFiling.Search"], Exact = true }).ClickAsync();
            await agent.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Alpha Industries (C-ALPHA)", Exact = true }).ClickAsync();

            await agent.GetByLabel(words["StaffFiling.InvoiceQuery"]).FillAsync(invoice.Number);
            await agent.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = words["StaffFiling.SearchInvoices"], Exact = true }).ClickAsync();
            await agent.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = words["StaffFiling.AddInvoice", invoice.Number], Exact = true }).ClickAsync();
            await AuditAsync(agent);

            await agent.GetByLabel(words["Portal.Filing.WholeInvoice"]).CheckAsync();
            await agent.GetByLabel(words["StaffFiling.AmountOfInvoice", invoice.Number, "EUR"]).FillAsync("60,00");
            await agent.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = words["StaffFiling.Recalculate"], Exact = true }).ClickAsync();
            await Expect(agent.Locator("#running-total")).ToHaveTextAsync(words.Amount(60m));

            await agent.GetByLabel(words["Disputes.Reason"], new PageGetByLabelOptions { Exact = true }).SelectOptionAsync("FAC");
            await agent.GetByLabel(words["StaffFiling.Outcome"]).SelectOptionAsync(nameof(DesiredOutcome.CreditNote));
            await agent.GetByLabel(words["StaffFiling.Description"], new PageGetByLabelOptions { Exact = true }).FillAsync(description);
            await agent.GetByLabel(words["CaseFile.Source.DunningCall"]).CheckAsync();
            await agent.GetByLabel(words["StaffFiling.OtherContact"]).CheckAsync();
            await agent.GetByLabel(words["Portal.Filing.ContactName"], new PageGetByLabelOptions { Exact = true }).FillAsync("Paul Martin");
            await agent.GetByLabel(words["StaffFiling.ContactPhone"]).FillAsync("04 72 00 00 00");
            await agent.GetByLabel(words["StaffFiling.AddFiles"]).SetInputFilesAsync(new FilePayload { Name = "note-appel.pdf", MimeType = "application/pdf", Buffer = "%PDF-1.4\n% note\n%%EOF\n"u8.ToArray() });
            await AuditAsync(agent);
            await agent.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = words["StaffFiling.Submit"], Exact = true }).ClickAsync();

            await Expect(agent.GetByRole(AriaRole.Status).Filter(new LocatorFilterOptions { HasText = "suspendus des relances" })).ToBeVisibleAsync();
            await Expect(agent.GetByText("Paul Martin").First).ToBeVisibleAsync();
            await Expect(agent.GetByText("note-appel.pdf").First).ToBeVisibleAsync();
            await AuditAsync(agent);
        });

        var dispute = await apps.WithDbAsync(db => db.Disputes.AsNoTracking().Include(d => d.History).SingleAsync(d => d.Items.Any(i => i.InvoiceId == invoice.Id)));
        Assert.Equal((DisputeSource.DunningCall, "Paul Martin", 60m), (dispute.Source, dispute.ContactName, dispute.DisputedAmount));
        Assert.Contains("pour le compte de Paul Martin (appel de relance)", dispute.History[0].Text, StringComparison.Ordinal);
        var blocked = await apps.WithDbAsync(db => db.Invoices.Where(i => i.Id == invoice.Id).Select(i => i.BlockedAmount).SingleAsync());
        Assert.Equal(60m, blocked);
    }
}
