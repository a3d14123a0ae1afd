using System.Globalization;
using System.Net;
using Litiges.Deadlines;
using Litiges.Disputes;
using Litiges.IntegrationTests.BackOffice;
using Litiges.IntegrationTests.Portal;
using Litiges.Jobs;
using Litiges.Notifications;
using Litiges.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Litiges.IntegrationTests.Notifications;

/// <summary>
/// The staff and customer messages of the design that acts queue: the customer replied, an
/// approval is requested, the dispute is resolved; and the preferences a user set are kept.
/// </summary>
public abstract class DisputeNoticeTests<TFixture>(TFixture fixture) : BackOfficeScenario<TFixture>(fixture), IClassFixture<TFixture>
    where TFixture : LitigesFixture
{
    [Fact]
    public async Task A_customer_reply_tells_the_disputes_owner_with_a_link_to_the_file()
    {
        var agentId = await UserIdAsync(Agent);
        var id = await NewDisputeAsync(DisputeStatus.InReview, then: (d, at) => d.AssignOwner(SeedAgent, agentId, "Agnès Agent", at));
        var reference = (await LoadAsync(id)).Reference;

        await ReplyAsync(id, "La palette <b>n°3</b> était abîmée & mouillée.");

        var mail = Assert.Single(await MailsAsync("CustomerReplied", reference));
        Assert.Equal(Agent, mail.Recipient);
        Assert.Equal($"Litige {reference} : le client a répondu", mail.Subject);
        Assert.Contains("Alice Alpha a écrit", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains("La palette <b>n°3</b> était abîmée & mouillée.", mail.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>n", mail.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("La palette <b>n°3</b> était abîmée & mouillée.", WebUtility.HtmlDecode(mail.HtmlBody), StringComparison.Ordinal);
        Assert.Contains($"/Disputes/Details/{id}", mail.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_an_owner_a_customer_reply_goes_to_the_department_of_the_dispute()
    {
        var id = await NewDisputeAsync(DisputeStatus.InReview, "FAC");
        var reference = (await LoadAsync(id)).Reference;

        await ReplyAsync(id, "Voici le devis signé.");

        var mails = await MailsAsync("CustomerReplied", reference);
        Assert.Equal([Resolver], mails.Select(m => m.Recipient));
    }

    [Fact]
    public async Task A_proposal_above_the_agents_limit_asks_the_roles_that_may_approve_it()
    {
        var id = await NewDisputeAsync(DisputeStatus.InReview, amount: 900m);
        var reference = (await LoadAsync(id)).Reference;
        var agent = await StaffAsync(Agent);

        var proposed = await ClickAsync(agent, await agent.GetPageAsync(SettlementUrl(id)), SettlementUrl(id), "Propose", Gesture("Geste de 700 € sur la prochaine commande", "700"));

        Assert.Equal(HttpStatusCode.Redirect, proposed.StatusCode);
        var mails = await MailsAsync("ApprovalRequested", reference);
        Assert.Equal([CreditManager, Finance], mails.Select(m => m.Recipient).Order(StringComparer.Ordinal));
        var mail = mails[0];
        Assert.Contains("700,00", mail.Subject.Replace('\u202F', ' ').Replace('\u00A0', ' '), StringComparison.Ordinal);
        Assert.Contains("Geste de 700 € sur la prochaine commande", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains("Agnès Agent", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains("/Settlements/Approvals", mail.TextBody, StringComparison.Ordinal);
        Assert.Empty(await MailsAsync("SettlementProposed", reference));
    }

    [Fact]
    public async Task Carrying_out_an_accepted_settlement_tells_the_customer_the_dispute_is_resolved()
    {
        var id = await NewDisputeAsync(DisputeStatus.InReview);
        var reference = (await LoadAsync(id)).Reference;
        var agent = await StaffAsync(Agent);
        Assert.Equal(HttpStatusCode.Redirect, (await ClickAsync(agent, await agent.GetPageAsync(SettlementUrl(id)), SettlementUrl(id), "Propose", Gesture("Geste de 80 €", "80"))).StatusCode);
        var alice = await PortalBrowser.SignInAsync(Fixture.Portal, "alice@alpha.test");
        var portalUrl = $"/Disputes/Details/{id}";
        var accepted = await alice.SubmitAsync(PortalBrowser.Form(await alice.GetPageAsync(portalUrl), "Accept"), portalUrl, new Dictionary<string, string?> { ["Input.Confirm"] = "true" });
        Assert.Equal(HttpStatusCode.Redirect, accepted.StatusCode);

        var completed = await ClickAsync(agent, await agent.GetPageAsync(SettlementUrl(id)), SettlementUrl(id), "CompleteSettlement");

        Assert.Equal(HttpStatusCode.Redirect, completed.StatusCode);
        Assert.Equal(DisputeStatus.Resolved, (await LoadAsync(id)).Status);
        var mail = Assert.Single(await MailsAsync("DisputeResolved", reference));
        Assert.Equal("alice@alpha.test", mail.Recipient);
        Assert.Equal($"Litige {reference} résolu", mail.Subject);
        Assert.Contains("Geste de 80 €", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains($"/Disputes/Details/{reference}", mail.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_muted_75_percent_alert_is_not_sent_but_the_breach_still_is()
    {
        // Monday 2 March 2026, 10:00 in Paris: acknowledgment is due two business days later, on
        // Wednesday at 10:00; 75 % of it has passed by Wednesday 00:00.
        var submitted = Paris(2026, 3, 2, 10);
        var agentId = await UserIdAsync(Agent);
        var id = await NewDisputeAsync(submittedAt: submitted, then: (d, at) => d.AssignOwner(SeedAgent, agentId, "Agnès Agent", at));
        var reference = (await LoadAsync(id)).Reference;
        await MuteAsync(Agent, NotificationKinds.DeadlineDueSoon);
        try
        {
            var dueSoon = Paris(2026, 3, 4, 0);
            await Watcher(dueSoon).RunOnceAsync(dueSoon);
            Assert.Equal(DeadlineState.DueSoon, (await LoadAsync(id)).WorstDeadlineState);
            Assert.DoesNotContain(await MailsAsync("DeadlineDueSoon", reference), m => m.Recipient == Agent);

            var breached = Paris(2026, 3, 4, 11);
            await Watcher(breached).RunOnceAsync(breached);
            Assert.Contains(await MailsAsync("DeadlineBreached", reference), m => m.Recipient == Agent);
        }
        finally
        {
            await MuteAsync(Agent);
        }
    }

    [Fact]
    public async Task The_preferences_page_lists_the_messages_that_always_leave()
    {
        var agent = await StaffAsync(Agent);
        var staffPage = await agent.GetPageAsync("/Account/Manage/Notifications");
        var staffList = staffPage.QuerySelector("#essential-messages")!.TextContent;
        Assert.Contains("Proposition de règlement qui attend votre approbation", staffList, StringComparison.Ordinal);
        Assert.Contains("Délai dépassé", staffList, StringComparison.Ordinal);
        Assert.Equal(NotificationKinds.Optional.Count, staffPage.QuerySelectorAll("input[name=Enabled]").Length);

        var alice = await PortalBrowser.SignInAsync(Fixture.Portal, "alice@alpha.test");
        var customerList = (await alice.GetPageAsync("/Account/Manage/Notifications")).QuerySelector("#essential-messages")!;
        Assert.Equal(NotificationKinds.EssentialForCustomers.Count, customerList.QuerySelectorAll("li").Length);
        Assert.Contains("Avoir émis", customerList.TextContent, StringComparison.Ordinal);
    }

    private static Dictionary<string, string> Gesture(string summary, string amount) => new()
    {
        ["Settlement.Summary"] = summary,
        ["Settlement.GestureAmount"] = amount,
        ["Settlement.GestureValidUntil"] = DateTime.UtcNow.AddDays(30).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
    };

    private async Task ReplyAsync(int id, string text)
    {
        var alice = await PortalBrowser.SignInAsync(Fixture.Portal, "alice@alpha.test");
        var url = $"/Disputes/Details/{id}";
        var response = await alice.SubmitAsync(PortalBrowser.Form(await alice.GetPageAsync(url), "Reply"), url, new Dictionary<string, string?> { ["Input.Text"] = text });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
    }

    private Task<List<OutboxMessage>> MailsAsync(string kind, string reference) =>
        Fixture.WithDbAsync(db => db.Outbox.AsNoTracking().Where(m => m.Kind == kind && m.Subject.Contains(reference)).OrderBy(m => m.Id).ToListAsync());

    private Task MuteAsync(string email, params string[] kinds) =>
        Fixture.WithDbAsync(async db =>
        {
            var user = await db.Users.SingleAsync(u => u.Email == email);
            user.MuteNotifications(kinds);
            await db.SaveChangesAsync();
        });

    private static DateTimeOffset Paris(int year, int month, int day, int hour) => ParisTime.At(new DateOnly(year, month, day), hour);

    private DeadlineWatcher Watcher(DateTimeOffset now)
    {
        var services = Fixture.BackOffice.Services;
        return new DeadlineWatcher(
            services.GetRequiredService<IServiceScopeFactory>(),
            new FakeTimeProvider(now),
            services.GetRequiredService<PublicLinks>(),
            Options.Create(new DeadlineWatcherOptions()),
            NullLogger<DeadlineWatcher>.Instance);
    }
}

public sealed class SqliteDisputeNoticeTests(SqliteFixture fixture) : DisputeNoticeTests<SqliteFixture>(fixture);

public sealed class PostgreSqlDisputeNoticeTests(PostgreSqlFixture fixture) : DisputeNoticeTests<PostgreSqlFixture>(fixture);
