using Litiges.Accounts;
using Litiges.Data;
using Litiges.Disputes;
using Microsoft.EntityFrameworkCore;

namespace Litiges.Notifications;

/// <summary>
/// Who hears of a dispute, and how: the one recipient lookup of the product and the one way a
/// notice is queued for a person (<see cref="Queue"/>). On the customer's side one rule
/// (<see cref="CustomerRecipientsAsync"/>); on the staff side people named by user, by department
/// or by role, and "whoever works the dispute" (<see cref="HandlersOf"/>). The acts themselves are
/// turned into e-mails by <see cref="DisputeNotices"/>; the jobs (deadline watch, payment
/// schedules, the e-invoicing platform's statuses) find and tell their people here too.
/// </summary>
public static class Notices
{
    /// <summary>
    /// Who hears from us about a dispute on the customer's side, the one rule for every notice
    /// (a question, a proposal, a resolution, a credit note): the contact named on the dispute;
    /// else the customer user who opened it; else the company's administrators. Not every user of
    /// the company: a dispute is one person's business, and a large customer has many users. A
    /// contact is not a user: they are written to in the company's language, by the name given.
    /// </summary>
    public static async Task<IReadOnlyList<Recipient>> CustomerRecipientsAsync(LitigesDbContext db, Dispute dispute, CancellationToken cancellationToken = default)
    {
        var company = await db.CustomerAccounts.AsNoTracking()
            .Where(c => c.Id == dispute.CustomerAccountId)
            .Select(c => new { c.LegalName, c.Language })
            .SingleAsync(cancellationToken);
        if (!string.IsNullOrWhiteSpace(dispute.ContactEmail))
        {
            return [new Recipient(dispute.ContactEmail, string.IsNullOrWhiteSpace(dispute.ContactName) ? company.LegalName : dispute.ContactName, company.Language)];
        }

        var customers = db.Users.AsNoTracking().Where(u => u.Kind == UserKind.Customer && u.IsActive && u.Email != null && u.EmailConfirmed && u.CustomerAccountId == dispute.CustomerAccountId);
        var openerId = dispute.History.FirstOrDefault(h => h.Sequence == 1 && h.ActorRole == ActorRole.Customer)?.ActorUserId
            ?? await db.DisputeHistory.AsNoTracking()
                .Where(h => h.DisputeId == dispute.Id && h.Sequence == 1 && h.ActorRole == ActorRole.Customer)
                .Select(h => h.ActorUserId)
                .FirstOrDefaultAsync(cancellationToken);
        var recipients = await Users(customers.Where(u => u.Id == openerId)).ToListAsync(cancellationToken);
        if (recipients.Count == 0)
        {
            recipients = await Users(customers.Where(u => u.IsCustomerAdmin)).ToListAsync(cancellationToken);
        }

        return recipients;
    }

    /// <summary>The active user <paramref name="userId"/> (staff or customer), if they have an address.</summary>
    public static Task<List<Recipient>> UserAsync(LitigesDbContext db, string userId, CancellationToken cancellationToken = default) =>
        Users(db.Users.AsNoTracking().Where(u => u.Id == userId && u.IsActive && u.Email != null)).ToListAsync(cancellationToken);

    /// <summary>
    /// The active staff of <paramref name="audience"/>, each once, ordered by address: the people
    /// named, the members of the department, the holders of the roles.
    /// </summary>
    public static async Task<IReadOnlyList<Recipient>> StaffAsync(LitigesDbContext db, StaffAudience audience, CancellationToken cancellationToken = default)
    {
        var userIds = audience.UserIds.ToList();
        var departmentId = audience.DepartmentId;
        var holders = StaffRoles.ActiveMembers(db, audience.Roles).Select(u => u.Id);
        var staff = db.Users.AsNoTracking()
            .Where(u => u.Kind == UserKind.Staff && u.IsActive && u.Email != null)
            .Where(u => userIds.Contains(u.Id) || (departmentId != null && u.DepartmentId == departmentId) || (audience.Roles.Count > 0 && holders.Contains(u.Id)));
        return await Users(staff).ToListAsync(cancellationToken);
    }

    /// <summary>
    /// Whoever works the dispute: its owner; unassigned, the members of its department; a
    /// department with nobody in it, the credit managers, so that no act goes unheard.
    /// </summary>
    public static async Task<IReadOnlyList<Recipient>> HandlersOf(LitigesDbContext db, Dispute dispute, CancellationToken cancellationToken = default)
    {
        if (dispute.OwnerUserId is { } owner)
        {
            var owners = await StaffAsync(db, StaffAudience.Person(owner), cancellationToken);
            if (owners.Count > 0)
            {
                return owners;
            }
        }

        var department = await StaffAsync(db, new StaffAudience([], dispute.DepartmentId, []), cancellationToken);
        return department.Count > 0 ? department : await StaffAsync(db, StaffAudience.CreditManagers, cancellationToken);
    }

    /// <summary>
    /// Queues an e-mail of <paramref name="kind"/> for <paramref name="recipient"/> as they chose to
    /// receive it (<see cref="NotificationKinds.DeliveryFor"/>): at once, held for their daily
    /// digest, or not at all (then null). It leaves with the caller's save.
    /// </summary>
    public static OutboxMessage? Queue(LitigesDbContext db, string kind, Recipient recipient, DateTimeOffset at, string? link, params object[] arguments)
    {
        var delivery = NotificationKinds.DeliveryFor(recipient, kind);
        if (delivery == NotificationDelivery.Off)
        {
            return null;
        }

        var message = Outbox.QueueEmail(db, kind, recipient.Email, recipient.Language, at, link, arguments);
        return delivery == NotificationDelivery.Digest ? message.DeferToDigest() : message;
    }

    private static IQueryable<Recipient> Users(IQueryable<AppUser> users) =>
        users.OrderBy(u => u.Email).Select(u => new Recipient(u.Email!, u.DisplayName, u.Language)
        {
            UserId = u.Id,
            IsStaff = u.Kind == UserKind.Staff,
            MutedNotifications = u.MutedNotifications,
            DigestNotifications = u.DigestNotifications,
        });
}

/// <summary>
/// Someone an e-mail goes to: the address, the name to greet, the language ("fr" or "en"); for a
/// user, who they are and what they chose to receive later or not at all.
/// </summary>
public sealed record Recipient(string Email, string Name, string Language)
{
    public string? UserId { get; init; }

    public bool IsStaff { get; init; }

    public string MutedNotifications { get; init; } = string.Empty;

    public string DigestNotifications { get; init; } = string.Empty;
}

/// <summary>Staff named by user, by department, or by role.</summary>
public sealed record StaffAudience(IReadOnlyCollection<string> UserIds, int? DepartmentId, IReadOnlyCollection<string> Roles)
{
    /// <summary>The credit managers, who hear of what nobody else would.</summary>
    public static readonly StaffAudience CreditManagers = Holders(StaffRoles.CreditManager);

    public static StaffAudience Person(string userId) => new([userId], null, []);

    public static StaffAudience Holders(params IReadOnlyCollection<string> roles) => new([], null, roles);

    /// <summary>Whoever a task is given to: its assignee and the members of its department.</summary>
    public static StaffAudience OfTask(DisputeTask task) => new(task.AssigneeUserId is { } assignee ? [assignee] : [], task.DepartmentId, []);
}
