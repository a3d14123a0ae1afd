using System.Net;
using Litiges.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Net.Http.Headers;
using PortalProgram = Litiges.CustomerPortal.Program;

namespace Litiges.IntegrationTests.Production;

/// <summary>
/// Behind a TLS-terminating proxy, over real Kestrel on loopback (the peer is 127.0.0.1):
/// X-Forwarded-For and X-Forwarded-Proto count only from a configured proxy, so a client cannot
/// choose its rate-limit partition nor pretend HTTPS; from the proxy they give the client's address
/// and scheme (HSTS, Secure cookies). No response names the server.
/// </summary>
public sealed class ProxyTests(SqliteFixture fixture) : IClassFixture<SqliteFixture>, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("litiges-proxy-").FullName;

    [Fact]
    public async Task Forged_forwarded_for_from_an_untrusted_peer_does_not_change_the_rate_limit_partition()
    {
        await using var app = Serve(Settings(knownProxies: "10.9.9.9"));
        var statuses = await SignInPostsAsync(app, "203.0.113.1", "203.0.113.2", "203.0.113.3");

        // One partition (the peer's own address) whatever the header says: the third is refused.
        Assert.Equal([false, false, true], statuses.Select(s => s == HttpStatusCode.TooManyRequests));
    }

    [Fact]
    public async Task Forwarded_for_from_the_trusted_proxy_keys_rate_limits_on_the_real_client()
    {
        await using var app = Serve(Settings(knownProxies: "127.0.0.1"));

        // Three clients behind the proxy: one post each, none refused.
        Assert.DoesNotContain(HttpStatusCode.TooManyRequests, await SignInPostsAsync(app, "203.0.113.1", "203.0.113.2", "203.0.113.3"));

        // One client posting three times is still limited.
        var same = await SignInPostsAsync(app, "198.51.100.7", "198.51.100.7", "198.51.100.7");
        Assert.Equal(HttpStatusCode.TooManyRequests, same[2]);
    }

    [Fact]
    public async Task Forwarded_https_from_the_trusted_proxy_gives_hsts_and_secure_cookies_in_production()
    {
        var settings = ProductionConfig.Settings(ProductionConfig.CreateCertificate(_folder, "keys"));
        settings["ForwardedHeaders:KnownNetworks"] = "127.0.0.0/8";
        await using var app = Serve(settings, "Production");

        var viaProxy = await GetLoginAsync(app, forwardedProto: "https");
        Assert.Equal(HttpStatusCode.OK, viaProxy.StatusCode);
        Assert.StartsWith("max-age=31536000", viaProxy.Headers.GetValues("Strict-Transport-Security").Single(), StringComparison.Ordinal);
        AssertSecureCookies(viaProxy);
        Assert.False(viaProxy.Headers.Contains("Server"));

        // A request the proxy did not mark as HTTPS still gets Secure cookies in Production (no HSTS over HTTP).
        var plain = await GetLoginAsync(app, forwardedProto: null);
        Assert.False(plain.Headers.Contains("Strict-Transport-Security"));
        AssertSecureCookies(plain);
        Assert.False(plain.Headers.Contains("Server"));
    }

    [Fact]
    public async Task Forwarded_https_from_an_untrusted_peer_is_ignored()
    {
        var settings = ProductionConfig.Settings(ProductionConfig.CreateCertificate(_folder, "keys"));
        await using var app = Serve(settings, "Production");

        var forged = await GetLoginAsync(app, forwardedProto: "https");
        Assert.Equal(HttpStatusCode.OK, forged.StatusCode);
        Assert.False(forged.Headers.Contains("Strict-Transport-Security"));
    }

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("10.9.9.9", false)]
    public async Task Outside_production_cookies_follow_the_scheme_the_trusted_proxy_reports(string knownProxies, bool secure)
    {
        await using var app = Serve(Settings(knownProxies));
        var response = await GetLoginAsync(app, forwardedProto: "https");

        var cookies = SetCookieHeaderValue.ParseList([.. response.Headers.GetValues(HeaderNames.SetCookie)]);
        Assert.NotEmpty(cookies);
        Assert.All(cookies, c => Assert.Equal(secure, c.Secure));
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static Dictionary<string, string?> Settings(string knownProxies) => new()
    {
        ["ForwardedHeaders:KnownProxies"] = knownProxies,
        ["Security:RateLimits:SignInPerMinute"] = "2",
    };

    private static void AssertSecureCookies(HttpResponseMessage response)
    {
        var cookies = SetCookieHeaderValue.ParseList([.. response.Headers.GetValues(HeaderNames.SetCookie)]);
        Assert.Contains(cookies, c => c.Name == ".Litiges.Portal.af");
        Assert.All(cookies, c => Assert.True(c.Secure, $"{c.Name} would be sent over plain HTTP"));
    }

    private static async Task<HttpResponseMessage> GetLoginAsync(Served app, string? forwardedProto)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(app.Url, "/Account/Login"));

        // Not localhost: the HSTS middleware never sends the header to a loopback host name.
        request.Headers.Host = ProductionConfig.PortalHost;
        if (forwardedProto is not null)
        {
            request.Headers.Add("X-Forwarded-Proto", forwardedProto);
        }

        return await app.Client.SendAsync(request);
    }

    private static async Task<List<HttpStatusCode>> SignInPostsAsync(Served app, params string[] forwardedFor)
    {
        var statuses = new List<HttpStatusCode>();
        foreach (var client in forwardedFor)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(app.Url, "/Account/Login"))
            {
                Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["Input.Email"] = "nobody@alpha.test", ["Input.Password"] = "wrong" }),
            };
            request.Headers.Add("X-Forwarded-For", client);
            using var response = await app.Client.SendAsync(request);
            statuses.Add(response.StatusCode);
        }

        return statuses;
    }

    private Served Serve(Dictionary<string, string?> settings, string environment = "Testing")
    {
        var factory = new AppFactory<PortalProgram>(fixture.Database, fixture.DataFolder, settings).WithWebHostBuilder(b => b.UseEnvironment(environment));
        factory.UseKestrel(0);
        factory.StartServer();
        var address = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Served(factory, new Uri(address));
    }

    private sealed class Served(WebApplicationFactory<PortalProgram> factory, Uri url) : IAsyncDisposable
    {
        public Uri Url { get; } = url;

        public HttpClient Client { get; } = new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false });

        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await factory.DisposeAsync();
        }
    }
}
