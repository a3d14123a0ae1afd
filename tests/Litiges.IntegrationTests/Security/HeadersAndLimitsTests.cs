using System.Net;
using Litiges.Testing;
using Microsoft.AspNetCore.Mvc.Testing;
using PortalProgram = Litiges.CustomerPortal.Program;

namespace Litiges.IntegrationTests.Security;

/// <summary>Security headers on every response, and sign-in attempts limited per client.</summary>
public sealed class HeadersAndLimitsTests(SqliteFixture fixture) : IClassFixture<SqliteFixture>
{
    [Theory]
    [InlineData("/Account/Login")]
    [InlineData("/health")]
    [InlineData("/Invoices")]
    [InlineData("/_content/Litiges.Shared/css/litiges.css")]
    [InlineData("/no-such-page")]
    public async Task Every_response_carries_the_security_headers(string url)
    {
        var response = await fixture.Portal.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false }).GetAsync(new Uri(url, UriKind.Relative));
        var csp = string.Join(' ', response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("strict-origin-when-cross-origin", response.Headers.GetValues("Referrer-Policy").Single());
    }

    [Fact]
    public async Task Script_sources_allow_no_inline_script()
    {
        var response = await fixture.Portal.CreateClient().GetAsync(new Uri("/Account/Login", UriKind.Relative));
        var scriptSrc = string.Join(' ', response.Headers.GetValues("Content-Security-Policy")).Split(';').Single(d => d.Trim().StartsWith("script-src", StringComparison.Ordinal));
        Assert.Equal("script-src 'self'", scriptSrc.Trim());
        var html = await response.Content.ReadAsStringAsync();
        Assert.DoesNotMatch("<script(?![^>]*\\bsrc=)[^>]*>", html);
    }

    [Fact]
    public async Task Sign_in_attempts_beyond_the_limit_get_429_with_retry_after()
    {
        await using var strict = new AppFactory<PortalProgram>(fixture.Database, fixture.DataFolder, new Dictionary<string, string?> { ["Security:RateLimits:SignInPerMinute"] = "3" });
        var browser = new Browser(strict.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false }));
        var statuses = new List<HttpStatusCode>();
        for (var attempt = 0; attempt < 4; attempt++)
        {
            statuses.Add((await browser.SignInAsync("alice@alpha.test", "wrong-" + attempt)).StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK], statuses.Take(3));
        var refused = await browser.SignInAsync("alice@alpha.test");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(int.Parse(refused.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) > 0);

        // Showing the form is not limited.
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/Account/Login")).StatusCode);
    }
}
