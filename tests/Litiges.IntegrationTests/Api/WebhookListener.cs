using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Litiges.IntegrationTests.Api;

/// <summary>A delivery as the receiver got it: its headers and its body, byte for byte.</summary>
public sealed record ReceivedWebhook(string Timestamp, string Signature, string Event, string Body);

/// <summary>
/// The ERP's side of a webhook: a tiny Kestrel app on a free loopback port that records what it
/// receives, and can be told to answer 500 a number of times first, as a receiver that is down.
/// </summary>
public sealed class WebhookListener : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _failuresLeft;

    private WebhookListener(WebApplication app) => _app = app;

    public ConcurrentQueue<ReceivedWebhook> Received { get; } = new();

    /// <summary>How many requests it refused (answered 500).</summary>
    public int Refused { get; private set; }

    public Uri Url { get; private set; } = null!;

    public static async Task<WebhookListener> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var listener = new WebhookListener(app);
        app.MapPost("/hooks", async (HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body);
            var body = await reader.ReadToEndAsync();
            if (Interlocked.Decrement(ref listener._failuresLeft) >= 0)
            {
                listener.Refused++;
                return Results.StatusCode(StatusCodes.Status500InternalServerError);
            }

            listener.Received.Enqueue(new ReceivedWebhook(
                request.Headers["X-Litiges-Timestamp"].ToString(),
                request.Headers["X-Litiges-Signature"].ToString(),
                request.Headers["X-Litiges-Event"].ToString(),
                body));
            return Results.NoContent();
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        listener.Url = new Uri(new Uri(address), "/hooks");
        return listener;
    }

    /// <summary>The next <paramref name="count"/> deliveries are answered 500.</summary>
    public void FailNext(int count) => _failuresLeft = count;

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
