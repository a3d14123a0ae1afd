using System.Text.Json;
using Litiges.Audit;
using Litiges.Data;
using Litiges.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Litiges.Accounts;

/// <summary>
/// A user's personal data: everything the product holds about them (e-mails received from them
/// included), as one JSON document they may download; and anonymisation by an administrator. Anonymising takes the person out of the
/// account and of the places that only name them (messages, evidence, e-mails and SMS, the audit log),
/// and keeps the legal records as they are: the dispute history (its hash chain still verifies),
/// settlement answers and credit notes. The e-mails received from them (Inbound) lose their
/// sender, subject, text and raw message. See docs/decisions/0008-anonymising-users.md.
/// </summary>
public sealed class PersonalData(LitigesDbContext db, TimeProvider clock, IBlobStore store, ILogger<PersonalData> logger)
{
    public async Task<PersonalDataExport?> ExportAsync(string userId, CancellationToken cancellationToken)
    {
        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == userId, cancellationToken);
        if (user is null)
        {
            return null;
        }

        var company = user.CustomerAccountId is { } companyId
            ? await db.CustomerAccounts.AsNoTracking().Where(c => c.Id == companyId).Select(c => new ExportedCompany(c.CustomerNumber, c.LegalName)).SingleOrDefaultAsync(cancellationToken)
            : null;
        var roles = await db.UserRoles.AsNoTracking().Where(r => r.UserId == userId)
            .Join(db.Roles, ur => ur.RoleId, r => r.Id, (_, r) => r.Name!).OrderBy(n => n).ToListAsync(cancellationToken);
        var references = db.Disputes.AsNoTracking();

        var history = await db.DisputeHistory.AsNoTracking().Where(h => h.ActorUserId == userId)
            .Join(references, h => h.DisputeId, d => d.Id, (h, d) => new { d.Reference, h.At, h.Action, h.Text, h.IsPublic, h.Id })
            .OrderBy(h => h.Id).ToListAsync(cancellationToken);
        var messages = await db.DisputeMessages.AsNoTracking().Where(m => m.AuthorUserId == userId)
            .Join(references, m => m.DisputeId, d => d.Id, (m, d) => new { d.Reference, m.At, m.Body, m.Id })
            .OrderBy(m => m.Id).ToListAsync(cancellationToken);
        var files = await db.Evidence.AsNoTracking().Where(e => e.UploadedByUserId == userId)
            .Join(references, e => e.DisputeId, d => d.Id, (e, d) => new { d.Reference, e.FileName, e.Length, e.Sha256, e.UploadedAt, e.Id })
            .OrderBy(e => e.Id).ToListAsync(cancellationToken);
        var answers = await db.SettlementProposals.AsNoTracking().Where(p => p.RespondedByUserId == userId)
            .Join(references, p => p.DisputeId, d => d.Id, (p, d) => new { d.Reference, p.Kind, p.Status, p.RespondedAt, p.RespondedFrom, p.CustomerComment, p.Id })
            .OrderBy(p => p.Id).ToListAsync(cancellationToken);
        var emails = user.Email is null && user.PhoneNumber is null ? [] : await db.Outbox.AsNoTracking().Where(m => m.Recipient == user.Email || m.Recipient == user.PhoneNumber)
            .OrderBy(m => m.Id).Select(m => new ExportedEmail(m.Kind, m.Subject, m.CreatedAt, m.SentAt)).ToListAsync(cancellationToken);
        var received = user.Email is null ? [] : await ReceivedMails(user.Email).AsNoTracking()
            .OrderBy(m => m.Id).Select(m => new ExportedReceivedEmail(m.ReceivedAt, m.Subject, m.Excerpt, m.Status.ToString())).ToListAsync(cancellationToken);
        var audit = await db.AuditLog.AsNoTracking().Where(a => a.ActorUserId == userId || a.SubjectUserId == userId)
            .OrderBy(a => a.Id).Select(a => new ExportedAuditLine(a.At, a.Action.ToString(), a.Detail, a.IpAddress)).ToListAsync(cancellationToken);

        return new PersonalDataExport(
            clock.GetUtcNow(),
            new ExportedAccount(user.Id, user.Email, user.DisplayName, user.Kind.ToString(), user.Language, company, user.IsCustomerAdmin, roles, user.EmailConfirmed, user.TwoFactorEnabled, user.IsActive, user.MutedNotifications, user.AnonymisedAt, user.PhoneNumber, user.HasVerifiedMobile, user.SmsAlerts, user.SmsStoppedAt),
            [.. history.Select(h => new ExportedAct(h.Reference, h.At, h.Action.ToString(), h.Text))],
            [.. messages.Select(m => new ExportedMessage(m.Reference, m.At, m.Body))],
            [.. files.Select(f => new ExportedFile(f.Reference, f.FileName, f.Length, f.Sha256, f.UploadedAt))],
            [.. answers.Select(a => new ExportedAnswer(a.Reference, a.Kind.ToString(), a.Status.ToString(), a.RespondedAt, a.RespondedFrom, a.CustomerComment))],
            emails,
            received,
            audit);
    }

    /// <summary>Anonymises a user; false when there is no such user or it was already done.</summary>
    public async Task<bool> AnonymiseAsync(string userId, string actorUserId, string actorName, string? ipAddress, CancellationToken cancellationToken)
    {
        var rawMails = new List<string>();
        var strategy = db.Database.CreateExecutionStrategy();
        var done = await strategy.ExecuteAsync(async () =>
        {
            rawMails.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var user = await db.Users.SingleOrDefaultAsync(u => u.Id == userId, cancellationToken);
            if (user is null || user.AnonymisedAt is not null)
            {
                return false;
            }

            var email = user.Email;
            var mobile = user.PhoneNumber;
            var label = AppUser.AnonymousLabel(user.Id);
            user.Anonymise(clock.GetUtcNow());
            db.UserRoles.RemoveRange(await db.UserRoles.Where(r => r.UserId == userId).ToListAsync(cancellationToken));
            db.UserClaims.RemoveRange(await db.UserClaims.Where(c => c.UserId == userId).ToListAsync(cancellationToken));
            db.UserLogins.RemoveRange(await db.UserLogins.Where(l => l.UserId == userId).ToListAsync(cancellationToken));
            db.UserTokens.RemoveRange(await db.UserTokens.Where(t => t.UserId == userId).ToListAsync(cancellationToken));
            await new UserSessions(db, clock).EndAllAsync(userId, cancellationToken);
            foreach (var line in await db.AuditLog.Where(a => a.ActorUserId == userId || a.SubjectUserId == userId).ToListAsync(cancellationToken))
            {
                line.Anonymise(userId, label);
            }

            db.AuditLog.Add(new AuditEntry(clock.GetUtcNow(), AuditAction.UserAnonymised, actorUserId, actorName, userId, label, null, ipAddress));
            await db.SaveChangesAsync(cancellationToken);

            // Places that only name the person: the name goes, the record stays.
            await db.DisputeMessages.Where(m => m.AuthorUserId == userId).ExecuteUpdateAsync(s => s.SetProperty(m => m.AuthorName, label), cancellationToken);
            await db.Evidence.Where(e => e.UploadedByUserId == userId).ExecuteUpdateAsync(s => s.SetProperty(e => e.UploadedByName, label), cancellationToken);

            // What only served them: their saved views of the queue (names they chose, their searches).
            await db.SavedQueueViews.Where(v => v.UserId == userId).ExecuteDeleteAsync(cancellationToken);
            if (email is not null)
            {
                await db.Outbox.Where(m => m.Recipient == email).ExecuteDeleteAsync(cancellationToken);
                rawMails.AddRange(await EraseReceivedMailsAsync(email, label, cancellationToken));
            }

            if (mobile is not null)
            {
                await db.Outbox.Where(m => m.Recipient == mobile).ExecuteDeleteAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            return true;
        });

        // Once the rows no longer name them: a raw message that cannot be deleted now is an orphan the blob clean-up removes.
        foreach (var raw in rawMails)
        {
            try
            {
                await store.DeleteAsync(raw, CancellationToken.None);
            }
            catch (StorageUnavailableException error)
            {
                logger.LogWarning(error, "Raw e-mail {BlobName} of an anonymised user could not be deleted yet; the blob clean-up will.", raw);
            }
        }

        return done;
    }

    // The e-mails received from the person's address (Inbound), whatever its case.
    private IQueryable<Inbound.InboundMail> ReceivedMails(string email)
    {
        // Upper-cased on both sides: PostgreSQL compares case-sensitively, and a sender writes their address as they like.
        var address = email.Trim().ToUpperInvariant();
#pragma warning disable CA1304, CA1862 // Translated to SQL upper(): no .NET culture or comparison is involved.
        return db.InboundMails.Where(m => m.From.ToUpper() == address);
#pragma warning restore CA1304, CA1862
    }

    // The e-mails received from the person (parked or landed): sender, subject, text and raw message go.
    private async Task<List<string>> EraseReceivedMailsAsync(string email, string label, CancellationToken cancellationToken)
    {
        var mails = await ReceivedMails(email).ToListAsync(cancellationToken);
        var raw = new List<string>();
        foreach (var mail in mails)
        {
            if (mail.Erase(label, clock.GetUtcNow()) is { } blob)
            {
                raw.Add(blob);
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        return raw;
    }
}

public sealed record PersonalDataExport(
    DateTimeOffset ExportedAt,
    ExportedAccount Account,
    IReadOnlyList<ExportedAct> DisputeActs,
    IReadOnlyList<ExportedMessage> Messages,
    IReadOnlyList<ExportedFile> Files,
    IReadOnlyList<ExportedAnswer> SettlementAnswers,
    IReadOnlyList<ExportedEmail> Emails,
    IReadOnlyList<ExportedReceivedEmail> ReceivedEmails,
    IReadOnlyList<ExportedAuditLine> AuditLog)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public string FileName => $"personal-data-{ExportedAt:yyyy-MM-dd}.json";

    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, Json);
}

public sealed record ExportedAccount(
    string Id,
    string? Email,
    string DisplayName,
    string Kind,
    string Language,
    ExportedCompany? Company,
    bool IsCompanyAdministrator,
    IReadOnlyList<string> Roles,
    bool EmailConfirmed,
    bool TwoFactorEnabled,
    bool IsActive,
    string MutedNotifications,
    DateTimeOffset? AnonymisedAt,
    string? Mobile,
    bool MobileVerified,
    string SmsAlerts,
    DateTimeOffset? SmsStoppedAt);

public sealed record ExportedCompany(string Number, string LegalName);

public sealed record ExportedAct(string Dispute, DateTimeOffset At, string Action, string? Text);

public sealed record ExportedMessage(string Dispute, DateTimeOffset At, string Text);

public sealed record ExportedFile(string Dispute, string FileName, long Bytes, string Sha256, DateTimeOffset UploadedAt);

public sealed record ExportedAnswer(string Dispute, string Kind, string Status, DateTimeOffset? At, string? FromAddress, string? Comment);

public sealed record ExportedEmail(string Kind, string Subject, DateTimeOffset CreatedAt, DateTimeOffset? SentAt);

/// <summary>An e-mail received from the person (a reply to one of ours): when, its subject, its text as kept, what became of it.</summary>
public sealed record ExportedReceivedEmail(DateTimeOffset ReceivedAt, string Subject, string Text, string Status);

public sealed record ExportedAuditLine(DateTimeOffset At, string Action, string? Detail, string? IpAddress);
