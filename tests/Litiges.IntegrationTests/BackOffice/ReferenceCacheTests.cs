using System.Globalization;
using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Litiges.Accounts;
using Litiges.Disputes;
using Litiges.Testing;
using Microsoft.EntityFrameworkCore;

namespace Litiges.IntegrationTests.BackOffice;

/// <summary>
/// The reference data the queue and the dispute page keep in memory (bench/Pages, third pass): a
/// change saved on this instance shows at once; a change the cache has not seen (another
/// instance's) never lets an act through, the act checks the database.
/// </summary>
public abstract class ReferenceCacheTests<TFixture>(TFixture fixture) : BackOfficeScenario<TFixture>(fixture), IClassFixture<TFixture>
    where TFixture : LitigesFixture
{
    [Fact]
    public async Task A_new_owner_is_offered_at_once_and_one_deactivated_elsewhere_cannot_be_assigned()
    {
        var name = "Cache " + Guid.NewGuid().ToString("N")[..6];
        var customer = await NewCustomerAsync(name);
        var id = await NewDisputeAsync(DisputeStatus.InReview, customerAccountId: customer);
        var agent = await StaffAsync(Agent);
        var queueUrl = "/Disputes?customer=" + Uri.EscapeDataString(name);

        // The lists are read (and cached) before the new colleague exists.
        Assert.NotNull((await agent.GetPageAsync(queueUrl)).QuerySelector("select[name=AssignTo]"));
        await agent.GetPageAsync(Url(id));
        var newcomer = "Nadia Nouvelle " + Guid.NewGuid().ToString("N")[..6];
        var newcomerId = await Fixture.NewUserAsync(AppUser.NewStaff(LitigesFixture.UniqueEmail("nadia", "staff.test"), newcomer), StaffRoles.Agent);

        // Saved on this instance: both pages offer the colleague at once.
        Assert.Contains(OptionsOf(await agent.GetPageAsync(queueUrl), "AssignTo"), o => o == newcomerId);
        Assert.Contains(OptionsOf(await agent.GetPageAsync(Url(id)), "OwnerId"), o => o == newcomerId);

        // Deactivated behind the cache's back (as by another instance): the lists may still offer
        // the colleague for a few seconds, but neither assignment goes through.
        await Fixture.WithDbAsync(db => db.Users.Where(u => u.Id == newcomerId).ExecuteUpdateAsync(s => s.SetProperty(u => u.IsActive, false)));
        var queue = await agent.GetPageAsync(queueUrl);
        var form = queue.QuerySelector<IHtmlFormElement>("form[action*='handler=Assign']")!;
        var values = new List<KeyValuePair<string, string>>
        {
            new("__RequestVerificationToken", form.QuerySelector<IHtmlInputElement>("input[name=__RequestVerificationToken]")!.Value),
            new("AssignTo", newcomerId),
        };
        values.AddRange(form.QuerySelectorAll<IHtmlInputElement>("input[name=Selected]").Select(box => new KeyValuePair<string, string>("Selected", box.Value)));
        var bulk = await agent.Client.PostAsync(new Uri(WebUtility.HtmlDecode(form.GetAttribute("action")!), UriKind.Relative), new FormUrlEncodedContent(values));
        Assert.Equal(HttpStatusCode.Redirect, bulk.StatusCode);
        Assert.Contains("Choisissez le pilote à attribuer.", Browser.Text(await agent.GetPageAsync(bulk.Headers.Location!.ToString())), StringComparison.Ordinal);

        var single = await PostActAsync(agent, await agent.GetPageAsync(Url(id)), Url(id), "Assign", new Dictionary<string, string> { ["OwnerId"] = newcomerId });
        Assert.Contains("Choisissez un pilote parmi", await TextOfAsync(single), StringComparison.Ordinal);
        Assert.Null((await LoadAsync(id)).OwnerUserId);
    }

    [Fact]
    public async Task The_tab_counts_follow_a_dispute_changed_on_this_instance_at_once_and_the_rows_are_never_kept()
    {
        // An amount no other test uses: the filtered queue holds only this test's dispute.
        var amount = 40_000m + Random.Shared.Next(1, 1_000_000) / 100m;
        var url = string.Create(CultureInfo.InvariantCulture, $"/Disputes?MinAmount={amount}&MaxAmount={amount}");
        var agent = await StaffAsync(Agent);
        int Count(IDocument page, string status) => int.Parse(page.QuerySelector($"a[data-status={status}] .badge")!.TextContent, CultureInfo.InvariantCulture);

        // Counted (and kept) before the dispute exists.
        Assert.Equal(0, Count(await agent.GetPageAsync(url), "Submitted"));

        // Filed, then acknowledged by the agent, on this instance: each tab moves at once.
        var id = await NewDisputeAsync(DisputeStatus.Submitted, amount: amount);
        var filed = await agent.GetPageAsync(url);
        Assert.Equal(1, Count(filed, "Submitted"));
        Assert.Equal(1, Count(filed, "open"));
        var acknowledged = await PostActAsync(agent, await agent.GetPageAsync(Url(id)), Url(id), "Acknowledge");
        Assert.Equal(HttpStatusCode.Redirect, acknowledged.StatusCode);
        Assert.Equal(DisputeStatus.InReview, (await LoadAsync(id)).Status);
        var moved = await agent.GetPageAsync(url);
        Assert.Equal(0, Count(moved, "Submitted"));
        Assert.Equal(1, Count(moved, "InReview"));

        // Changed behind the cache's back (as by another instance): the rows are read from the
        // database on every view, so the dispute leaves its tab's list at once.
        await Fixture.WithDbAsync(db => db.Disputes.Where(d => d.Id == id).ExecuteUpdateAsync(s => s.SetProperty(d => d.Status, DisputeStatus.AwaitingCustomer)));
        var inReview = await agent.GetPageAsync(url + "&Status=InReview");
        Assert.DoesNotContain(inReview.QuerySelectorAll("a[href*='/Disputes/Details/']"), a => a.GetAttribute("href")!.EndsWith("/" + id, StringComparison.Ordinal));
        var awaiting = await agent.GetPageAsync(url + "&Status=AwaitingCustomer");
        Assert.Contains(awaiting.QuerySelectorAll("a[href*='/Disputes/Details/']"), a => a.GetAttribute("href")!.EndsWith("/" + id, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_department_renamed_on_this_instance_shows_renamed_at_once()
    {
        var id = await NewDisputeAsync(DisputeStatus.InReview);
        var agent = await StaffAsync(Agent);
        var department = (await LoadAsync(id)).DepartmentId;
        var before = Browser.Text(await agent.GetPageAsync(Url(id)));
        var renamed = "Service " + Guid.NewGuid().ToString("N")[..6];
        var original = await Fixture.WithDbAsync(db => db.Departments.AsNoTracking().SingleAsync(d => d.Id == department));
        Assert.Contains(original.Name.Fr, before, StringComparison.Ordinal);

        try
        {
            await Fixture.WithDbAsync(async db =>
            {
                var row = await db.Departments.SingleAsync(d => d.Id == department);
                row.Rename(new Litiges.Localization.LocalizedText(renamed, renamed));
                await db.SaveChangesAsync();
            });
            Assert.Contains(renamed, Browser.Text(await agent.GetPageAsync(Url(id))), StringComparison.Ordinal);
        }
        finally
        {
            await Fixture.WithDbAsync(async db =>
            {
                var row = await db.Departments.SingleAsync(d => d.Id == department);
                row.Rename(original.Name);
                await db.SaveChangesAsync();
            });
        }
    }

    private static List<string> OptionsOf(IDocument page, string select) =>
        [.. page.QuerySelectorAll($"select[name={select}] option").Select(o => o.GetAttribute("value") ?? string.Empty)];
}

public sealed class SqliteReferenceCacheTests(SqliteFixture fixture) : ReferenceCacheTests<SqliteFixture>(fixture);

public sealed class PostgreSqlReferenceCacheTests(PostgreSqlFixture fixture) : ReferenceCacheTests<PostgreSqlFixture>(fixture);
