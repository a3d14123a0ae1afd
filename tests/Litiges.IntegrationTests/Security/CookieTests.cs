using System.Net;
using Litiges.Testing;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Net.Http.Headers;

namespace Litiges.IntegrationTests.Security;

/// <summary>
/// Every cookie either app sets — session, antiforgery, language — is out of reach of scripts
/// (HttpOnly), sent only over HTTPS when the site is served over HTTPS (Secure), and not sent
/// with cross-site posts (SameSite Lax or Strict).
/// </summary>
public sealed class CookieTests(SqliteFixture fixture) : IClassFixture<SqliteFixture>
{
    [Theory]
    [InlineData("portal", "alice@alpha.test")]
    [InlineData("backoffice", "agent@staff.test")]
    public async Task Every_cookie_is_http_only_secure_and_same_site(string app, string email)
    {
        var options = new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri("https://localhost") };
        var client = app == "portal" ? fixture.Portal.CreateClient(options) : fixture.BackOffice.CreateClient(options);
        var browser = new Browser(client);
        var cookies = new List<SetCookieHeaderValue>();

        var login = await browser.GetAsync("/Account/Login");
        cookies.AddRange(SetCookies(login));
        var signedIn = await browser.SignInAsync(email);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        cookies.AddRange(SetCookies(signedIn));
        var page = await browser.GetPageAsync("/Account/Manage/ChangePassword");
        var token = page.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        var language = await client.PostAsync(new Uri("/Language", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token, ["language"] = "en", ["returnUrl"] = "/" }));
        Assert.Equal(HttpStatusCode.Redirect, language.StatusCode);
        cookies.AddRange(SetCookies(language));

        var prefix = app == "portal" ? ".Litiges.Portal" : ".Litiges.BackOffice";
        Assert.Contains(cookies, c => c.Name == prefix);
        Assert.Contains(cookies, c => c.Name == prefix + ".af");
        Assert.Contains(cookies, c => c.Name == prefix + ".lang");
        Assert.All(cookies, c =>
        {
            Assert.True(c.HttpOnly, $"{c.Name} is readable by scripts");
            Assert.True(c.Secure, $"{c.Name} would be sent over plain HTTP");
            Assert.True(c.SameSite is Microsoft.Net.Http.Headers.SameSiteMode.Lax or Microsoft.Net.Http.Headers.SameSiteMode.Strict, $"{c.Name} is sent with cross-site requests ({c.SameSite})");
        });
    }

    [Fact]
    public async Task The_session_cookie_is_not_sent_to_another_app()
    {
        // Both apps may share a host name: each has its own session cookie, and one app's cookie means nothing to the other.
        var portal = new Browser(fixture.Portal.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false }));
        var signedIn = await portal.SignInAsync("alice@alpha.test");
        var session = SetCookies(signedIn).Single(c => c.Name == ".Litiges.Portal");

        var backOffice = fixture.BackOffice.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/Disputes", UriKind.Relative));
        request.Headers.Add("Cookie", $".Litiges.BackOffice={session.Value}");
        var response = await backOffice.SendAsync(request);

        Assert.True(AppEndpoints.IsSignInRedirect(response), $"answered {(int)response.StatusCode}");
    }

    private static IEnumerable<SetCookieHeaderValue> SetCookies(HttpResponseMessage response) =>
        response.Headers.TryGetValues(HeaderNames.SetCookie, out var values) ? SetCookieHeaderValue.ParseList([.. values]) : [];
}
