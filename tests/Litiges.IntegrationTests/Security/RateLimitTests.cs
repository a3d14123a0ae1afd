using System.Globalization;
using System.Net;
using Litiges.Testing;
using Microsoft.AspNetCore.Mvc.Testing;
using PortalProgram = Litiges.CustomerPortal.Program;

namespace Litiges.IntegrationTests.Security;

/// <summary>
/// Password reset, filing and uploads are limited per client like sign-in: past the limit a post
/// gets 429 with Retry-After and the page is not run. (Sign-in is tested with the headers, the
/// API's own limit with the API.)
/// </summary>
public sealed class RateLimitTests(SqliteFixture fixture) : IClassFixture<SqliteFixture>
{
    [Theory]
    [InlineData("Security:RateLimits:PasswordResetPerMinute", "/Account/ForgotPassword", "/Account/ForgotPassword", false)]
    [InlineData("Security:RateLimits:FilingPerMinute", "/Disputes/New", "/Account/Manage/ChangePassword", true)]
    [InlineData("Security:RateLimits:UploadPerMinute", "/Disputes/Files?handler=Upload", "/Account/Manage/ChangePassword", true)]
    public async Task Posts_beyond_the_limit_get_429_with_retry_after(string setting, string url, string tokenPage, bool signedIn)
    {
        await using var strict = new AppFactory<PortalProgram>(fixture.Database, fixture.DataFolder, new Dictionary<string, string?> { [setting] = "2" });
        var browser = new Browser(strict.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false }));
        if (signedIn)
        {
            Assert.Equal(HttpStatusCode.Redirect, (await browser.SignInAsync("carol@alpha.test")).StatusCode);
        }

        var token = (await browser.GetPageAsync(tokenPage)).QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage last = null!;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var form = new MultipartFormDataContent
            {
                { new StringContent(token), "\"__RequestVerificationToken\"" },
                { new StringContent("nobody@alpha.test"), "\"Input.Email\"" },
                { new StringContent("1"), "\"Input.Step\"" },
            };
            last = await browser.Client.PostAsync(new Uri(url, UriKind.Relative), form);
            statuses.Add(last.StatusCode);
        }

        Assert.DoesNotContain(HttpStatusCode.TooManyRequests, statuses.Take(2));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[2]);
        Assert.InRange(int.Parse(last.Headers.GetValues("Retry-After").Single(), CultureInfo.InvariantCulture), 1, 60);

        // Showing the page is not limited.
        Assert.NotEqual(HttpStatusCode.TooManyRequests, (await browser.GetAsync(tokenPage)).StatusCode);
    }
}
