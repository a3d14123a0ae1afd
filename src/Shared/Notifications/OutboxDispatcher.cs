using System.Text;
using Litiges.Data;
using Litiges.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;
using MimeKit.Text;

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
    ISmsSender texts,
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
            .Where(m => m.Channel != NotificationChannel.Digest && m.SentAt == null && m.FailedAt == null && m.NextAttemptAt <= now && (m.LeaseUntil == null || m.LeaseUntil < now))
            .OrderBy(m => m.Id)
            .Take(settings.BatchSize)
            .ToListAsync(cancellationToken);

        // Instances read the same due rows: each works the recipients in its own order, so that two
        // rarely reach for the same row at once (the loser of a claim only skips the row, but a round
        // trip is lost). One recipient's messages go in the order they were queued, which is the order
        // the acts happened (one save queues them in order). One that fails does not hold back the
        // later ones: a single bad message (a missing attachment) must not silence a person's e-mail
        // for the hours its retries take; it arrives late, after them, and its retry says so in the log.
        var recipients = due.GroupBy(m => m.Recipient, StringComparer.OrdinalIgnoreCase).ToArray();
        Random.Shared.Shuffle(recipients);

        var sent = 0;
        foreach (var queue in recipients)
        {
            foreach (var message in queue.OrderBy(m => m.Id))
            {
                if (!await DispatchOneAsync(db, scope.ServiceProvider, message, now, cancellationToken))
                {
                    break;
                }

                sent += message.SentAt is null ? 0 : 1;
            }
        }

        return (sent, due.Count >= settings.BatchSize);
    }

    // Claims, delivers and records one message; false when another instance claimed it (that one
    // then sends this recipient's messages).
    private async Task<bool> DispatchOneAsync(LitigesDbContext db, IServiceProvider services, OutboxMessage message, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        message.Claim(_instance, now + settings.Lease);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Another instance claimed it: it sends this recipient's messages now.
            db.Entry(message).State = EntityState.Detached;
            return false;
        }

        // An SMS alert to a number removed, changed, unticked or stopped since it was queued does not leave.
        if (message.Channel == NotificationChannel.Sms && !await SmsAlerts.StillWantedAsync(db, message, cancellationToken))
        {
            message.MarkRefused("The number no longer takes this SMS alert (removed, changed, unticked, or it answered STOP).", now);
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }

        // An SMS alert that fell due in quiet hours (queued before them, or retried into them) waits for their end.
        if (message.Channel == NotificationChannel.Sms
            && services.GetService<IOptions<SmsOptions>>() is { } sms
            && SmsAlerts.QuietUntil(sms.Value.QuietHours, message.Kind, now) is { } until)
        {
            message.Postpone(until);
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }

        try
        {
            await DeliverAsync(message, services, cancellationToken);
            message.MarkSent(clock.GetUtcNow());
            if (message.Kind == SmsAlerts.VerificationKind)
            {
                message.ForgetText();
            }
        }
        catch (SmsRefusedException refused)
        {
            logger.LogWarning("SMS {Id} refused for good by the provider: {Reason}", message.Id, refused.Message);
            message.MarkRefused(refused.Message, clock.GetUtcNow());
            if (refused.Unsubscribed)
            {
                await SmsSubscriptions.StopAsync(db, message.Recipient, clock.GetUtcNow(), cancellationToken);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Outbox message {Id} could not be delivered (attempt {Attempt}).", message.Id, message.Attempts + 1);
            message.MarkAttemptFailed(ex.Message, clock.GetUtcNow(), settings.MaxAttempts);
        }

        await db.SaveChangesAsync(cancellationToken);
        return true;
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

    private async Task DeliverAsync(OutboxMessage message, IServiceProvider services, CancellationToken cancellationToken)
    {
        if (message.Channel == NotificationChannel.Webhook)
        {
            await new WebhookSender(scopes, clock).SendAsync(message, cancellationToken);
            return;
        }

        if (message.Channel == NotificationChannel.Sms)
        {
            await texts.SendAsync(new SmsMessage(message.Id, message.Recipient, message.TextBody), cancellationToken);
            return;
        }

        if (message.Channel != NotificationChannel.Email)
        {
            throw new NotSupportedException($"No sender for channel {message.Channel}.");
        }

        var mime = await BuildMessageAsync(message, services.GetService<IBlobStore>(), cancellationToken);

        // A customer's e-mail about a dispute answers to a signed address of that dispute and that
        // customer: the reply comes back as their message on it (Inbound). A task's e-mail answers
        // to a signed address of that task and that colleague: the reply becomes the task's internal
        // answer. Other staff e-mails keep the plain sender, as staff answer in the back office.
        if (services.GetService<Inbound.ReplyAddress>() is { Configured: true } replies)
        {
            if (message.TaskId is { } taskId)
            {
                mime.ReplyTo.Add(MailboxAddress.Parse(replies.ForTask(taskId, message.Recipient)));
            }
            else if (message.DisputeId is { } disputeId && NotificationKinds.EssentialForCustomers.Contains(message.Kind))
            {
                mime.ReplyTo.Add(MailboxAddress.Parse(replies.For(disputeId, message.Recipient)));
            }
        }

        await sender.SendAsync(mime, cancellationToken);
    }

    /// <summary>
    /// The e-mail of an outbox row, as strict parsers want it: a plain-text and an HTML part in
    /// UTF-8, quoted-printable (base64 for attachments), never raw 8-bit; a Message-ID stable for
    /// the row, so that a retried send is recognised as the same message; and, for a dispute's
    /// e-mails, In-Reply-To and References to the dispute's root id so that they thread together.
    /// </summary>
    public async Task<MimeMessage> BuildMessageAsync(OutboxMessage message, IBlobStore? store, CancellationToken cancellationToken)
    {
        var mime = new MimeMessage();
        mime.From.Add(new MailboxAddress(mail.FromName, mail.FromAddress));
        mime.To.Add(MailboxAddress.Parse(message.Recipient));
        mime.Subject = message.Subject;
        mime.Date = message.CreatedAt;
        mime.MessageId = FormattableString.Invariant($"litiges-{message.Id}@{mail.MessageIdDomain}");
        if (message.DisputeId is { } disputeId)
        {
            var root = ThreadRoot(disputeId);
            mime.InReplyTo = root;
            mime.References.Add(root);
        }

        mime.Headers.Add("X-Litiges-Kind", message.Kind);

        var text = new TextPart(TextFormat.Plain) { ContentTransferEncoding = ContentEncoding.QuotedPrintable };
        text.SetText(Encoding.UTF8, message.TextBody);
        MimeEntity body = text;
        if (message.HtmlBody is { } htmlBody)
        {
            var html = new TextPart(TextFormat.Html) { ContentTransferEncoding = ContentEncoding.QuotedPrintable };
            html.SetText(Encoding.UTF8, htmlBody);
            body = new MultipartAlternative { text, html };
        }

        if (message.AttachmentList.Count > 0)
        {
            var mixed = new Multipart("mixed") { body };
            foreach (var attachment in message.AttachmentList)
            {
                mixed.Add(await AttachmentAsync(attachment, store, cancellationToken));
            }

            body = mixed;
        }

        mime.Body = body;
        return mime;
    }

    /// <summary>The Message-ID every e-mail about a dispute refers to, so that mail clients thread them.</summary>
    public string ThreadRoot(int disputeId) => FormattableString.Invariant($"dispute-{disputeId}@{mail.MessageIdDomain}");

    // A missing document fails the attempt (and so retries, then parks): an e-mail that promises
    // a credit note never leaves without it.
    private static async Task<MimePart> AttachmentAsync(MailAttachment attachment, IBlobStore? store, CancellationToken cancellationToken)
    {
        var content = new MemoryStream();
        await using (var blob = store is null ? null : await store.OpenReadAsync(attachment.BlobName, cancellationToken))
        {
            if (blob is null)
            {
                throw new InvalidOperationException($"The document {attachment.BlobName} attached to the e-mail is not in storage.");
            }

            await blob.CopyToAsync(content, cancellationToken);
        }

        content.Position = 0;
        return new MimePart(ContentType.Parse(attachment.ContentType))
        {
            Content = new MimeContent(content),
            ContentDisposition = new ContentDisposition(ContentDisposition.Attachment),
            ContentTransferEncoding = ContentEncoding.Base64,
            FileName = attachment.FileName,
        };
    }
}
