using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Litiges.Notifications;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Litiges.IntegrationTests.Notifications;

/// <summary>
/// Twilio's Messages API played on loopback (Kestrel, port 0): <c>POST
/// /2010-04-01/Accounts/{AccountSid}/Messages.json</c>, a form with To, From or MessagingServiceSid
/// and Body, under Basic authentication with the account and its auth token. It records every
/// request and answers as scripted (500, 429, 400 with a Twilio error code), then 201 with the
/// message's JSON as Twilio does.
/// </summary>
internal sealed class TwilioCapture : IAsyncDisposable
{
    public const string AccountSid = "AC0123456789abcdef0123456789abcdef";
    public const string AuthToken = "test-auth-token-1234";
    public const string From = "+33757000000";

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, ConcurrentQueue<(int Status, int? Code)>> _scripts = new(StringComparer.Ordinal);

    private TwilioCapture(WebApplication app) => _app = app;

    public string Url { get; private set; } = string.Empty;

    public ConcurrentQueue<CapturedSms> Requests { get; } = new();

    /// <summary>The sender the apps would build from <c>Sms:Twilio:*</c>, pointed here.</summary>
    public TwilioSmsSender Sender(string? messagingServiceSid = null) => new(new TwilioOptions
    {
        AccountSid = AccountSid,
        AuthToken = AuthToken,
        From = messagingServiceSid is null ? From : null,
        MessagingServiceSid = messagingServiceSid,
        BaseUrl = Url,
    });

    /// <summary>
    /// The next answers to messages for <paramref name="to"/>, in order: an HTTP status and, for an
    /// error, Twilio's error code. By number, so that other messages the dispatcher sends meanwhile
    /// do not take them.
    /// </summary>
    public void Answer(string to, params (int Status, int? Code)[] answers)
    {
        var script = _scripts.GetOrAdd(to, _ => new ConcurrentQueue<(int Status, int? Code)>());
        foreach (var answer in answers)
        {
            script.Enqueue(answer);
        }
    }

    public static async Task<TwilioCapture> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var capture = new TwilioCapture(app);
        app.MapPost("/2010-04-01/Accounts/{account}/Messages.json", capture.ReceiveAsync);
        await app.StartAsync();
        capture.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return capture;
    }

    public IReadOnlyList<CapturedSms> To(string number) => [.. Requests.Where(r => r.Form.GetValueOrDefault("To") == number)];

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private async Task ReceiveAsync(HttpContext context, string account)
    {
        var form = await context.Request.ReadFormAsync();
        var fields = form.ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal);
        Requests.Enqueue(new CapturedSms(account, context.Request.Path, context.Request.Headers.Authorization.ToString(), fields));

        var (status, code) = _scripts.TryGetValue(fields.GetValueOrDefault("To") ?? string.Empty, out var script) && script.TryDequeue(out var scripted) ? scripted : (201, null);
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        if (status == 201)
        {
            var sid = "SM" + Guid.NewGuid().ToString("N");
            await context.Response.WriteAsync(JsonSerializer.Serialize(new Dictionary<string, object?>
            {
                ["sid"] = sid,
                ["account_sid"] = account,
                ["to"] = fields.GetValueOrDefault("To"),
                ["from"] = fields.GetValueOrDefault("From"),
                ["messaging_service_sid"] = fields.GetValueOrDefault("MessagingServiceSid"),
                ["body"] = fields.GetValueOrDefault("Body"),
                ["status"] = "queued",
                ["num_segments"] = "1",
                ["direction"] = "outbound-api",
                ["api_version"] = "2010-04-01",
                ["date_created"] = DateTimeOffset.UtcNow.ToString("r", CultureInfo.InvariantCulture),
                ["uri"] = $"/2010-04-01/Accounts/{account}/Messages/{sid}.json",
            }));
            return;
        }

        await context.Response.WriteAsync(JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["code"] = code ?? 20000 + status,
            ["message"] = code == TwilioSmsSender.Unsubscribed ? "Attempt to send to unsubscribed recipient" : "Scripted failure",
            ["more_info"] = $"https://www.twilio.com/docs/errors/{code ?? 20000 + status}",
            ["status"] = status,
        }));
    }
}

/// <summary>One request the capture received.</summary>
internal sealed record CapturedSms(string Account, string Path, string Authorization, IReadOnlyDictionary<string, string> Form);
