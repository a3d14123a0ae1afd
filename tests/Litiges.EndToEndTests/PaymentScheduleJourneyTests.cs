using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Litiges.Integration;
using Litiges.Settlements;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Litiges.EndToEndTests;

/// <summary>
/// A payment schedule: the agent proposes two instalments, the customer accepts, the ERP reports the
/// first payment through the API, and when the second date passes unpaid the follow-up job, on a
/// clock moved forward, alerts the credit manager by e-mail, once.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class PaymentScheduleJourneyTests(Chromium chromium, LoopbackApps apps, ITestOutputHelper output) : JourneyScenario(chromium, apps, output)
{
    [Fact]
    public async Task Payment_schedule_accepted_first_instalment_paid_second_missed_and_alerted()
    {
        var words = new Words("fr");
        var invoice = await NewInvoiceAsync(Apps.Data.AlphaId, "Maintenance annuelle", 300m, 0.20m);
        var dispute = await AcknowledgedDisputeAsync(invoice, 360m, "alice@alpha.test", "Nous ne pouvons pas payer 360 € en une fois.");
        var details = $"/Disputes/Details/{dispute.Id}";
        var today = Litiges.Deadlines.BusinessDate.Of(DateTimeOffset.UtcNow);
        var (first, second) = (today.AddDays(5), today.AddDays(20));

        await InBrowserAsync(Apps.BackOfficeUrl, async agent =>
        {
            await SignedInAsync(agent, details, "agent@staff.test", words);
            await SectionAsync(agent, words, "Workspace.Settlement");
            await agent.GetByText(words["Details.ProposeSettlement"], new PageGetByTextOptions { Exact = true }).First.ClickAsync();
            var form = agent.GetByRole(AriaRole.Form, new PageGetByRoleOptions { Name = words["SettlementKind.PaymentSchedule"], Exact = true });
            await form.GetByLabel(words["Settlements.Summary"]).FillAsync("Deux règlements de 180 € à 15 jours d'intervalle.");
            // Nothing is typed for the agent: the total starts empty, and is read in French decimals.
            await Expect(form.GetByLabel(words["Settlements.ScheduleTotal"])).ToHaveValueAsync(string.Empty);
            await form.GetByLabel(words["Settlements.ScheduleTotal"]).FillAsync("360,00");
            await form.GetByLabel(words["Settlements.InstalmentDate", 1], new LocatorGetByLabelOptions { Exact = true }).FillAsync(Iso(first));
            await form.GetByLabel(words["Settlements.InstalmentAmount", 1], new LocatorGetByLabelOptions { Exact = true }).FillAsync("180");
            await form.GetByLabel(words["Settlements.InstalmentDate", 2], new LocatorGetByLabelOptions { Exact = true }).FillAsync(Iso(second));
            await form.GetByLabel(words["Settlements.InstalmentAmount", 2], new LocatorGetByLabelOptions { Exact = true }).FillAsync("180");
            await form.GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = words["Details.ProposeSettlement"] }).ClickAsync();
            await FlashAsync(agent);
            await Expect(agent.GetByTestId("proposal-status")).ToHaveTextAsync(words["ProposalStatus.Proposed"]);
        }, test: nameof(Payment_schedule_accepted_first_instalment_paid_second_missed_and_alerted) + "_1_agent_proposes");

        await InBrowserAsync(Apps.PortalUrl, async page =>
        {
            await SignedInAsync(page, details, "alice@alpha.test", words);
            var offer = page.GetByTestId("proposal-details");
            await Expect(offer).ToContainTextAsync(first.ToString("d", words.Culture));
            await Expect(offer).ToContainTextAsync(second.ToString("d", words.Culture));
            await page.GetByLabel(words["Portal.Dispute.ConfirmAccept"]).CheckAsync();
            await ClickButtonAsync(page, words["Portal.Dispute.Accept"]);
            await Expect(page.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = words["Portal.Dispute.ProposalAcceptedTitle"] })).ToBeVisibleAsync();
            await AuditAsync(page);
        }, test: nameof(Payment_schedule_accepted_first_instalment_paid_second_missed_and_alerted) + "_2_customer_accepts");

        await InBrowserAsync(Apps.BackOfficeUrl, async agent =>
        {
            await SignedInAsync(agent, details, "agent@staff.test", words);
            await SectionAsync(agent, words, "Workspace.Settlement");
            await ClickButtonAsync(agent, words["Settlements.MarkCarriedOut"]);
            await FlashAsync(agent);
            await Expect(agent.GetByTestId("proposal-status")).ToHaveTextAsync(words["ProposalStatus.Executed"]);
        }, test: nameof(Payment_schedule_accepted_first_instalment_paid_second_missed_and_alerted) + "_3_agent_carries_out");

        // The ERP reports the first payment.
        using (var erp = await ErpAsync())
        {
            var paid = await erp.PostAsJsonAsync("/api/v1/payments", new { invoiceNumber = invoice.Number, reference = "VIR-" + invoice.Number, amount = 180m, receivedOn = Iso(first.AddDays(-1)) });
            Assert.True(paid.IsSuccessStatusCode, $"The payment was refused: {(int)paid.StatusCode} {await paid.Content.ReadAsStringAsync()}");
        }

        var instalments = await InstalmentsAsync(dispute.Id);
        Assert.Equal([180m, 0m], instalments.Select(i => i.PaidAmount));

        // Three weeks on, the second instalment is overdue: one alert, never two.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        clock.Advance(TimeSpan.FromDays(22));
        var followUp = Apps.BackOffice.Services.GetRequiredService<ScheduleFollowUp>();
        Assert.True(await followUp.RunOnceAsync(clock.GetUtcNow()) > 0);
        var alerted = await InstalmentsAsync(dispute.Id);
        Assert.Null(alerted[0].MissedAlertAt);
        Assert.Equal(clock.GetUtcNow(), alerted[1].MissedAlertAt);
        clock.Advance(TimeSpan.FromHours(1));
        await followUp.RunOnceAsync(clock.GetUtcNow());
        Assert.Equal(alerted[1].MissedAlertAt, (await InstalmentsAsync(dispute.Id))[1].MissedAlertAt);

        // The alert is queued at the moved clock's time: a dispatcher on that clock delivers it.
        await Apps.Mail.DispatcherAt(Apps.BackOffice.Services, clock).DispatchDueAsync(CancellationToken.None);
        await MailsArrivedAsync(
            ("alice@alpha.test", words["Email.SettlementProposed.Subject", dispute.Reference]),
            ("alice@alpha.test", words["Email.DisputeResolved.Subject", dispute.Reference]),
            ("credit@staff.test", words["Email.InstalmentMissed.Subject", string.Empty, dispute.Reference, 2]));
        var alerts = await Apps.WithDbAsync(db => db.Outbox.CountAsync(m => m.Kind == "InstalmentMissed" && m.Recipient == "credit@staff.test" && m.Subject.Contains(dispute.Reference)));
        Assert.Equal(1, alerts);
    }

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private Task<List<Instalment>> InstalmentsAsync(int disputeId) =>
        Apps.WithDbAsync(db => db.SettlementProposals.AsNoTracking().Where(p => p.DisputeId == disputeId && p.Kind == SettlementKind.PaymentSchedule)
            .SelectMany(p => p.Instalments).OrderBy(i => i.Sequence).ToListAsync());

    private async Task<HttpClient> ErpAsync()
    {
        var key = await Apps.WithDbAsync(async db =>
        {
            var (client, secret) = ApiClient.Create("ERP-" + Guid.NewGuid().ToString("N")[..8], ApiScopes.Read | ApiScopes.Write, "Adam Admin", DateTimeOffset.UtcNow);
            db.ApiClients.Add(client);
            await db.SaveChangesAsync();
            return secret;
        });
        var http = new HttpClient { BaseAddress = Apps.BackOfficeUrl };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return http;
    }
}
