using System.Net;
using AngleSharp.Dom;
using Litiges.Testing;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;

namespace Litiges.IntegrationTests.Accounts;

/// <summary>
/// Sessions live in the database: signing out ends them, so a copy of the cookie taken before is
/// worth nothing (the probe replayed one for hours); "sign out everywhere", a new password and a
/// removal end every browser's session at once, not at the next security stamp check.
/// </summary>
public abstract class ServerSessionTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : LitigesFixture
{
    private static readonly WebApplicationFactoryClientOptions NoRedirects = new() { AllowAutoRedirect = false };

    [Theory]
    [InlineData("portal", "alice@alpha.test", "/Disputes", ".Litiges.Portal")]
    [InlineData("backoffice", "agent@staff.test", "/Disputes", ".Litiges.BackOffice")]
    public async Task A_cookie_replayed_after_sign_out_is_signed_out(string app, string email, string page, string cookieName)
    {
        var browser = new Browser(Client(app, NoRedirects));
        var signedIn = await browser.SignInAsync(email);
        var captured = signedIn.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]).Single(c => c.StartsWith(cookieName + "=", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK, await ReplayAsync(app, captured, page));

        var signedOut = await browser.SubmitAsync(page, new Dictionary<string, string>(), "form[action='/Account/Logout']");
        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);

        var replayed = await ReplayRawAsync(app, captured, page);
        Assert.Equal(HttpStatusCode.Redirect, replayed.StatusCode);
        Assert.Contains("/Account/Login", replayed.Headers.Location!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sign_out_everywhere_ends_the_session_of_another_browser()
    {
        var laptop = new Browser(fixture.Portal.CreateClient(NoRedirects));
        var phone = new Browser(fixture.Portal.CreateClient(NoRedirects));
        await laptop.SignInAsync("carol@alpha.test");
        await phone.SignInAsync("carol@alpha.test");
        var sessions = await laptop.GetPageAsync("/Account/Manage/Sessions");
        Assert.Equal(2, sessions.QuerySelectorAll("tbody tr").Length);
        Assert.Equal(HttpStatusCode.OK, (await phone.GetAsync("/Invoices")).StatusCode);

        var everywhere = await laptop.SubmitAsync("/Account/Manage/Sessions", new Dictionary<string, string>());
        Assert.Equal(HttpStatusCode.Redirect, everywhere.StatusCode);

        foreach (var browser in new[] { phone, laptop })
        {
            var response = await browser.GetAsync("/Invoices");
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Contains("/Account/Login", response.Headers.Location!.ToString(), StringComparison.Ordinal);
        }

        var userId = await fixture.WithDbAsync(db => db.Users.Where(u => u.Email == "carol@alpha.test").Select(u => u.Id).SingleAsync());
        Assert.False(await fixture.WithDbAsync(db => db.UserSessions.AnyAsync(s => s.UserId == userId && s.EndedAt == null)));
    }

    [Fact]
    public async Task Sign_out_everywhere_needs_the_antiforgery_token()
    {
        var browser = new Browser(fixture.BackOffice.CreateClient(NoRedirects));
        await browser.SignInAsync("resolver@staff.test");
        var forged = await browser.Client.PostAsync(new Uri("/Account/Manage/Sessions", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>()));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/Disputes")).StatusCode);
    }

    [Fact]
    public async Task A_new_password_ends_the_other_sessions_at_once()
    {
        // The apps' ordinary settings: the security stamp is checked only once a minute, the session on every request.
        var email = LitigesFixture.UniqueEmail("fanny", "staff.test");
        await fixture.NewUserAsync(Litiges.Accounts.AppUser.NewStaff(email, "Fanny Bis"), Litiges.Accounts.StaffRoles.Finance);
        var laptop = new Browser(fixture.BackOffice.CreateClient(NoRedirects));
        var office = new Browser(fixture.BackOffice.CreateClient(NoRedirects));
        Assert.Equal(HttpStatusCode.Redirect, (await laptop.SignInAsync(email)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await office.SignInAsync(email)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await office.GetAsync("/Disputes")).StatusCode);

        var changed = await laptop.SubmitAsync("/Account/Manage/ChangePassword", new Dictionary<string, string>
        {
            ["Input.CurrentPassword"] = LitigesFixture.Password,
            ["Input.NewPassword"] = "Another-Password-2026",
            ["Input.ConfirmPassword"] = "Another-Password-2026",
        });
        Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await laptop.GetAsync("/Disputes")).StatusCode);
        var other = await office.GetAsync("/Disputes");
        Assert.Equal(HttpStatusCode.Redirect, other.StatusCode);
        Assert.Contains("/Account/Login", other.Headers.Location!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_removed_colleague_is_signed_out_at_once()
    {
        var colleague = await NewCustomerAsync("removed-" + Guid.NewGuid().ToString("N")[..6] + "@alpha.test");
        var theirs = new Browser(fixture.Portal.CreateClient(NoRedirects));
        Assert.Equal(HttpStatusCode.Redirect, (await theirs.SignInAsync(colleague.Email)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await theirs.GetAsync("/Invoices")).StatusCode);

        var admin = new Browser(fixture.Portal.CreateClient(NoRedirects));
        await admin.SignInAsync("alice@alpha.test");
        var page = await admin.GetPageAsync("/Company/Users");
        var form = page.QuerySelectorAll<AngleSharp.Html.Dom.IHtmlFormElement>("form[action*='handler=Remove']").Single(f => f.GetAttribute("action")!.Contains(colleague.Id, StringComparison.Ordinal));
        var removed = await admin.PostFormAsync(form, "/Company/Users", new Dictionary<string, string>());
        Assert.Equal(HttpStatusCode.Redirect, removed.StatusCode);

        Assert.Equal(HttpStatusCode.Redirect, (await theirs.GetAsync("/Invoices")).StatusCode);
    }

    private HttpClient Client(string app, WebApplicationFactoryClientOptions options) =>
        app == "portal" ? fixture.Portal.CreateClient(options) : fixture.BackOffice.CreateClient(options);

    private async Task<HttpStatusCode> ReplayAsync(string app, string cookie, string page) => (await ReplayRawAsync(app, cookie, page)).StatusCode;

    // Another user agent, with nothing but the captured cookie.
    private async Task<HttpResponseMessage> ReplayRawAsync(string app, string cookie, string page)
    {
        var client = Client(app, new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(page, UriKind.Relative));
        request.Headers.Add("Cookie", cookie);
        return await client.SendAsync(request);
    }

    private async Task<(string Id, string Email)> NewCustomerAsync(string email)
    {
        using var scope = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.CreateScope(fixture.BackOffice.Services);
        var users = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Litiges.Accounts.AppUser>>(scope.ServiceProvider);
        var user = Litiges.Accounts.AppUser.NewCustomer(email, "Removed Colleague", fixture.Data.AlphaId, isAdmin: false);
        user.EmailConfirmed = true;
        Assert.True((await users.CreateAsync(user, LitigesFixture.Password)).Succeeded);
        return (user.Id, email);
    }
}

public sealed class SqliteServerSessionTests(SqliteFixture fixture) : ServerSessionTests<SqliteFixture>(fixture);

public sealed class PostgreSqlServerSessionTests(PostgreSqlFixture fixture) : ServerSessionTests<PostgreSqlFixture>(fixture);
