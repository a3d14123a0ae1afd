using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Litiges.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Litiges.Notifications;

/// <summary>
/// Posts a webhook queued in the outbox (<see cref="Integration.WebhookEvents"/>) to its URL, signed
/// with the client's secret: <c>X-Litiges-Timestamp</c> (Unix seconds) and
/// <c>X-Litiges-Signature: sha256=</c> the hex HMAC-SHA256 of <c>{timestamp}.{body}</c>, keyed with
/// the secret's UTF-8 bytes. Any answer but 2xx throws, so the dispatcher tries again later.
/// </summary>
public sealed class WebhookSender(IServiceScopeFactory scopes, TimeProvider clock)
{
    public const string TimestampHeader = "X-Litiges-Timestamp";
    public const string SignatureHeader = "X-Litiges-Signature";
    public const string EventHeader = "X-Litiges-Event";

    // One client for the process: pooled connections, renewed so that DNS changes are seen.
    private static readonly HttpClient Http = new(new SocketsHttpHandler
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectTimeout = TimeSpan.FromSeconds(10),
        AllowAutoRedirect = false,
    })
    {
        Timeout = TimeSpan.FromSeconds(30),
    };

    public async Task SendAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        var secret = await SecretAsync(message, cancellationToken);
        var timestamp = clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, message.Recipient)
        {
            Content = new StringContent(message.TextBody, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        request.Headers.Add(TimestampHeader, timestamp);
        request.Headers.Add(SignatureHeader, Sign(secret, timestamp, message.TextBody));
        request.Headers.Add(EventHeader, message.Kind);
        using var response = await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"The webhook receiver answered {(int)response.StatusCode}.", null, response.StatusCode);
        }
    }

    /// <summary>The signature header's value for a body sent at <paramref name="timestamp"/>; receivers compute the same.</summary>
    public static string Sign(string secret, string timestamp, string body)
    {
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}"));
        return "sha256=" + Convert.ToHexStringLower(mac);
    }

    // Read at each attempt: a revoked client or a removed subscription gets nothing more.
    private async Task<string> SecretAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        if (!int.TryParse(message.Subject, NumberStyles.None, CultureInfo.InvariantCulture, out var subscriptionId))
        {
            throw new InvalidOperationException($"Outbox message {message.Id} names no webhook subscription.");
        }

        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<LitigesDbContext>();
        var target = await (
                from subscription in db.WebhookSubscriptions.AsNoTracking()
                join client in db.ApiClients on subscription.ApiClientId equals client.Id
                where subscription.Id == subscriptionId
                select new { subscription.IsActive, client.RevokedAt, client.WebhookSecret })
            .SingleOrDefaultAsync(cancellationToken);
        return target is { IsActive: true, RevokedAt: null }
            ? target.WebhookSecret
            : throw new InvalidOperationException($"Webhook subscription {subscriptionId} was removed or its client revoked.");
    }
}
