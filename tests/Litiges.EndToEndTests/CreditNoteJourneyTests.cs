using Litiges.Disputes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Litiges.EndToEndTests;

/// <summary>
/// From the customer's complaint to the credit note in their hands, each person in their own
/// browser: filed with evidence, acknowledged and qualified, a task done, a credit note above the
/// agent's limit approved by the credit manager, accepted, issued by finance, downloaded; every
/// e-mail of the way caught by maildev. Once in French (Alpha) and once in English (Beta).
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class CreditNoteJourneyTests(Chromium chromium, LoopbackApps apps, ITestOutputHelper output) : JourneyScenario(chromium, apps, output)
{
    private static readonly PageGetByLabelOptions Exactly = new() { Exact = true };

    [Fact]
    public Task Credit_note_journey_in_french() => JourneyAsync(new Words("fr"), Apps.Data.AlphaId, "alice@alpha.test");

    [Fact]
    public Task Credit_note_journey_in_english() => JourneyAsync(new Words("en"), Apps.Data.BetaId, "bob@beta.test");

    private async Task JourneyAsync(Words words, int companyId, string customer, [System.Runtime.CompilerServices.CallerMemberName] string test = "")
    {
        // 1 × 900 € + 20 % VAT = 1 080 €; 600 € disputed; a 500 € net credit (600 € gross) exceeds the agent's 500 € limit.
        var invoice = await NewInvoiceAsync(companyId, "Pompe doseuse", 900m, 0.20m);
        const decimal Credit = 600m;
        const string Description = "Price charged above the signed quote / prix au-dessus du devis signé.";
        (int Id, string Reference) dispute = default;

        await InBrowserAsync(Apps.PortalUrl, async page =>
        {
            await SignedInAsync(page, "/Invoices", customer, words);
            await FileAsync(page, words, invoice, Credit, nameof(CustomerProblem.Other), Description);
        }, test: test + "_1_customer_files");
        dispute = await DisputeOnAsync(invoice.Id);
        var details = $"/Disputes/Details/{dispute.Id}";

        await InBrowserAsync(Apps.BackOfficeUrl, async agent =>
        {
            await SignedInAsync(agent, details, "agent@staff.test", words);
            await Expect(agent.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = dispute.Reference })).ToBeVisibleAsync();
            await ClickButtonAsync(agent, words["Details.Acknowledge"]);
            await FlashAsync(agent);
            await agent.GetByLabel(words["Disputes.Reason"], new PageGetByLabelOptions { Exact = true }).SelectOptionAsync("FAC");
            await ClickButtonAsync(agent, words["Details.Qualify"]);
            await FlashAsync(agent);
            await SectionAsync(agent, words, "Workspace.Tasks");
            await agent.GetByLabel(words["Details.TaskTitle"], Exactly).FillAsync("Vérifier le prix du devis / check the quoted price");
            await agent.GetByLabel(words["Details.TaskDepartment"], Exactly).SelectOptionAsync(new SelectOptionValue { Label = words.Language == "fr" ? "Facturation" : "Billing" });
            await agent.GetByLabel(words["Tasks.DueOn"], Exactly).FillAsync(DateTime.UtcNow.AddDays(3).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
            await agent.GetByLabel(words["Tasks.CashAtStake"], Exactly).FillAsync("600");
            await ClickButtonAsync(agent, words["Details.OpenTask"]);
            await FlashAsync(agent);
        }, test: test + "_2_agent_qualifies");

        await InBrowserAsync(Apps.BackOfficeUrl, async resolver =>
        {
            await SignedInAsync(resolver, "/Tasks", "resolver@staff.test", words);
            var row = resolver.GetByRole(AriaRole.Row).Filter(new LocatorFilterOptions { HasText = dispute.Reference });
            await row.GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = words["Details.CompleteTask"] }).ClickAsync();
            await Expect(resolver.GetByRole(AriaRole.Row).Filter(new LocatorFilterOptions { HasText = dispute.Reference })).ToHaveCountAsync(0);
            await AuditAsync(resolver);
        }, test: test + "_3_resolver_completes_the_task");

        await InBrowserAsync(Apps.BackOfficeUrl, async agent =>
        {
            await SignedInAsync(agent, details, "agent@staff.test", words);
            await SectionAsync(agent, words, "Workspace.Settlement");
            await agent.GetByText(words["Details.ProposeSettlement"], new PageGetByTextOptions { Exact = true }).First.ClickAsync();
            var form = agent.GetByRole(AriaRole.Form, new PageGetByRoleOptions { Name = words["SettlementKind.CreditNote"], Exact = true });
            await form.GetByLabel(words["Settlements.Summary"]).FillAsync("Avoir de 500 € HT / 500 € credit excl. VAT");
            var line = form.GetByRole(AriaRole.Group, new LocatorGetByRoleOptions { Name = words["Settlements.CreditLine", 1] });
            await line.GetByLabel(words["Settlements.Description"]).FillAsync("Écart de prix / price gap");
            await line.GetByLabel(words["Settlements.Quantity"]).FillAsync("1");
            await line.GetByLabel(words["Settlements.UnitPrice"]).FillAsync("500");
            await line.GetByLabel(words["Settlements.VatRate"]).FillAsync("20");
            await AuditAsync(agent);
            await form.GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = words["Details.ProposeSettlement"] }).ClickAsync();
            await Expect(agent.GetByTestId("proposal-status")).ToHaveTextAsync(words["ProposalStatus.AwaitingApproval"]);
            await AuditAsync(agent);
        }, test: test + "_4_agent_proposes");

        await InBrowserAsync(Apps.BackOfficeUrl, async manager =>
        {
            await SignedInAsync(manager, "/Settlements/Approvals", "credit@staff.test", words);
            await manager.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = dispute.Reference }).ClickAsync();
            await ClickButtonAsync(manager, words["Settlements.Approve"]);
            await FlashAsync(manager);
        }, test: test + "_5_credit_manager_approves");

        await InBrowserAsync(Apps.PortalUrl, async page =>
        {
            await SignedInAsync(page, details, customer, words);
            await Expect(page.GetByTestId("proposal-details")).ToContainTextAsync(words.Amount(Credit));
            await page.GetByLabel(words["Portal.Dispute.ConfirmAccept"]).CheckAsync();
            await ClickButtonAsync(page, words["Portal.Dispute.Accept"]);
            await Expect(page.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = words["Portal.Dispute.ProposalAcceptedTitle"] })).ToBeVisibleAsync();
            await FlashAsync(page);
        }, test: test + "_6_customer_accepts");

        await InBrowserAsync(Apps.BackOfficeUrl, async finance =>
        {
            await SignedInAsync(finance, details, "finance@staff.test", words);
            await SectionAsync(finance, words, "Workspace.Settlement");
            await ClickButtonAsync(finance, words["Settlements.IssueCreditNotes"]);
            await FlashAsync(finance);
        }, test: test + "_7_finance_issues");

        await InBrowserAsync(Apps.PortalUrl, async page =>
        {
            await SignedInAsync(page, details, customer, words);
            await Expect(page.GetByText(words["Portal.Dispute.BlockLifted"])).ToBeVisibleAsync();
            var pdf = page.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = words["Portal.CreditNotes.Pdf"], Exact = true });
            var response = await page.Context.APIRequest.GetAsync(new Uri(new Uri(page.Url), await pdf.GetAttributeAsync("href")).ToString());
            Assert.Equal(200, response.Status);
            Assert.Equal("application/pdf", response.Headers["content-type"]);
            Assert.StartsWith("%PDF", System.Text.Encoding.ASCII.GetString(await response.BodyAsync(), 0, 4), StringComparison.Ordinal);

            await page.GotoAsync("/Invoices?show=all");
            var row = page.GetByRole(AriaRole.Row).Filter(new LocatorFilterOptions { HasText = invoice.Number });
            await Expect(row).ToContainTextAsync(words.Amount(1080m - Credit));
            // Nothing left in dispute: a dash on screen, "none" to a screen reader.
            await Expect(row.GetByRole(AriaRole.Cell, new LocatorGetByRoleOptions { Name = words["Design.None"], Exact = true })).ToHaveCountAsync(1);
            await AuditAsync(page);
        }, test: test + "_8_customer_downloads");

        Assert.Equal(DisputeStatus.Resolved, await StatusAsync(dispute.Id));
        var balances = await Apps.WithDbAsync(db => db.Invoices.Where(i => i.Id == invoice.Id).Select(i => new { i.OpenBalance, i.BlockedAmount }).SingleAsync());
        Assert.Equal(1080m - Credit, balances.OpenBalance);
        Assert.Equal(0m, balances.BlockedAmount);
        var creditNote = await Apps.WithDbAsync(db => db.CreditNotes.Where(c => c.DisputeId == dispute.Id).Select(c => c.Number).SingleAsync());

        await MailsArrivedAsync(
            (customer, words["Email.DisputeSubmitted.Subject", string.Empty, dispute.Reference]),
            (customer, words["Email.DisputeAcknowledged.Subject", dispute.Reference]),
            // Staff are written to in their own language (French here): the task and the approval request.
            ("resolver@staff.test", dispute.Reference),
            ("credit@staff.test", dispute.Reference),
            (customer, words["Email.SettlementProposed.Subject", dispute.Reference]),
            (customer, words["Email.CreditNoteIssued.Subject", string.Empty, creditNote, invoice.Number]));
    }
}
