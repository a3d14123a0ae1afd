using System.Net;
using Litiges.Data;
using Litiges.Disputes;
using Litiges.Testing;
using Microsoft.EntityFrameworkCore;

namespace Litiges.IntegrationTests.BackOffice;

public enum Access
{
    Allowed,
    Denied,
    NotFound,
}

/// <summary>
/// Each staff role against each back-office page: let in, refused (access denied), or not shown
/// the data (404). Agents work disputes; resolvers see their department's and their tasks';
/// credit managers see everything and configure; finance reads; administrators manage accounts only.
/// </summary>
public abstract class PermissionTests<TFixture>(TFixture fixture) : BackOfficeScenario<TFixture>(fixture), IClassFixture<TFixture>
    where TFixture : LitigesFixture
{
    public static TheoryData<string, string, Access> Matrix()
    {
        var data = new TheoryData<string, string, Access>();
        var pages = new (string Page, Access Agent, Access Resolver, Access CreditManager, Access Finance, Access Admin)[]
        {
            ("/", Access.Allowed, Access.Allowed, Access.Allowed, Access.Allowed, Access.Allowed),
            ("/Disputes", Access.Allowed, Access.Allowed, Access.Allowed, Access.Allowed, Access.Denied),
            ("/Disputes/Details/{billing}", Access.Allowed, Access.Allowed, Access.Allowed, Access.Allowed, Access.Denied),
            ("/Disputes/Details/{delivery}", Access.Allowed, Access.NotFound, Access.Allowed, Access.Allowed, Access.Denied),
            ("/Disputes/Details/{billing}?handler=Verify", Access.Allowed, Access.Allowed, Access.Allowed, Access.Allowed, Access.Denied),
            ("/Disputes/Details/{billing}/Settlement", Access.Allowed, Access.Allowed, Access.Allowed, Access.Allowed, Access.Denied),
            ("/Disputes/Details/{delivery}/Settlement", Access.Allowed, Access.NotFound, Access.Allowed, Access.Allowed, Access.Denied),
            ("/Disputes/Details/{billing}/Tasks", Access.Allowed, Access.Allowed, Access.Allowed, Access.Allowed, Access.Denied),
            ("/Disputes/Details/{delivery}/Tasks", Access.Allowed, Access.NotFound, Access.Allowed, Access.Allowed, Access.Denied),
            ("/Disputes/Export/{billing}", Access.Allowed, Access.Allowed, Access.Allowed, Access.Allowed, Access.Denied),
            ("/Disputes/Export/{delivery}", Access.Allowed, Access.NotFound, Access.Allowed, Access.Allowed, Access.Denied),
            ("/Tasks", Access.Allowed, Access.Allowed, Access.Allowed, Access.Allowed, Access.Denied),
            ("/Settings/ReasonCodes", Access.Denied, Access.Denied, Access.Allowed, Access.Denied, Access.Denied),
            ("/Settings/ReasonCodes/Edit/FAC", Access.Denied, Access.Denied, Access.Allowed, Access.Denied, Access.Denied),
            ("/Settings/Departments", Access.Denied, Access.Denied, Access.Allowed, Access.Denied, Access.Denied),
            ("/Settings/RootCauses", Access.Denied, Access.Denied, Access.Allowed, Access.Denied, Access.Denied),
            ("/Staff", Access.Denied, Access.Denied, Access.Denied, Access.Denied, Access.Allowed),
            ("/Staff/Edit", Access.Denied, Access.Denied, Access.Denied, Access.Denied, Access.Allowed),
        };
        foreach (var (page, agent, resolver, creditManager, finance, admin) in pages)
        {
            data.Add(Agent, page, agent);
            data.Add(Resolver, page, resolver);
            data.Add(CreditManager, page, creditManager);
            data.Add(Finance, page, finance);
            data.Add(Admin, page, admin);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Role_gets_what_the_matrix_says(string email, string page, Access expected)
    {
        var billing = await NewDisputeAsync(DisputeStatus.InReview, "FAC");
        var delivery = await NewDisputeAsync(DisputeStatus.InReview, "LIV");
        var browser = await StaffAsync(email);

        var response = await browser.GetAsync(page.Replace("{billing}", $"{billing}", StringComparison.Ordinal).Replace("{delivery}", $"{delivery}", StringComparison.Ordinal));

        var actual = IsAccessDenied(response) ? Access.Denied
            : response.StatusCode == HttpStatusCode.NotFound ? Access.NotFound
            : response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Redirect ? Access.Allowed
            : throw new InvalidOperationException($"{page} answered {(int)response.StatusCode}.");
        Assert.Equal(expected, actual);
    }

    [Theory]
    [InlineData("/Disputes")]
    [InlineData("/Tasks")]
    [InlineData("/Settings/ReasonCodes")]
    [InlineData("/Staff")]
    public async Task Anonymous_visitor_is_sent_to_sign_in(string page)
    {
        var response = await new Browser(Fixture.BackOffice.CreateClient(NoRedirects)).GetAsync(page);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/Account/Login", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Propose")]
    [InlineData("OpenTask")]
    public async Task Resolver_cannot_act_from_a_section_of_another_departments_dispute(string act)
    {
        var billing = await NewDisputeAsync(DisputeStatus.InReview, "FAC");
        var delivery = await NewDisputeAsync(DisputeStatus.InReview, "LIV");
        var before = await LoadAsync(delivery);
        var resolver = await StaffAsync(Resolver);

        // A token and version from a dispute of their own department, replayed at the other one's section.
        var page = await resolver.GetPageAsync(Url(billing));
        var response = await PostActAsync(resolver, page, UrlOf(act, delivery), act, new Dictionary<string, string>
        {
            ["Settlement.Kind"] = "CommercialGesture",
            ["Settlement.Summary"] = "Geste de 10 €",
            ["Settlement.GestureAmount"] = "10",
            ["NewTask.Title"] = "Intrusion",
            ["NewTask.DepartmentId"] = (await DepartmentIdAsync(ReferenceData.Departments.Billing)).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["NewTask.DueOn"] = DateTime.UtcNow.AddDays(3).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            ["NewTask.CashAtStake"] = "0",
        });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(before.Version, (await LoadAsync(delivery)).Version);
    }

    [Fact]
    public async Task Administrator_cannot_act_on_a_dispute_even_with_a_crafted_post()
    {
        var id = await NewDisputeAsync();
        var agent = await StaffAsync(Agent);
        var page = await agent.GetPageAsync(Url(id));
        var admin = await StaffAsync(Admin);

        // The agent's form, replayed with the administrator's session: refused before any handler runs.
        var response = await PostActAsync(admin, page, Url(id), "Acknowledge");

        Assert.True(IsAccessDenied(response) || response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}");
        Assert.Equal(DisputeStatus.Submitted, (await LoadAsync(id)).Status);
    }

    [Theory]
    [InlineData(Agent, "/Settings/RootCauses?handler=Add")]
    [InlineData(Resolver, "/Settings/ReasonCodes/Edit")]
    [InlineData(Finance, "/Settings/Departments?handler=Add")]
    [InlineData(CreditManager, "/Staff/Edit")]
    [InlineData(Admin, "/Tasks?handler=Complete")]
    public async Task Posts_to_a_page_of_another_role_are_refused_and_change_nothing(string email, string url)
    {
        var browser = await StaffAsync(email);
        var token = await AntiforgeryTokenAsync(browser, email);
        var causes = await Fixture.WithDbAsync(db => db.RootCauses.CountAsync());
        var codes = await Fixture.WithDbAsync(db => db.ReasonCodes.CountAsync());

        var response = await browser.Client.PostAsync(new Uri(url, UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["Input.Code"] = "HACK",
            ["Input.LabelFr"] = "Piratage",
            ["Input.LabelEn"] = "Hack",
            ["Input.NameFr"] = "Piratage",
            ["Input.NameEn"] = "Hack",
            ["Input.Email"] = "intruder@staff.test",
            ["Input.Name"] = "Intrus",
            ["Input.Roles"] = "Admin",
        }));

        Assert.True(IsAccessDenied(response), $"{url} answered {(int)response.StatusCode} to {email}.");
        Assert.Equal(causes, await Fixture.WithDbAsync(db => db.RootCauses.CountAsync()));
        Assert.Equal(codes, await Fixture.WithDbAsync(db => db.ReasonCodes.CountAsync()));
        Assert.False(await Fixture.WithDbAsync(db => db.Users.AnyAsync(u => u.Email == "intruder@staff.test")));
    }

    [Fact]
    public async Task Home_page_sends_each_role_to_its_work()
    {
        foreach (var (email, landing) in new[] { (Agent, "/Disputes"), (Resolver, "/Tasks"), (CreditManager, "/Disputes"), (Finance, "/Disputes"), (Admin, "/Staff") })
        {
            var browser = await StaffAsync(email);
            var response = await browser.GetAsync("/");
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Equal(landing, response.Headers.Location!.ToString());
        }
    }

    /// <summary>A valid token of the user's own session, from a page they may open (the sign-out form carries one).</summary>
    private static async Task<string> AntiforgeryTokenAsync(Browser browser, string email) =>
        (await browser.GetPageAsync(email == Admin ? "/Staff" : "/Tasks")).QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
}

public sealed class SqlitePermissionTests(SqliteFixture fixture) : PermissionTests<SqliteFixture>(fixture);

public sealed class PostgreSqlPermissionTests(PostgreSqlFixture fixture) : PermissionTests<PostgreSqlFixture>(fixture);
