using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Litiges.Hosting;

/// <summary>
/// Behind a TLS-terminating proxy the apps see the proxy's address and plain HTTP. The proxy's
/// X-Forwarded-For and X-Forwarded-Proto are believed only from the addresses in
/// <c>ForwardedHeaders:KnownProxies</c> (IP addresses) and <c>ForwardedHeaders:KnownNetworks</c>
/// (CIDR ranges), each a list or one value separated by ';' or ','. Nothing else is trusted, not
/// even loopback: from any other peer the headers are ignored, so a client cannot pick its own
/// rate-limit partition or pretend to be on HTTPS.
/// </summary>
public static class TrustedProxies
{
    public static bool AreConfigured(IConfiguration configuration) =>
        Values(configuration, "KnownProxies").Count > 0 || Values(configuration, "KnownNetworks").Count > 0;

    public static IServiceCollection AddTrustedProxies(this IServiceCollection services, IConfiguration configuration)
    {
        // Parsed now, so that a typo stops start-up instead of silently trusting nobody.
        var proxies = Values(configuration, "KnownProxies")
            .Select(v => IPAddress.TryParse(v, out var address) ? address : throw Invalid("KnownProxies", v, "an IP address"))
            .ToList();
        var networks = Values(configuration, "KnownNetworks")
            .Select(v => System.Net.IPNetwork.TryParse(v, out var network) ? network : throw Invalid("KnownNetworks", v, "a network in CIDR form (10.0.0.0/8)"))
            .ToList();
        services.Configure<ForwardedHeadersOptions>(options =>
        {
            // Not X-Forwarded-Host: the host stays the one AllowedHosts checked.
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            options.ForwardLimit = 1;
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            proxies.ForEach(options.KnownProxies.Add);
            networks.ForEach(options.KnownIPNetworks.Add);
        });
        return services;
    }

    private static InvalidOperationException Invalid(string key, string value, string expected) =>
        new($"ForwardedHeaders:{key}: '{value}' is not {expected}.");

    private static List<string> Values(IConfiguration configuration, string key)
    {
        var section = configuration.GetSection("ForwardedHeaders").GetSection(key);
        var values = section.GetChildren().Select(c => c.Value).Append(section.Value);
        return values
            .SelectMany(v => (v ?? string.Empty).Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .ToList();
    }
}
