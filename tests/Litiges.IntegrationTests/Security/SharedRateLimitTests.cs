using System.Globalization;
using System.Net;
using Litiges.Testing;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using PortalProgram = Litiges.CustomerPortal.Program;

namespace Litiges.IntegrationTests.Security;

/// <summary>
/// Two instances of the portal on one PostgreSQL database, as behind a load balancer: a client
/// whose sign-ins reach each instance in turn gets the limit once, not once per instance, because
/// the windows are counted in the database (<c>Security:RateLimits:Store</c> Database, the default
/// on a server database). With the Memory store each instance counts on its own.
/// </summary>
public sealed class SharedRateLimitTests(PostgreSqlFixture fixture) : IClassFixture<PostgreSqlFixture>
{
    [Fact]
    public async Task A_client_hopping_between_two_instances_gets_the_sign_in_limit_once()
    {
        var statuses = await SignInsAcrossTwoInstancesAsync(store: null, attempts: 4);

        Assert.DoesNotContain(HttpStatusCode.TooManyRequests, statuses.Take(3).Select(s => s.Status));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[3].Status);
        Assert.InRange(statuses[3].RetryAfter ?? 0, 1, 60);
    }

    [Fact]
    public async Task With_the_memory_store_each_instance_counts_alone()
    {
        var statuses = await SignInsAcrossTwoInstancesAsync(store: "Memory", attempts: 6);

        // Three on each instance: the limit of three is reached on neither.
        Assert.DoesNotContain(HttpStatusCode.TooManyRequests, statuses.Select(s => s.Status));
    }

    // Posts failed sign-ins alternately to two instances (limit 3 a minute), with one antiforgery
    // token taken from the first: the Data Protection keys in the database make it valid on both.
    private async Task<List<(HttpStatusCode Status, int? RetryAfter)>> SignInsAcrossTwoInstancesAsync(string? store, int attempts)
    {
        // A key of its own: the test host has no client address, so every test shares one otherwise.
        await fixture.WithDbAsync(db => db.RateLimitWindows.ExecuteDeleteAsync());
        var settings = new Dictionary<string, string?> { ["Security:RateLimits:SignInPerMinute"] = "3" };
        if (store is not null)
        {
            settings["Security:RateLimits:Store"] = store;
        }

        await using var first = new AppFactory<PortalProgram>(fixture.Database, fixture.DataFolder, settings);
        await using var second = new AppFactory<PortalProgram>(fixture.Database, fixture.DataFolder, settings);
        var options = new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false };
        HttpClient[] instances = [first.CreateClient(options), second.CreateClient(options)];

        var page = await instances[0].GetAsync(new Uri("/Account/Login", UriKind.Relative));
        var cookie = string.Join("; ", page.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]));
        var document = await Browser.ParseAsync(page);
        var token = document.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;

        var statuses = new List<(HttpStatusCode, int?)>();
        for (var attempt = 0; attempt < attempts; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/Account/Login", UriKind.Relative))
            {
                Content = new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["__RequestVerificationToken"] = token,
                    ["Input.Email"] = "nobody@alpha.test",
                    ["Input.Password"] = "not-the-password",
                }),
            };
            request.Headers.Add("Cookie", cookie);
            using var response = await instances[attempt % 2].SendAsync(request);
            Assert.NotEqual(HttpStatusCode.BadRequest, response.StatusCode); // the token held on both instances
            statuses.Add((response.StatusCode, response.Headers.TryGetValues("Retry-After", out var values) ? int.Parse(values.Single(), CultureInfo.InvariantCulture) : null));
        }

        return statuses;
    }
}
