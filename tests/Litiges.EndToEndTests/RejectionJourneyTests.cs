using Litiges.Deadlines;
using Litiges.Disputes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Litiges.EndToEndTests;

/// <summary>
/// A dispute rejected as unfounded, with the reason told to the customer (page and e-mail); the
/// customer contests the decision from the portal before the reopen deadline it states, with the
/// signed delivery note as new evidence: the dispute is back in review and the invoice blocked
/// again, the handlers and the credit manager are told by e-mail, and the agent finds the
/// customer's reason and file in the back office.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class RejectionJourneyTests(Chromium chromium, LoopbackApps apps, ITestOutputHelper output) : JourneyScenario(chromium, apps, output)
{
    private const string Test = nameof(Dispute_rejected_as_unfounded_then_reopened_by_the_customer_on_new_evidence);

    [Fact]
    public async Task Dispute_rejected_as_unfounded_then_reopened_by_the_customer_on_new_evidence()
    {
        var words = new Words("en");
        var staffWords = new Words("fr");
        var invoice = await NewInvoiceAsync(Apps.Data.BetaId, "Pallets", 250m, 0.20m);
        var dispute = await AcknowledgedDisputeAsync(invoice, 300m, "bob@beta.test", "Goods never delivered.");
        var details = $"/Disputes/Details/{dispute.Id}";
        const string Reason = "The carrier's proof of delivery is signed by your warehouse.";
        const string Contest = "The signature on the carrier's proof is not ours: here is our delivery note, signed by nobody.";

        await InBrowserAsync(Apps.BackOfficeUrl, async agent =>
        {
            await SignedInAsync(agent, details, "agent@staff.test", words);
            await agent.GetByLabel(words["Acts.RejectLabel"]).FillAsync(Reason);
            await ConfirmingAsync(agent, () => ClickButtonAsync(agent, words["Details.Reject"]));
            await FlashAsync(agent);
        }, test: Test + "_1_agent_rejects");
        Assert.Equal(DisputeStatus.Rejected, await StatusAsync(dispute.Id));
        Assert.Equal(0m, await BlockedAsync(invoice.Id));
        var endedAt = await Apps.WithDbAsync(db => db.Disputes.Where(d => d.Id == dispute.Id).Select(d => d.EndedAt!.Value).SingleAsync());
        var deadline = TimeZoneInfo.ConvertTime(endedAt + TimeSpan.FromDays(30), FrenchBusinessCalendar.Instance.TimeZone).ToString("g", words.Culture);

        await InBrowserAsync(Apps.PortalUrl, async page =>
        {
            await SignedInAsync(page, details, "bob@beta.test", words);
            await Expect(page.Locator("[aria-current=step]")).ToHaveTextAsync(words["Portal.Step.Rejected"]);
            await Expect(page.GetByText(Reason).First).ToBeVisibleAsync();
            await Expect(page.GetByRole(AriaRole.Textbox, new PageGetByRoleOptions { Name = words["Portal.Dispute.YourMessage"] })).ToHaveCountAsync(0);

            var contest = page.GetByRole(AriaRole.Region, new PageGetByRoleOptions { Name = words["Portal.Reopening.Title"] });
            await Expect(contest).ToContainTextAsync(words["Portal.Reopening.Intro", deadline]);
            // Contesting is a secondary act: the outcome comes first, the form opens on demand.
            await contest.GetByText(words["Portal.Reopening.Open"]).ClickAsync();
            await contest.GetByLabel(words["Portal.Reopening.Reason"]).FillAsync(Contest);
            await contest.GetByLabel(words["Portal.Upload.Choose"]).SetInputFilesAsync(new FilePayload { Name = "delivery-note.pdf", MimeType = "application/pdf", Buffer = Pdf("Delivery note") });
            await ClickButtonAsync(page, words["Portal.Reopening.Submit"]);
            await FlashAsync(page);

            await Expect(page.Locator(".badge").Filter(new LocatorFilterOptions { HasText = words["DisputeStatus.InReview"] }).First).ToBeVisibleAsync();
            await Expect(page.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = "delivery-note.pdf" })).ToBeVisibleAsync();
            await Expect(page.GetByText(Contest).First).ToBeVisibleAsync();
            await Expect(contest).ToHaveCountAsync(0);

            // Moments read as "x minutes ago", the exact date and time on hover.
            var moment = page.Locator("#timeline time[data-relative]").First;
            var exact = await moment.GetAttributeAsync("title");
            Assert.Matches(@"\d{2}/\d{2}/\d{4}", exact);
            Assert.NotEqual(exact, await moment.InnerTextAsync());
        }, test: Test + "_2_customer_contests_with_new_evidence");
        await MailsArrivedAsync(
            ("bob@beta.test", words["Email.DisputeRejected.Subject", dispute.Reference]),
            ("resolver@staff.test", staffWords["Email.DisputeReopened.Subject", dispute.Reference]),
            ("credit@staff.test", staffWords["Email.DisputeReopened.Subject", dispute.Reference]));

        await InBrowserAsync(Apps.BackOfficeUrl, async agent =>
        {
            await SignedInAsync(agent, details, "agent@staff.test", words);
            await Expect(agent.Locator(".badge").Filter(new LocatorFilterOptions { HasText = words["DisputeStatus.InReview"] }).First).ToBeVisibleAsync();
            await Expect(agent.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = "delivery-note.pdf" })).ToBeVisibleAsync();
            await Expect(agent.GetByText(Contest).First).ToBeVisibleAsync();
        }, test: Test + "_3_agent_finds_the_reason_and_the_file");

        await InBrowserAsync(Apps.PortalUrl, async page =>
        {
            await SignedInAsync(page, details, "bob@beta.test", words);
            await page.GetByRole(AriaRole.Textbox, new PageGetByRoleOptions { Name = words["Portal.Dispute.YourMessage"] }).FillAsync("We can also send the warehouse's register if needed.");
            await ClickButtonAsync(page, words["Portal.Dispute.Send"]);
            await Expect(page.GetByText("We can also send the warehouse's register if needed.").First).ToBeVisibleAsync();
            await FlashAsync(page);
        }, test: Test + "_4_customer_follows_again");

        Assert.Equal(DisputeStatus.InReview, await StatusAsync(dispute.Id));
        Assert.Equal(1, await Apps.WithDbAsync(db => db.Disputes.Where(d => d.Id == dispute.Id).Select(d => d.ReopenCount).SingleAsync()));
        Assert.Equal(300m, await BlockedAsync(invoice.Id));
    }

    private Task<decimal> BlockedAsync(int invoiceId) =>
        Apps.WithDbAsync(db => db.Invoices.Where(i => i.Id == invoiceId).Select(i => i.BlockedAmount).SingleAsync());

    /// <summary>Runs an act that asks for confirmation first, and confirms.</summary>
    private static async Task ConfirmingAsync(IPage page, Func<Task> act)
    {
        var asked = false;
        void Accept(object? sender, IDialog dialog)
        {
            asked = dialog.Type == "confirm";
            _ = dialog.AcceptAsync();
        }

        page.Dialog += Accept;
        try
        {
            await act();
            await LoadedAsync(page);
        }
        finally
        {
            page.Dialog -= Accept;
        }

        Assert.True(asked, "The destructive act did not ask for confirmation.");
    }
}
