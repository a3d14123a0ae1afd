using Litiges.Disputes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Litiges.EndToEndTests;

/// <summary>
/// A dispute rejected as unfounded, with the reason told to the customer (page and e-mail); the
/// customer then brings the signed delivery note, the agent files it, shares it and reopens the
/// dispute, and the customer finds it back in review, the invoice blocked again.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class RejectionJourneyTests(Chromium chromium, LoopbackApps apps, ITestOutputHelper output) : JourneyScenario(chromium, apps, output)
{
    private const string Test = nameof(Dispute_rejected_as_unfounded_then_reopened_on_new_evidence);

    [Fact]
    public async Task Dispute_rejected_as_unfounded_then_reopened_on_new_evidence()
    {
        var words = new Words("en");
        var invoice = await NewInvoiceAsync(Apps.Data.BetaId, "Pallets", 250m, 0.20m);
        var dispute = await AcknowledgedDisputeAsync(invoice, 300m, "bob@beta.test", "Goods never delivered.");
        var details = $"/Disputes/Details/{dispute.Id}";
        const string Reason = "The carrier's proof of delivery is signed by your warehouse.";
        const string Reopening = "The customer sent the delivery note: the signature is not theirs.";

        await InBrowserAsync(Apps.BackOfficeUrl, async agent =>
        {
            await SignedInAsync(agent, details, "agent@staff.test", words);
            await agent.GetByLabel(words["Details.TextLabel"]).FillAsync(Reason);
            await ConfirmingAsync(agent, () => ClickButtonAsync(agent, words["Details.Reject"]));
            await FlashAsync(agent);
        }, test: Test + "_1_agent_rejects");
        Assert.Equal(DisputeStatus.Rejected, await StatusAsync(dispute.Id));
        Assert.Equal(0m, await BlockedAsync(invoice.Id));

        await InBrowserAsync(Apps.PortalUrl, async page =>
        {
            await SignedInAsync(page, details, "bob@beta.test", words);
            await Expect(page.Locator("[aria-current=step]")).ToHaveTextAsync(words["Portal.Step.Rejected"]);
            await Expect(page.GetByText(Reason).First).ToBeVisibleAsync();
            await Expect(page.GetByRole(AriaRole.Textbox, new PageGetByRoleOptions { Name = words["Portal.Dispute.YourMessage"] })).ToHaveCountAsync(0);
        }, test: Test + "_2_customer_reads_the_reason");
        await MailsArrivedAsync(("bob@beta.test", words["Email.DisputeRejected.Subject", dispute.Reference]));

        await InBrowserAsync(Apps.BackOfficeUrl, async agent =>
        {
            await SignedInAsync(agent, details, "agent@staff.test", words);
            await agent.GetByLabel(words["Details.EvidenceFile"], new PageGetByLabelOptions { Exact = true }).SetInputFilesAsync(new FilePayload { Name = "delivery-note.pdf", MimeType = "application/pdf", Buffer = Pdf("Delivery note") });
            await agent.GetByLabel(words["Details.ShareOnUpload"]).CheckAsync();
            await ClickButtonAsync(agent, words["Details.UploadEvidence"]);
            await FlashAsync(agent);
            await agent.GetByLabel(words["Details.TextLabel"]).FillAsync(Reopening);
            await ClickButtonAsync(agent, words["Details.Reopen"]);
            await FlashAsync(agent);
        }, test: Test + "_3_agent_reopens_on_new_evidence");

        await InBrowserAsync(Apps.PortalUrl, async page =>
        {
            await SignedInAsync(page, details, "bob@beta.test", words);
            await Expect(page.Locator(".badge").Filter(new LocatorFilterOptions { HasText = words["DisputeStatus.InReview"] }).First).ToBeVisibleAsync();
            await Expect(page.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = "delivery-note.pdf" })).ToBeVisibleAsync();
            await Expect(page.GetByText(Reopening).First).ToBeVisibleAsync();
            await page.GetByRole(AriaRole.Textbox, new PageGetByRoleOptions { Name = words["Portal.Dispute.YourMessage"] }).FillAsync("Thank you, we confirm the signature is not ours.");
            await ClickButtonAsync(page, words["Portal.Dispute.Send"]);
            await Expect(page.GetByText("Thank you, we confirm the signature is not ours.").First).ToBeVisibleAsync();
            await FlashAsync(page);

            // Moments read as "x minutes ago", the exact date and time on hover.
            var moment = page.Locator("#timeline time[data-relative]").First;
            var exact = await moment.GetAttributeAsync("title");
            Assert.Matches(@"\d{2}/\d{2}/\d{4}", exact);
            Assert.NotEqual(exact, await moment.InnerTextAsync());
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
            await page.WaitForLoadStateAsync(LoadState.Load);
        }
        finally
        {
            page.Dialog -= Accept;
        }

        Assert.True(asked, "The destructive act did not ask for confirmation.");
    }
}
