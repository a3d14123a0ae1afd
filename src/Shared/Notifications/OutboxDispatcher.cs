using System.Runtime.InteropServices;
using Litiges.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Litiges.Notifications;

public sealed class OutboxOptions
{
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(2);

    public int BatchSize { get; set; } = 20;

    public int MaxAttempts { get; set; } = 8;

    public bool Enabled { get; set; } = true;
}

/// <summary>
/// Delivers outbox messages. Each message is claimed with a lease under the row's concurrency
/// token, so several app instances never send the same message twice, and a crashed instance's
/// claims expire and are taken over.
/// </summary>
public sealed class OutboxDispatcher(
    IServiceScopeFactory scopes,
    IMailSender sender,
    MailSettings mail,
    TimeProvider clock,
    IOptions<OutboxOptions> options,
    ILogger<OutboxDispatcher> logger) : BackgroundService
{
    private readonly string _instance = $"{Environment.ProcessId}-{Guid.NewGuid():N}";

    /// <summary>Delivers one batch of what is due now; returns how many were sent. Tests call it directly.</summary>
    public async Task<int> DispatchDueAsync(CancellationToken cancellationToken) => (await DispatchBatchAsync(cancellationToken)).Sent;

    // Also tells whether the batch was full: then more may be due, whoever sent this one.
    private async Task<(int Sent, bool Full)> DispatchBatchAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<LitigesDbContext>();
        var now = clock.GetUtcNow();
        var due = await db.Outbox
            .Where(m => m.SentAt == null && m.FailedAt == null && m.NextAttemptAt <= now && (m.LeaseUntil == null || m.LeaseUntil < now))
            .OrderBy(m => m.Id)
            .Take(settings.BatchSize)
            .ToListAsync(cancellationToken);

        // Instances read the same due rows: each works them in its own order, so that two rarely
        // reach for the same row at once (the loser of a claim only skips the row, but a round trip is lost).
        Random.Shared.Shuffle(CollectionsMarshal.AsSpan(due));

        var sent = 0;
        foreach (var message in due)
        {
            message.Claim(_instance, now + settings.Lease);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateConcurrencyException)
            {
                db.Entry(message).State = EntityState.Detached;
                continue;
            }

            try
            {
                await DeliverAsync(message, cancellationToken);
                message.MarkSent(clock.GetUtcNow());
                sent++;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Outbox message {Id} could not be delivered (attempt {Attempt}).", message.Id, message.Attempts + 1);
                message.MarkAttemptFailed(ex.Message, clock.GetUtcNow(), settings.MaxAttempts);
            }

            await db.SaveChangesAsync(cancellationToken);
        }

        return (sent, due.Count >= settings.BatchSize);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // A full batch means more may be waiting: go on at once rather than at the next tick.
                if ((await DispatchBatchAsync(stoppingToken)).Full)
                {
                    continue;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The database may be briefly unavailable: try again at the next tick.
                logger.LogWarning(ex, "Outbox dispatch failed; retrying later.");
            }

            try
            {
                await Task.Delay(options.Value.PollInterval, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private Task DeliverAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        if (message.Channel == NotificationChannel.Webhook)
        {
            return new WebhookSender(scopes, clock).SendAsync(message, cancellationToken);
        }

        if (message.Channel != NotificationChannel.Email)
        {
            throw new NotSupportedException($"No sender for channel {message.Channel}.");
        }

        var mime = new MimeMessage();
        mime.From.Add(new MailboxAddress(mail.FromName, mail.FromAddress));
        mime.To.Add(MailboxAddress.Parse(message.Recipient));
        mime.Subject = message.Subject;
        var body = new BodyBuilder { TextBody = message.TextBody, HtmlBody = message.HtmlBody };
        mime.Body = body.ToMessageBody();
        mime.Headers.Add("X-Litiges-Kind", message.Kind);
        return sender.SendAsync(mime, cancellationToken);
    }
}
