using System.Globalization;
using AngleSharp.Dom;
using Litiges.Deadlines;
using Litiges.Disputes;
using Litiges.IntegrationTests.Portal;
using Litiges.Localization;
using Litiges.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using BackOfficeProgram = Litiges.BackOffice.Program;
using PortalProgram = Litiges.CustomerPortal.Program;

namespace Litiges.IntegrationTests.BackOffice;

/// <summary>
/// The dispute file says until when an ended dispute can be reopened (by the customer from the
/// portal, or by customer service), the same date the portal offers the customer, and once the
/// window has passed, until when it could have been; the Reopen button is described by it.
/// </summary>
public abstract class ReopenDeadlineTests<TFixture>(TFixture fixture) : BackOfficeScenario<TFixture>(fixture), IClassFixture<TFixture>
    where TFixture : LitigesFixture
{
    private static readonly TimeSpan DefaultWindow = TimeSpan.FromDays(30);

    public static TheoryData<DisputeStatus> EndedStates => [DisputeStatus.Resolved, DisputeStatus.Rejected, DisputeStatus.Closed];

    [Theory]
    [MemberData(nameof(EndedStates))]
    public async Task An_ended_dispute_states_until_when_it_can_be_reopened_and_the_reopen_button_is_described_by_it(DisputeStatus status)
    {
        var id = await NewDisputeAsync(status);
        var until = ParisTime(await EndedAtAsync(id) + DefaultWindow, Cultures.French);
        var agent = await StaffAsync(Agent);

        var page = await agent.GetPageAsync(Url(id));

        Assert.Equal($"Peut être rouvert jusqu'au {until} (heure de Paris), par le client depuis le portail ou par le service client.", Deadline(page));
        Assert.Equal("reopen-deadline", ReopenButton(page)!.GetAttribute("aria-describedby"));

        var english = await agent.GetPageAsync(Url(id) + "?culture=en-GB");
        var untilInEnglish = ParisTime(await EndedAtAsync(id) + DefaultWindow, Cultures.English);
        Assert.Equal($"Can be reopened until {untilInEnglish} (Paris time), by the customer from the portal or by customer service.", Deadline(english));
    }

    [Fact]
    public async Task Staff_who_cannot_reopen_still_read_the_deadline()
    {
        var id = await NewDisputeAsync(DisputeStatus.Rejected);
        var resolver = await StaffAsync(Resolver);

        var page = await resolver.GetPageAsync(Url(id));

        Assert.StartsWith("Peut être rouvert jusqu'au ", Deadline(page), StringComparison.Ordinal);
        Assert.Null(ReopenButton(page));
    }

    [Theory]
    [InlineData(DisputeStatus.InReview)]
    [InlineData(DisputeStatus.Withdrawn)]
    public async Task A_dispute_that_cannot_be_reopened_states_no_deadline(DisputeStatus status)
    {
        var id = await NewDisputeAsync(status);
        var agent = await StaffAsync(Agent);

        var page = await agent.GetPageAsync(Url(id));

        Assert.Null(page.QuerySelector("#reopen-deadline"));
        Assert.Null(ReopenButton(page));
    }

    [Fact]
    public async Task Once_the_window_has_passed_the_page_says_until_when_it_could_have_been_reopened()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var backOffice = Fixture.BackOffice.WithWebHostBuilder(builder => builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(clock)));

        // Filed a month ago and rejected a few minutes later: the window closes within minutes.
        var id = await NewDisputeAsync(DisputeStatus.Rejected, submittedAt: clock.GetUtcNow() - DefaultWindow - TimeSpan.FromMinutes(1));
        var closesAt = await EndedAtAsync(id) + DefaultWindow;
        Assert.True(closesAt > clock.GetUtcNow());
        var until = ParisTime(closesAt, Cultures.French);
        var agent = new Browser(backOffice.CreateClient(NoRedirects));
        await agent.SignInAsync(Agent);
        clock.Advance(closesAt - clock.GetUtcNow());
        Assert.Equal($"Peut être rouvert jusqu'au {until} (heure de Paris), par le client depuis le portail ou par le service client.", Deadline(await agent.GetPageAsync(Url(id))));

        clock.Advance(TimeSpan.FromSeconds(1));
        var page = await agent.GetPageAsync(Url(id));

        Assert.Equal($"Pouvait être rouvert jusqu'au {until} (heure de Paris) : le délai de réouverture est passé.", Deadline(page));
        Assert.Equal("reopen-deadline", ReopenButton(page)!.GetAttribute("aria-describedby"));
        var english = await agent.GetPageAsync(Url(id) + "?culture=en-GB");
        Assert.Equal($"Could be reopened until {ParisTime(closesAt, Cultures.English)} (Paris time): the window to reopen it has passed.", Deadline(english));
    }

    [Fact]
    public async Task The_deadline_follows_the_configured_window_and_is_the_date_the_portal_offers_the_customer()
    {
        var id = await NewDisputeAsync(DisputeStatus.Rejected, submittedAt: DateTimeOffset.UtcNow.AddDays(-45));
        var endedAt = await EndedAtAsync(id);
        var settings = new Dictionary<string, string?> { ["Disputes:ReopenWindowDays"] = "60" };
        await using var backOffice = new AppFactory<BackOfficeProgram>(Fixture.Database, Fixture.DataFolder, settings);
        await using var portal = new AppFactory<PortalProgram>(Fixture.Database, Fixture.DataFolder, settings);

        var agent = await StaffAsync(Agent);
        Assert.Equal($"Pouvait être rouvert jusqu'au {ParisTime(endedAt + DefaultWindow, Cultures.French)} (heure de Paris) : le délai de réouverture est passé.", Deadline(await agent.GetPageAsync(Url(id))));

        var longer = new Browser(backOffice.CreateClient(NoRedirects));
        await longer.SignInAsync(Agent);
        var until = ParisTime(endedAt + TimeSpan.FromDays(60), Cultures.French);
        Assert.Equal($"Peut être rouvert jusqu'au {until} (heure de Paris), par le client depuis le portail ou par le service client.", Deadline(await longer.GetPageAsync(Url(id))));

        var alice = await PortalBrowser.SignInAsync(portal, "alice@alpha.test");
        var offer = (await alice.GetPageAsync(Url(id))).QuerySelector("#reopen")!.TextContent;
        Assert.Contains($"Vous pouvez rouvrir ce litige jusqu'au {until}.", offer, StringComparison.Ordinal);
    }

    private static string Deadline(IDocument page) => page.QuerySelector("#reopen-deadline")?.TextContent.Trim() ?? "(no deadline on the page)";

    // The reopening has its own form (its reason, its button), apart from the reply and the note.
    private static IElement? ReopenButton(IDocument page) => page.QuerySelector("main form[action*='handler=Reopen'] button[type=submit]");

    private Task<DateTimeOffset> EndedAtAsync(int id) =>
        Fixture.WithDbAsync(db => db.Disputes.Where(d => d.Id == id).Select(d => d.EndedAt!.Value).SingleAsync());

    private static string ParisTime(DateTimeOffset instant, CultureInfo culture) =>
        TimeZoneInfo.ConvertTime(instant, FrenchBusinessCalendar.Instance.TimeZone).ToString("g", culture);
}

public sealed class SqliteReopenDeadlineTests(SqliteFixture fixture) : ReopenDeadlineTests<SqliteFixture>(fixture);

public sealed class PostgreSqlReopenDeadlineTests(PostgreSqlFixture fixture) : ReopenDeadlineTests<PostgreSqlFixture>(fixture);
