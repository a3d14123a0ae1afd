using System.Security.Cryptography;
using Litiges.Accounts;
using Litiges.Data;
using Litiges.Disputes;
using Litiges.Notifications;
using Litiges.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using MimeKit;

namespace Litiges.Inbound;

/// <summary>What one received e-mail became; <see cref="Duplicate"/> when its Message-ID was already taken.</summary>
public sealed record InboundResult(InboundMailStatus Status, ParkReason Reason, int? DisputeId, bool Duplicate = false, string? Detail = null);

/// <summary>
/// Where every received e-mail goes, whatever brought it (IMAP polling, a webhook): a reply from
/// a known contact of the dispute's company, to a reply address whose signature holds, becomes
/// that contact's message on the dispute (files alone: the handlers are told of them), its
/// attachments evidence through the same intake as uploads (type, size, virus scan); a reply to a
/// task's address from someone the task is for becomes the task's internal answer, its files
/// internal evidence; anything else (automatic replies, unknown senders, bad tokens, unknown
/// disputes or tasks, a task done, a refused file) is parked for an agent with its raw message,
/// never attached blindly. Each Message-ID is taken once (a unique index settles a race between instances).
/// </summary>
public sealed class InboundMailbox(
    LitigesDbContext db,
    ReplyAddress replies,
    DisputeEvidenceIntake evidence,
    IBlobStore store,
    DisputeCommands commands,
    TimeProvider clock,
    ILogger<InboundMailbox> logger)
{
    private const int Attempts = 3;

    public async Task<InboundResult> ReceiveAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        var messageId = string.IsNullOrWhiteSpace(message.MessageId) ? await DigestAsync(message, cancellationToken) : message.MessageId;
        if (await db.InboundMails.AsNoTracking().AnyAsync(m => m.MessageId == messageId, cancellationToken))
        {
            return new InboundResult(InboundMailStatus.Parked, ParkReason.None, null, Duplicate: true);
        }

        var sender = message.From.Mailboxes.FirstOrDefault();
        var senderEmail = sender?.Address ?? string.Empty;
        var (to, token) = ReplyToken(message, senderEmail);
        var mail = new InboundMail(messageId, senderEmail, sender?.Name, to, message.Subject, ReplyText.Extract(message), clock.GetUtcNow());
        if (token is { Valid: true, Target: ReplyTarget.Task })
        {
            // Whatever becomes of it (an automatic reply parked, say), it stays a task's mail: internal.
            mail.AnswersTask(token.Id);
        }

        if (IsAutomatic(message))
        {
            return await ParkAsync(mail, message, ParkReason.AutoReply, token is { Valid: true, Target: ReplyTarget.Dispute } ? token.Id : null, null, cancellationToken);
        }

        if (token is null)
        {
            return await ParkAsync(mail, message, ParkReason.NoReplyAddress, null, null, cancellationToken);
        }

        if (!token.Valid)
        {
            logger.LogWarning("E-mail {MessageId} from {Sender} parked: its reply address does not verify.", messageId, senderEmail);
            return await ParkAsync(mail, message, ParkReason.BadToken, null, null, cancellationToken);
        }

        if (token.Target == ReplyTarget.Task)
        {
            return await ReceiveTaskAnswerAsync(mail, message, token.Id, senderEmail, cancellationToken);
        }

        var dispute = await db.Disputes.AsNoTracking().Where(d => d.Id == token.Id).Select(d => new { d.Id, d.CustomerAccountId, d.ContactEmail, d.ContactName }).SingleOrDefaultAsync(cancellationToken);
        if (dispute is null)
        {
            return await ParkAsync(mail, message, ParkReason.UnknownDispute, null, null, cancellationToken);
        }

        var actor = await KnownContactAsync(dispute.CustomerAccountId, dispute.ContactEmail, dispute.ContactName, senderEmail, cancellationToken);
        if (actor is null)
        {
            return await ParkAsync(mail, message, ParkReason.UnknownSender, dispute.Id, null, cancellationToken);
        }

        return await LandAsync(mail, message, dispute.Id, actor, handledBy: null, cancellationToken);
    }

    /// <summary>
    /// A reply to a task's e-mail: from someone the task is for (its assignee, a member of its
    /// department), to an open task, it becomes the task's internal answer, its files internal
    /// evidence; from anyone else, or to a task done or cancelled, it waits for an agent.
    /// </summary>
    private async Task<InboundResult> ReceiveTaskAnswerAsync(InboundMail mail, MimeMessage message, int taskId, string senderEmail, CancellationToken cancellationToken)
    {
        var task = await db.DisputeTasks.AsNoTracking().SingleOrDefaultAsync(t => t.Id == taskId, cancellationToken);
        if (task is null)
        {
            return await ParkAsync(mail, message, ParkReason.UnknownTask, null, null, cancellationToken);
        }

        var actor = await StaffMemberAsync(senderEmail, cancellationToken);
        if (actor is null || !task.IsFor(actor))
        {
            logger.LogWarning("E-mail {MessageId} from {Sender} parked: task {TaskId} is not for them.", mail.MessageId, senderEmail, taskId);
            return await ParkAsync(mail, message, ParkReason.NotForThisTask, task.DisputeId, null, cancellationToken);
        }

        if (task.Status != DisputeTaskStatus.Open)
        {
            return await ParkAsync(mail, message, ParkReason.TaskClosed, task.DisputeId, null, cancellationToken);
        }

        return await LandAsync(mail, message, task.DisputeId, actor, handledBy: null, cancellationToken);
    }

    // An active staff member by address, acting with their most senior role; null for anyone else.
    private async Task<Actor?> StaffMemberAsync(string senderEmail, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(senderEmail))
        {
            return null;
        }

        var normalized = senderEmail.Trim().ToUpperInvariant();
        var user = await db.Users.AsNoTracking()
            .Where(u => u.NormalizedEmail == normalized && u.Kind == UserKind.Staff && u.IsActive)
            .OrderBy(u => u.Id)
            .Select(u => new { u.Id, u.DisplayName, u.DepartmentId, Roles = db.UserRoles.Where(r => r.UserId == u.Id).Join(db.Roles, r => r.RoleId, role => role.Id, (_, role) => role.Name!).ToList() })
            .FirstOrDefaultAsync(cancellationToken);
        return user is null || user.Roles.Count == 0 ? null : new Actor(user.Id, user.DisplayName, StaffRoles.ActingRole(user.Roles), DepartmentId: user.DepartmentId);
    }

    /// <summary>
    /// An agent attaches a parked e-mail to a dispute (by its reference): its text becomes the
    /// sender's message, its acceptable files evidence (refused ones are named in the answer).
    /// </summary>
    /// <returns>Why it could not be attached, or null when it was.</returns>
    public async Task<string?> AttachParkedAsync(InboundMail mail, int disputeId, Actor agent, CancellationToken cancellationToken)
    {
        if (mail.Status != InboundMailStatus.Parked || mail.RawBlobName is not { } raw)
        {
            throw new DomainException("Inbound.AlreadyHandled", mail.Subject);
        }

        var company = await db.Disputes.AsNoTracking().Where(d => d.Id == disputeId).Select(d => d.CustomerAccountId).SingleAsync(cancellationToken);
        MimeMessage message;
        await using (var stream = await store.OpenReadAsync(raw, cancellationToken) ?? throw new StorageUnavailableException("The parked message is missing from storage."))
        {
            message = await MimeMessage.LoadAsync(stream, cancellationToken);
        }

        // The sender's words, attached on the agent's word: the history says who attached it. A
        // reply to a task stays internal: it becomes the task's answer, given by the agent.
        var actor = mail.TaskId is not null ? agent
            : await KnownContactAsync(company, null, null, mail.From, cancellationToken)
                ?? new Actor("mail:" + mail.From, mail.FromName ?? mail.From, ActorRole.Customer, company);
        var result = await LandAsync(mail, message, disputeId, actor, agent.DisplayName, cancellationToken);
        if (result.Status == InboundMailStatus.Attached)
        {
            await TryDeleteAsync(raw);
            return null;
        }

        return result.Detail ?? string.Empty;
    }

    /// <summary>An agent throws a parked e-mail away; its raw message goes.</summary>
    public async Task DiscardAsync(InboundMail mail, Actor agent, CancellationToken cancellationToken)
    {
        var raw = mail.RawBlobName;
        mail.Discard(agent.DisplayName, clock.GetUtcNow());
        await db.SaveChangesAsync(cancellationToken);
        if (raw is not null)
        {
            await TryDeleteAsync(raw);
        }
    }

    /// <summary>RFC 3834 <c>Auto-Submitted</c> (anything but "no"), <c>Precedence: bulk/junk/list/auto_reply</c>, <c>X-Autoreply</c>/<c>X-Autorespond</c>.</summary>
    public static bool IsAutomatic(MimeMessage message)
    {
        var autoSubmitted = message.Headers["Auto-Submitted"];
        if (!string.IsNullOrWhiteSpace(autoSubmitted) && !autoSubmitted.Trim().StartsWith("no", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var precedence = message.Headers["Precedence"]?.Trim().ToLowerInvariant();
        return precedence is "bulk" or "junk" or "list" or "auto_reply"
            || message.Headers.Contains("X-Autoreply")
            || message.Headers.Contains("X-Autorespond")
            || message.Headers.Contains("X-Auto-Response-Suppress") && message.Subject?.StartsWith("Automatic reply", StringComparison.OrdinalIgnoreCase) == true;
    }

    private (string To, ReplyToken? Token) ReplyToken(MimeMessage message, string senderEmail)
    {
        var addresses = message.To.Mailboxes.Concat(message.Cc.Mailboxes).Select(m => m.Address)
            .Concat(message.Headers.Where(h => h.Field.Equals("Delivered-To", StringComparison.OrdinalIgnoreCase) || h.Field.Equals("X-Original-To", StringComparison.OrdinalIgnoreCase)).Select(h => h.Value.Trim().Trim('<', '>')))
            .Where(a => !string.IsNullOrEmpty(a))
            .ToList();
        ReplyToken? found = null;
        var to = addresses.FirstOrDefault() ?? string.Empty;
        foreach (var address in addresses)
        {
            if (replies.TryRead(address, senderEmail) is not { } token)
            {
                continue;
            }

            if (found is null || token.Valid)
            {
                found = token;
                to = address;
            }

            if (token.Valid)
            {
                break;
            }
        }

        return (to, found);
    }

    // A portal user of the company (active), or the contact the dispute was filed for.
    private async Task<Actor?> KnownContactAsync(int companyId, string? contactEmail, string? contactName, string senderEmail, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(senderEmail))
        {
            return null;
        }

        var normalized = senderEmail.Trim().ToUpperInvariant();
        var user = await db.Users.AsNoTracking()
            .Where(u => u.NormalizedEmail == normalized && u.Kind == UserKind.Customer && u.CustomerAccountId == companyId && u.IsActive)
            .OrderBy(u => u.Id)
            .Select(u => new { u.Id, u.DisplayName })
            .FirstOrDefaultAsync(cancellationToken);
        if (user is not null)
        {
            return new Actor(user.Id, user.DisplayName, ActorRole.Customer, companyId);
        }

        return contactEmail is not null && contactEmail.Trim().Equals(senderEmail.Trim(), StringComparison.OrdinalIgnoreCase)
            ? new Actor("mail:" + senderEmail.Trim().ToLowerInvariant(), contactName ?? senderEmail, ActorRole.Customer, companyId)
            : null;
    }

    /// <summary>
    /// Lands a mail on its dispute: a customer's reply as their message (or, files alone, as files
    /// the handlers are told of), its files shared evidence; a reply to a task as the task's
    /// internal answer, its files internal evidence, never shown to the customer.
    /// </summary>
    private async Task<InboundResult> LandAsync(InboundMail mail, MimeMessage message, int disputeId, Actor actor, string? handledBy, CancellationToken cancellationToken)
    {
        var taskId = mail.TaskId;
        var channel = taskId is null ? EvidenceChannel.Customer : EvidenceChannel.Staff;
        var visibility = taskId is null ? EvidenceVisibility.Shared : EvidenceVisibility.Internal;
        var batch = new EvidenceBatch();
        foreach (var part in message.BodyParts.OfType<MimePart>().Where(p => p.IsAttachment))
        {
            await using var content = TemporaryFile();
            if (part.Content is not null)
            {
                await part.Content.DecodeToAsync(content, cancellationToken);
            }

            content.Position = 0;
            await evidence.TakeAsync(batch, disputeId, part.FileName ?? "attachment", content, channel, cancellationToken);
        }

        var refused = batch.Errors.Count > 0 ? string.Join(" ", batch.Errors) : null;
        if (refused is not null && handledBy is null)
        {
            // A file refused (a virus, say): the whole mail waits for an agent, none of its files is kept.
            await evidence.DiscardAsync(batch.Stored);
            logger.LogWarning("E-mail {MessageId} from {Sender} parked: {Refused}", mail.MessageId, mail.From, refused);
            return await ParkAsync(mail, message, ParkReason.FileRefused, disputeId, refused, cancellationToken);
        }

        var text = mail.Excerpt.Trim();
        if (text.Length == 0 && batch.Stored.Count == 0)
        {
            if (handledBy is not null)
            {
                return new InboundResult(InboundMailStatus.Parked, ParkReason.Refused, disputeId, Detail: refused ?? string.Empty);
            }

            return await ParkAsync(mail, message, ParkReason.Refused, disputeId, refused, cancellationToken);
        }

        for (var attempt = 1; ; attempt++)
        {
            var seen = await db.Disputes.AsNoTracking().Where(d => d.Id == disputeId).Select(d => new { d.Version, d.HistoryCount }).SingleAsync(cancellationToken);
            Track(mail);
            mail.Attach(disputeId, handledBy, clock.GetUtcNow());
            CommandOutcome outcome;
            try
            {
                outcome = await commands.RunAsync(actor, disputeId, seen.Version, seen.HistoryCount, async (dispute, who, now) =>
                {
                    evidence.AttachAll(dispute, who, batch.Stored, visibility, now);
                    if (taskId is { } answered)
                    {
                        // The task's answer, internal; the domain tells the handlers (TaskAnswered).
                        await db.Entry(dispute).Collection(d => d.Tasks).LoadAsync(cancellationToken);
                        dispute.AnswerTask(who, answered, text, now);
                    }
                    else if (text.Length == 0)
                    {
                        // Files without a word: the handlers hear of them (FilesReceived).
                        dispute.ReceiveFiles(who, [.. batch.Stored.Select(f => f.FileName)], now);
                    }
                    else if (dispute.Status == DisputeStatus.AwaitingCustomer)
                    {
                        // The handlers hear of the reply from the domain's CustomerAnswered, as for a portal reply.
                        dispute.ReplyToRequest(who, text, now);
                    }
                    else
                    {
                        dispute.PostMessage(who, text, now);
                    }
                }, cancellationToken);
            }
            catch (DbUpdateException) when (handledBy is null)
            {
                // Another instance took this Message-ID first.
                db.ChangeTracker.Clear();
                await evidence.DiscardAsync(batch.Stored);
                return new InboundResult(InboundMailStatus.Parked, ParkReason.None, null, Duplicate: true);
            }
            catch (Exception)
            {
                await evidence.DiscardAsync(batch.Stored);
                throw;
            }

            if (outcome.Succeeded)
            {
                if (logger.IsEnabled(LogLevel.Information))
                {
                    logger.LogInformation("E-mail {MessageId} from {Sender} landed on dispute {DisputeId} with {Files} file(s).", mail.MessageId, mail.From, disputeId, batch.Stored.Count);
                }

                return new InboundResult(InboundMailStatus.Attached, ParkReason.None, disputeId);
            }

            db.ChangeTracker.Clear();
            var version = await db.Disputes.AsNoTracking().Where(d => d.Id == disputeId).Select(d => d.Version).SingleAsync(cancellationToken);
            if (version == seen.Version || attempt == Attempts)
            {
                await evidence.DiscardAsync(batch.Stored);
                if (handledBy is not null)
                {
                    // The agent is told why; the mail stays parked as it was.
                    return new InboundResult(InboundMailStatus.Parked, ParkReason.Refused, disputeId, Detail: outcome.Message);
                }

                return await ParkAsync(mail, message, ParkReason.Refused, disputeId, outcome.Message, cancellationToken);
            }
        }
    }

    private async Task<InboundResult> ParkAsync(InboundMail mail, MimeMessage message, ParkReason reason, int? disputeId, string? detail, CancellationToken cancellationToken)
    {
        var raw = mail.RawBlobName ?? await SaveRawAsync(message, cancellationToken);
        Track(mail);
        mail.Park(reason, disputeId, detail, raw);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException) when (mail.Id == 0 || db.Entry(mail).State == EntityState.Added)
        {
            db.ChangeTracker.Clear();
            await TryDeleteAsync(raw);
            return new InboundResult(InboundMailStatus.Parked, ParkReason.None, null, Duplicate: true);
        }

        if (logger.IsEnabled(LogLevel.Information))
        {
            logger.LogInformation("E-mail {MessageId} from {Sender} parked for an agent: {Reason}.", mail.MessageId, mail.From, reason);
        }
        return new InboundResult(InboundMailStatus.Parked, reason, disputeId);
    }

    // New mails are added; a parked one an agent works on is updated (tracked again after a refused save cleared the tracker).
    private void Track(InboundMail mail)
    {
        if (db.Entry(mail).State == EntityState.Detached)
        {
            if (mail.Id == 0)
            {
                db.InboundMails.Add(mail);
            }
            else
            {
                db.InboundMails.Attach(mail);
            }
        }
    }

    private async Task<string> SaveRawAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var name = FormattableString.Invariant($"inbound/{now.UtcDateTime:yyyy}/{now.UtcDateTime:MM}/{Guid.NewGuid():N}");
        await using var content = TemporaryFile();
        await message.WriteToAsync(content, cancellationToken);
        content.Position = 0;
        await store.WriteAsync(name, content, "message/rfc822", cancellationToken);
        return name;
    }

    private async Task TryDeleteAsync(string blobName)
    {
        try
        {
            await store.DeleteAsync(blobName, CancellationToken.None);
        }
        catch (StorageUnavailableException error)
        {
            logger.LogWarning(error, "Raw e-mail {BlobName} could not be deleted and is left orphaned.", blobName);
        }
    }

    private static async Task<string> DigestAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        await using var content = TemporaryFile();
        await message.WriteToAsync(content, cancellationToken);
        content.Position = 0;
        return "sha256:" + Convert.ToHexStringLower(await SHA256.HashDataAsync(content, cancellationToken));
    }

    // Attachments and raw messages pass through disk, never whole in memory twice.
    private static FileStream TemporaryFile() =>
        new(Path.Combine(Path.GetTempPath(), "litiges-mail-" + Guid.NewGuid().ToString("N")), new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.ReadWrite,
            Share = FileShare.None,
            Options = FileOptions.DeleteOnClose | FileOptions.Asynchronous,
        });
}
