using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.LoadBalancing;
using Yarp.ReverseProxy.Model;

namespace Litiges.Bench.Load;

/// <summary>
/// The load balancer of the bench: YARP on one loopback port, in front of every instance of one
/// app. It forwards the client's address (X-Forwarded-For, X-Forwarded-Proto) and the original Host
/// header, as the deployment guide asks of a real one, and sends each client to the next instance
/// on every request (no sticky sessions), so that a person's requests always hop.
/// </summary>
internal sealed class Proxy : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly HopPolicy _policy;

    private Proxy(WebApplication app, HopPolicy policy, int port)
    {
        _app = app;
        _policy = policy;
        Port = port;
    }

    public int Port { get; }

    public Uri Address => new($"http://127.0.0.1:{Port}");

    /// <summary>Requests sent to each instance so far, by its port.</summary>
    public IReadOnlyDictionary<string, long> PerInstance => _policy.PerDestination;

    public static async Task<Proxy> StartAsync(string name, IReadOnlyList<int> instancePorts)
    {
        var port = Phase.FreePort();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ApplicationName = typeof(Proxy).Assembly.GetName().Name, Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        var policy = new HopPolicy();
        builder.Services.AddSingleton<ILoadBalancingPolicy>(policy);
        builder.Services.AddReverseProxy().LoadFromMemory(
            [
                new RouteConfig
                {
                    RouteId = name,
                    ClusterId = name,
                    Match = new RouteMatch { Path = "{**rest}" },
                    Transforms =
                    [
                        new Dictionary<string, string> { ["RequestHeaderOriginalHost"] = "true" },
                        new Dictionary<string, string> { ["X-Forwarded"] = "Set", ["Host"] = "Off", ["Prefix"] = "Off" },
                    ],
                },
            ],
            [
                new ClusterConfig
                {
                    ClusterId = name,
                    LoadBalancingPolicy = HopPolicy.PolicyName,
                    Destinations = instancePorts.ToDictionary(p => p.ToString(System.Globalization.CultureInfo.InvariantCulture), p => new DestinationConfig { Address = $"http://127.0.0.1:{p}/" }),
                },
            ]);
        var app = builder.Build();
        app.MapReverseProxy();
        await app.StartAsync();
        return new Proxy(app, policy, port);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>Each client (by its address) goes to the next instance on every request.</summary>
    private sealed class HopPolicy : ILoadBalancingPolicy
    {
        public const string PolicyName = "HopEveryRequest";

        private readonly ConcurrentDictionary<string, int> _next = new(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, long> _sent = new(StringComparer.Ordinal);

        public string Name => PolicyName;

        public IReadOnlyDictionary<string, long> PerDestination => _sent;

        public DestinationState? PickDestination(HttpContext context, ClusterState cluster, IReadOnlyList<DestinationState> availableDestinations)
        {
            if (availableDestinations.Count == 0)
            {
                return null;
            }

            var client = context.Connection.RemoteIpAddress?.ToString() ?? string.Empty;
            var turn = _next.AddOrUpdate(client, 0, (_, last) => last + 1);
            var destination = availableDestinations[turn % availableDestinations.Count];
            _sent.AddOrUpdate(destination.DestinationId, 1, (_, count) => count + 1);
            return destination;
        }
    }
}
