using System.Globalization;
using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Litiges.IntegrationTests.BackOffice;
using Litiges.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using static Litiges.IntegrationTests.Notifications.OutboxDriver;

namespace Litiges.IntegrationTests.Notifications;

/// <summary>
/// The outbox page: administrators see what waits, what was parked as failed (attempts, last
/// error) and what was sent, and send parked messages again; nobody else gets in.
/// </summary>
public abstract class OutboxPageTests<TFixture>(TFixture fixture) : BackOfficeScenario<TFixture>(fixture), IClassFixture<TFixture>
    where TFixture : LitigesFixture
{
    [Theory]
    [InlineData(Agent)]
    [InlineData(Resolver)]
    [InlineData(CreditManager)]
    [InlineData(Finance)]
    public async Task Only_administrators_open_the_outbox_or_retry_a_message(string email)
    {
        var recipient = Recipient();
        var parked = await ParkAsync(recipient, 1);
        var staff = await StaffAsync(email);

        Assert.True(IsAccessDenied(await staff.GetAsync("/Outbox")));
        Assert.Null((await staff.GetPageAsync("/Account/Manage/Notifications")).QuerySelector("#nav-outbox"));

        // A crafted post, with a valid antiforgery token taken from a page the user may open.
        var token = (await staff.GetPageAsync("/Account/Manage/Notifications")).QuerySelector<IHtmlInputElement>("input[name=__RequestVerificationToken]")!.Value;
        var retry = await staff.Client.PostAsync(
            new Uri($"/Outbox?handler=Retry&messageId={parked[0]}", UriKind.Relative),
            new FormUrlEncodedContent([new("__RequestVerificationToken", token)]));
        Assert.True(IsAccessDenied(retry));
        var all = await staff.Client.PostAsync(new Uri("/Outbox?handler=RetryAll", UriKind.Relative), new FormUrlEncodedContent([new("__RequestVerificationToken", token)]));
        Assert.True(IsAccessDenied(all));
        Assert.NotNull((await Fixture.WithDbAsync(db => db.Outbox.AsNoTracking().SingleAsync(m => m.Id == parked[0]))).FailedAt);
    }

    [Fact]
    public async Task Anonymous_visitor_is_sent_to_sign_in()
    {
        var response = await new Browser(Fixture.BackOffice.CreateClient(NoRedirects)).GetAsync("/Outbox");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/Account/Login", response.Headers.Location!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Administrator_sees_a_parked_message_retries_it_and_the_dispatcher_delivers_it()
    {
        var recipient = Recipient();
        var ids = await ParkAsync(recipient, 1);
        var admin = await StaffAsync(Admin);

        // The menu counts what is parked; the page shows the message with its attempts and last error.
        var home = await admin.GetPageAsync("/Account/Manage/Notifications");
        var parkedCount = await Fixture.WithDbAsync(db => db.Outbox.CountAsync(m => m.SentAt == null && m.FailedAt != null));
        Assert.Contains(parkedCount.ToString(CultureInfo.InvariantCulture), home.QuerySelector("#nav-outbox .badge")!.TextContent, StringComparison.Ordinal);
        var url = $"/Outbox?state=Parked&recipient={Uri.EscapeDataString(recipient)}";
        var page = await admin.GetPageAsync(url);
        var row = Assert.Single(page.QuerySelectorAll("#outbox-messages tbody tr"));
        Assert.Equal(ids[0].ToString(CultureInfo.InvariantCulture), row.GetAttribute("data-message"));
        var cells = row.QuerySelectorAll("td").Select(c => c.TextContent.Trim()).ToList();
        Assert.Equal(recipient, cells[2]);
        Assert.Equal("2", cells[4]);
        Assert.Contains("En échec depuis le", cells[5], StringComparison.Ordinal);
        Assert.Contains("Mail server refused the message.", cells[6], StringComparison.Ordinal);

        // Retry: the message waits again, its attempts counted afresh.
        var form = row.QuerySelector<IHtmlFormElement>("form")!;
        var retried = await admin.PostFormAsync(form, url, new Dictionary<string, string>());
        Assert.Equal(HttpStatusCode.Redirect, retried.StatusCode);
        var again = await Fixture.WithDbAsync(db => db.Outbox.AsNoTracking().SingleAsync(m => m.Id == ids[0]));
        Assert.Null(again.FailedAt);
        Assert.Equal(0, again.Attempts);
        var waiting = await admin.GetPageAsync($"/Outbox?state=Waiting&recipient={Uri.EscapeDataString(recipient)}");
        Assert.Contains("Prochaine tentative le", Assert.Single(waiting.QuerySelectorAll("#outbox-messages tbody tr")).TextContent, StringComparison.Ordinal);

        // The dispatcher delivers it, once.
        var sender = new CountingSender();
        await DispatchAllAsync(Dispatcher(Fixture, sender, new FakeTimeProvider(DateTimeOffset.UtcNow.AddMinutes(1))));
        Assert.Single(sender.Subjects, s => s.StartsWith(recipient, StringComparison.Ordinal));
        var sent = await admin.GetPageAsync($"/Outbox?state=Sent&recipient={Uri.EscapeDataString(recipient)}");
        Assert.Contains("Envoyé le", Assert.Single(sent.QuerySelectorAll("#outbox-messages tbody tr")).TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Administrator_retries_every_parked_message_at_once()
    {
        var recipient = Recipient();
        var ids = await ParkAsync(recipient, 3);
        var admin = await StaffAsync(Admin);
        var url = $"/Outbox?state=Parked&recipient={Uri.EscapeDataString(recipient)}";
        var page = await admin.GetPageAsync(url);
        Assert.Equal(3, page.QuerySelectorAll("#outbox-messages tbody tr").Length);

        var form = page.QuerySelectorAll<IHtmlFormElement>("main form[method=post]").Single(f => f.GetAttribute("action")!.Contains("handler=RetryAll", StringComparison.Ordinal));
        var response = await admin.PostFormAsync(form, url, new Dictionary<string, string>());

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var after = await admin.GetPageAsync(response.Headers.Location!.OriginalString);
        Assert.Contains("3 message(s) repartent", after.QuerySelector("main")!.TextContent, StringComparison.Ordinal);
        Assert.NotNull(after.QuerySelector("#outbox-empty"));
        var messages = await Fixture.WithDbAsync(db => db.Outbox.AsNoTracking().Where(m => ids.Contains(m.Id)).ToListAsync());
        Assert.All(messages, m => Assert.Null(m.FailedAt));
        var sender = new CountingSender();
        await DispatchAllAsync(Dispatcher(Fixture, sender, new FakeTimeProvider(DateTimeOffset.UtcNow.AddMinutes(1))));
        Assert.Equal(3, sender.Subjects.Count(s => s.StartsWith(recipient, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_message_that_is_not_parked_cannot_be_retried()
    {
        var recipient = Recipient();
        var ids = await QueueAsync(Fixture, recipient, 1, DateTimeOffset.UtcNow, recipient);
        var admin = await StaffAsync(Admin);
        var page = await admin.GetPageAsync($"/Outbox?state=Waiting&recipient={Uri.EscapeDataString(recipient)}");
        Assert.Empty(Assert.Single(page.QuerySelectorAll("#outbox-messages tbody tr")).QuerySelectorAll("form"));

        // Posted anyway, as a page left open after someone else retried it would.
        var token = page.QuerySelector<IHtmlInputElement>("input[name=__RequestVerificationToken]")?.Value
            ?? (await admin.GetPageAsync("/Account/Manage/Notifications")).QuerySelector<IHtmlInputElement>("input[name=__RequestVerificationToken]")!.Value;
        var response = await admin.Client.PostAsync(
            new Uri($"/Outbox?handler=Retry&messageId={ids[0]}&state=Waiting", UriKind.Relative),
            new FormUrlEncodedContent([new("__RequestVerificationToken", token)]));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var after = await admin.GetPageAsync(response.Headers.Location!.OriginalString);
        Assert.Contains("Seul un message en échec peut être relancé.", after.QuerySelector("main")!.TextContent, StringComparison.Ordinal);
        var message = await Fixture.WithDbAsync(db => db.Outbox.AsNoTracking().SingleAsync(m => m.Id == ids[0]));
        Assert.Equal(0, message.Attempts);
        Assert.Null(message.FailedAt);
    }

    [Fact]
    public async Task A_retry_without_the_antiforgery_token_is_refused()
    {
        var recipient = Recipient();
        var ids = await ParkAsync(recipient, 1);
        var admin = await StaffAsync(Admin);

        var response = await admin.Client.PostAsync(new Uri($"/Outbox?handler=Retry&messageId={ids[0]}", UriKind.Relative), new FormUrlEncodedContent([]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull((await Fixture.WithDbAsync(db => db.Outbox.AsNoTracking().SingleAsync(m => m.Id == ids[0]))).FailedAt);
    }

    // Each test's messages go to an address of their own, so that the page can be filtered down to them.
    private static string Recipient() => $"outbox-{Guid.NewGuid():N}"[..20] + "@alpha.test";

    // Queued, then refused by the mail server until parked as failed (two attempts).
    private async Task<List<long>> ParkAsync(string recipient, int count)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var ids = await QueueAsync(Fixture, recipient, count, clock.GetUtcNow(), recipient);
        var dispatcher = Dispatcher(Fixture, new FailingSender(), clock, maxAttempts: 2);
        for (var attempt = 0; attempt < 2; attempt++)
        {
            await DispatchAllAsync(dispatcher);
            clock.Advance(TimeSpan.FromHours(1));
        }

        Assert.All(await Fixture.WithDbAsync(db => db.Outbox.AsNoTracking().Where(m => ids.Contains(m.Id)).ToListAsync()), m => Assert.NotNull(m.FailedAt));
        return ids;
    }
}

public sealed class SqliteOutboxPageTests(SqliteFixture fixture) : OutboxPageTests<SqliteFixture>(fixture);

public sealed class PostgreSqlOutboxPageTests(PostgreSqlFixture fixture) : OutboxPageTests<PostgreSqlFixture>(fixture);
