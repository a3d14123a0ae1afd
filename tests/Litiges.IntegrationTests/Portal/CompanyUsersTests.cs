using System.Net;
using System.Text.RegularExpressions;
using AngleSharp.Dom;
using Litiges.Accounts;
using Litiges.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Litiges.IntegrationTests.Portal;

/// <summary>A customer admin invites colleagues by e-mail and removes those who left; nobody else may.</summary>
public abstract partial class CompanyUsersTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : LitigesFixture
{
    [Fact]
    public async Task An_admin_invites_a_colleague_who_chooses_a_password_and_sees_the_company()
    {
        var alice = await PortalBrowser.SignInAsync(fixture.Portal, "alice@alpha.test");
        var email = $"eve.{Guid.NewGuid():N}@alpha.test";

        var invited = await alice.Browser.SubmitAsync("/Company/Users", new Dictionary<string, string> { ["Invite.Name"] = "Ève Alpha", ["Invite.Email"] = email, ["Invite.Language"] = "en" }, "form[action*='handler=Invite']");

        Assert.Equal(HttpStatusCode.Redirect, invited.StatusCode);
        var user = await fixture.WithDbAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.Email == email));
        Assert.Equal((UserKind.Customer, fixture.Data.AlphaId, false, false, "en"), (user.Kind, user.CustomerAccountId, user.EmailConfirmed, user.IsCustomerAdmin, user.Language));
        Assert.Null(user.PasswordHash);
        var list = await alice.GetPageAsync("/Company/Users");
        var row = list.QuerySelectorAll("#colleagues tbody tr").Single(r => r.TextContent.Contains(email, StringComparison.Ordinal)).TextContent;
        Assert.Contains("Invité", row, StringComparison.Ordinal);

        // Until when the link works: sent now, Accounts:InvitationDays (7) later, in Paris time.
        var until = TimeZoneInfo.ConvertTime(user.InvitedAt!.Value.AddDays(7), Litiges.Deadlines.FrenchBusinessCalendar.Instance.TimeZone);
        Assert.Contains("Lien valable jusqu'au " + until.ToString("dd/MM/yyyy", System.Globalization.CultureInfo.InvariantCulture), row, StringComparison.Ordinal);

        var mail = await fixture.WithDbAsync(db => db.Outbox.AsNoTracking().SingleAsync(m => m.Kind == "Invitation" && m.Recipient == email));
        Assert.Equal("Alice Alpha invites you to the dispute portal of Alpha Industries", mail.Subject);
        var link = new Uri(LinkPattern().Match(mail.TextBody).Value);

        // The link sets the first password and proves the address.
        var eve = new Browser(fixture.Portal.CreateClient(PortalBrowser.NoRedirects));
        var reset = await eve.SubmitAsync(link.PathAndQuery, new Dictionary<string, string> { ["Input.Password"] = "Eve-Password-2026", ["Input.ConfirmPassword"] = "Eve-Password-2026" });
        Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await eve.SignInAsync(email, "Eve-Password-2026")).StatusCode);
        var invoices = await eve.GetPageAsync("/Invoices?show=all");
        Assert.Contains(fixture.Data.AlphaInvoices[0].Number, invoices.Body!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_address_already_in_use_cannot_be_invited()
    {
        var alice = await PortalBrowser.SignInAsync(fixture.Portal, "alice@alpha.test");

        var response = await alice.Browser.SubmitAsync("/Company/Users", new Dictionary<string, string> { ["Invite.Name"] = "Bob", ["Invite.Email"] = "bob@beta.test" }, "form[action*='handler=Invite']");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("déjà utilisée", (await Browser.ParseAsync(response)).QuerySelector("[data-valmsg-for='Invite.Email']")!.TextContent, StringComparison.Ordinal);
        var bob = await fixture.WithDbAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.Email == "bob@beta.test"));
        Assert.Equal(fixture.Data.BetaId, bob.CustomerAccountId);
    }

    [Fact]
    public async Task A_removed_colleague_is_signed_out_and_cannot_sign_in_again()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var portal = fixture.Portal.WithWebHostBuilder(builder => builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(clock)));
        var email = $"frank.{Guid.NewGuid():N}@alpha.test";
        await CreateColleagueAsync(email);
        var frank = await PortalBrowser.SignInAsync(portal, email);
        var alice = await PortalBrowser.SignInAsync(portal, "alice@alpha.test");
        var frankId = await fixture.WithDbAsync(db => db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync());
        var stampBefore = await fixture.WithDbAsync(db => db.Users.Where(u => u.Id == frankId).Select(u => u.SecurityStamp).SingleAsync());

        var page = await alice.GetPageAsync("/Company/Users");
        var remove = page.QuerySelectorAll<AngleSharp.Html.Dom.IHtmlFormElement>("form").Single(f => (f.GetAttribute("action") ?? string.Empty).Contains(frankId, StringComparison.Ordinal) && f.GetAttribute("action")!.Contains("handler=Remove", StringComparison.Ordinal));
        var removed = await alice.SubmitAsync(remove, "/Company/Users");

        Assert.Equal(HttpStatusCode.Redirect, removed.StatusCode);
        var user = await fixture.WithDbAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.Id == frankId));
        Assert.False(user.IsActive);
        Assert.NotEqual(stampBefore, user.SecurityStamp);

        // At the next check of the security stamp, the open session ends.
        clock.Advance(TimeSpan.FromMinutes(6));
        var after = await frank.GetAsync("/Invoices");
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.Contains("/Account/Login", after.Headers.Location!.OriginalString, StringComparison.Ordinal);
        var again = await new Browser(portal.CreateClient(PortalBrowser.NoRedirects)).SignInAsync(email);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
    }

    [Fact]
    public async Task Only_an_admin_manages_colleagues_and_only_of_the_own_company()
    {
        var carol = await PortalBrowser.SignInAsync(fixture.Portal, "carol@alpha.test");
        Assert.Equal(HttpStatusCode.NotFound, (await carol.GetAsync("/Company/Users")).StatusCode);
        Assert.DoesNotContain("/Company/Users", (await carol.GetPageAsync("/Invoices")).QuerySelector("nav")!.InnerHtml, StringComparison.Ordinal);

        // Bob, admin of Beta, cannot remove Alpha's Carol, even with a crafted request.
        var bob = await PortalBrowser.SignInAsync(fixture.Portal, "bob@beta.test");
        var carolId = await fixture.WithDbAsync(db => db.Users.Where(u => u.Email == "carol@alpha.test").Select(u => u.Id).SingleAsync());
        var page = await bob.GetPageAsync("/Company/Users");
        var invite = PortalBrowser.Form(page, "Invite");
        invite.SetAttribute("action", $"/Company/Users?handler=Remove&userId={carolId}");
        var response = await bob.SubmitAsync(invite, "/Company/Users");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.True(await fixture.WithDbAsync(db => db.Users.Where(u => u.Id == carolId).Select(u => u.IsActive).SingleAsync()));
        Assert.DoesNotContain("carol@alpha.test", page.Body!.TextContent, StringComparison.Ordinal);
    }

    private async Task CreateColleagueAsync(string email)
    {
        using var scope = fixture.Portal.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<AppUser>>();
        var user = AppUser.NewCustomer(email, "Frank Alpha", fixture.Data.AlphaId, isAdmin: false);
        user.EmailConfirmed = true;
        Assert.True((await users.CreateAsync(user, LitigesFixture.Password)).Succeeded);
    }

    [GeneratedRegex(@"https?://\S+/Account/AcceptInvitation\?\S+")]
    private static partial Regex LinkPattern();
}

public sealed class SqliteCompanyUsersTests(SqliteFixture fixture) : CompanyUsersTests<SqliteFixture>(fixture);

public sealed class PostgreSqlCompanyUsersTests(PostgreSqlFixture fixture) : CompanyUsersTests<PostgreSqlFixture>(fixture);
