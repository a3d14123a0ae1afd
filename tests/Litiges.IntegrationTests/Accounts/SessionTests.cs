using System.Net;
using Litiges.Accounts;
using Litiges.Testing;
using Microsoft.AspNetCore.Mvc.Testing;
using PortalProgram = Litiges.CustomerPortal.Program;

namespace Litiges.IntegrationTests.Accounts;

/// <summary>Sessions: a password change signs other sessions out; a cookie from one instance is good on another.</summary>
public sealed class SessionTests(SqliteFixture fixture) : IClassFixture<SqliteFixture>
{
    private static readonly WebApplicationFactoryClientOptions NoRedirects = new() { AllowAutoRedirect = false };

    [Fact]
    public async Task Changing_the_password_signs_other_sessions_out()
    {
        // A user of the test's own: the password it changes is nobody else's.
        var email = LitigesFixture.UniqueEmail("bea", "beta.test");
        await fixture.NewUserAsync(AppUser.NewCustomer(email, "Béa Beta", fixture.Data.BetaId, isAdmin: false));
        await using var app = new AppFactory<PortalProgram>(fixture.Database, fixture.DataFolder, new Dictionary<string, string?> { ["Security:SessionCheckSeconds"] = "0" });
        var laptop = new Browser(app.CreateClient(NoRedirects));
        var office = new Browser(app.CreateClient(NoRedirects));
        Assert.Equal(HttpStatusCode.Redirect, (await laptop.SignInAsync(email)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await office.SignInAsync(email)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await office.GetAsync("/Invoices")).StatusCode);

        var changed = await laptop.SubmitAsync("/Account/Manage/ChangePassword", new Dictionary<string, string>
        {
            ["Input.CurrentPassword"] = LitigesFixture.Password,
            ["Input.NewPassword"] = "Another-Password-2026",
            ["Input.ConfirmPassword"] = "Another-Password-2026",
        });
        Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await laptop.GetAsync("/Invoices")).StatusCode);
        var other = await office.GetAsync("/Invoices");
        Assert.Equal(HttpStatusCode.Redirect, other.StatusCode);
        Assert.Contains("/Account/Login", other.Headers.Location!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cookie_issued_by_one_instance_is_accepted_by_another()
    {
        await using var first = new AppFactory<PortalProgram>(fixture.Database, fixture.DataFolder);
        await using var second = new AppFactory<PortalProgram>(fixture.Database, fixture.DataFolder);
        var signedIn = new Browser(first.CreateClient(NoRedirects));
        var response = await signedIn.SignInAsync("alice@alpha.test");
        var cookies = response.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]).ToList();
        Assert.Contains(cookies, c => c.StartsWith(".Litiges.Portal=", StringComparison.Ordinal));

        var client = second.CreateClient(NoRedirects);
        client.DefaultRequestHeaders.Add("Cookie", string.Join("; ", cookies));
        var page = await client.GetAsync(new Uri("/Invoices", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }

    [Fact]
    public async Task A_user_turns_off_optional_messages()
    {
        var browser = new Browser(fixture.Portal.CreateClient(NoRedirects));
        await browser.SignInAsync("carol@alpha.test");
        var page = await browser.GetPageAsync("/Account/Manage/Notifications");
        var form = (AngleSharp.Html.Dom.IHtmlFormElement)page.QuerySelector("main form[method=post]")!;
        foreach (var box in form.QuerySelectorAll("input[type=checkbox]").OfType<AngleSharp.Html.Dom.IHtmlInputElement>())
        {
            box.IsChecked = box.Value != Litiges.Notifications.NotificationKinds.PreDueReminder;
        }

        var saved = await browser.PostFormAsync(form, "/Account/Manage/Notifications", new Dictionary<string, string>());
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var muted = await fixture.WithDbAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleAsync(db.Users, u => u.Email == "carol@alpha.test"));
        Assert.True(muted.HasMuted(Litiges.Notifications.NotificationKinds.PreDueReminder));
        Assert.False(muted.HasMuted(Litiges.Notifications.NotificationKinds.TaskReminder));
    }
}
