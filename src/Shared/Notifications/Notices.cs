using Litiges.Accounts;
using Litiges.Data;
using Litiges.Disputes;
using Microsoft.EntityFrameworkCore;

namespace Litiges.Notifications;

/// <summary>
/// The e-mails that acts on a dispute cause, queued in the outbox within the act's own save:
/// to a staff member (a dispute or a task given to them), to a department, to the holders of a
/// role (an approval to give), to whoever works the dispute (the customer replied), or to the
/// customer (acknowledgment, question, answer, proposal, resolution, rejection). Nobody is told
/// of their own act, but by a receipt (<see cref="ToActorAsync"/>).
/// </summary>
public static class Notices
{
    public static async Task ToStaffAsync(LitigesDbContext db, string kind, string userId, Actor actor, DateTimeOffset now, string link, params object[] arguments)
    {
        if (userId == actor.UserId)
        {
            return;
        }

        await ToUserAsync(db, db.Users.Where(u => u.Id == userId && u.Kind == UserKind.Staff), kind, now, link, arguments);
    }

    /// <summary>
    /// A receipt to the user who acted (a customer who reopened a dispute), in their language: the
    /// one e-mail about one's own act, sent like the filing acknowledgment.
    /// </summary>
    public static Task ToActorAsync(LitigesDbContext db, string kind, Actor actor, DateTimeOffset now, string link, params object[] arguments) =>
        ToUserAsync(db, db.Users.Where(u => u.Id == actor.UserId), kind, now, link, arguments);

    public static async Task ToDepartmentAsync(LitigesDbContext db, string kind, int departmentId, Actor actor, DateTimeOffset now, string link, params object[] arguments)
    {
        var members = await db.Users.AsNoTracking()
            .Where(u => u.DepartmentId == departmentId && u.Kind == UserKind.Staff && u.IsActive && u.Email != null && u.Id != actor.UserId)
            .OrderBy(u => u.Email)
            .Select(u => new { u.Email, u.Language })
            .ToListAsync();
        foreach (var member in members)
        {
            Outbox.QueueEmail(db, kind, member.Email!, member.Language, now, link, arguments);
        }
    }

    /// <summary>The active staff who hold one of <paramref name="roles"/> (e.g. the roles whose limit covers a proposal).</summary>
    public static async Task ToRolesAsync(LitigesDbContext db, string kind, IEnumerable<string> roles, Actor actor, DateTimeOffset now, string link, params object[] arguments)
    {
        var holders = await StaffRoles.ActiveMembers(db, [.. roles])
            .Where(user => user.Id != actor.UserId)
            .Select(user => new { user.Email, user.Language })
            .ToListAsync();
        foreach (var holder in holders.OrderBy(h => h.Email, StringComparer.Ordinal))
        {
            Outbox.QueueEmail(db, kind, holder.Email!, holder.Language, now, link, arguments);
        }
    }

    /// <summary>Whoever works the dispute: its owner, else the members of its department.</summary>
    public static Task ToHandlersAsync(LitigesDbContext db, Dispute dispute, string kind, Actor actor, DateTimeOffset now, string link, params object[] arguments) =>
        dispute.OwnerUserId is { } owner
            ? ToStaffAsync(db, kind, owner, actor, now, link, arguments)
            : ToDepartmentAsync(db, kind, dispute.DepartmentId, actor, now, link, arguments);

    /// <summary>
    /// Whoever works the dispute (as <see cref="ToHandlersAsync"/>) and the active holders of
    /// <paramref name="roles"/>, each told once: for a customer contesting a decision.
    /// </summary>
    public static async Task ToHandlersAndRolesAsync(LitigesDbContext db, Dispute dispute, string kind, IReadOnlyCollection<string> roles, Actor actor, DateTimeOffset now, string link, params object[] arguments)
    {
        var holders = StaffRoles.ActiveMembers(db, roles).Select(u => u.Id);
        var owner = dispute.OwnerUserId;
        var recipients = await db.Users.AsNoTracking()
            .Where(u => u.Kind == UserKind.Staff && u.IsActive && u.Email != null && u.Id != actor.UserId)
            .Where(u => (owner != null ? u.Id == owner : u.DepartmentId == dispute.DepartmentId) || holders.Contains(u.Id))
            .OrderBy(u => u.Email)
            .Select(u => new { u.Email, u.Language })
            .ToListAsync();
        foreach (var recipient in recipients)
        {
            Outbox.QueueEmail(db, kind, recipient.Email!, recipient.Language, now, link, arguments);
        }
    }

    /// <summary>Tells the customer (see <see cref="CustomerRecipientsAsync"/>); the company's name is the last argument.</summary>
    public static async Task ToCustomerAsync(LitigesDbContext db, Dispute dispute, string kind, DateTimeOffset now, string link, params object[] arguments)
    {
        var company = await db.CustomerAccounts.AsNoTracking()
            .Where(c => c.Id == dispute.CustomerAccountId)
            .Select(c => c.LegalName)
            .SingleAsync();
        object[] withCompany = [.. arguments, company];
        foreach (var recipient in await CustomerRecipientsAsync(db, dispute))
        {
            Outbox.QueueEmail(db, kind, recipient.Email, recipient.Language, now, link, withCompany);
        }
    }

    /// <summary>
    /// Who hears from us about a dispute on the customer's side, the one rule for every notice
    /// (a question, a proposal, a resolution, a credit note): the contact named on the dispute;
    /// else the customer user who opened it; else the company's administrators. Not every user of
    /// the company: a dispute is one person's business, and a large customer has many users. A
    /// contact is not a user: they are written to in the company's language, by the name given.
    /// </summary>
    public static async Task<IReadOnlyList<Recipient>> CustomerRecipientsAsync(LitigesDbContext db, Dispute dispute)
    {
        var company = await db.CustomerAccounts.AsNoTracking()
            .Where(c => c.Id == dispute.CustomerAccountId)
            .Select(c => new { c.LegalName, c.Language })
            .SingleAsync();
        if (!string.IsNullOrWhiteSpace(dispute.ContactEmail))
        {
            return [new Recipient(dispute.ContactEmail, string.IsNullOrWhiteSpace(dispute.ContactName) ? company.LegalName : dispute.ContactName, company.Language)];
        }

        var customers = db.Users.AsNoTracking().Where(u => u.Kind == UserKind.Customer && u.IsActive && u.Email != null && u.EmailConfirmed && u.CustomerAccountId == dispute.CustomerAccountId);
        var openerId = await db.DisputeHistory.AsNoTracking()
            .Where(h => h.DisputeId == dispute.Id && h.Sequence == 1 && h.ActorRole == ActorRole.Customer)
            .Select(h => h.ActorUserId)
            .FirstOrDefaultAsync();
        var recipients = await customers.Where(u => u.Id == openerId).Select(u => new Recipient(u.Email!, u.DisplayName, u.Language)).ToListAsync();
        if (recipients.Count == 0)
        {
            recipients = await customers.Where(u => u.IsCustomerAdmin).OrderBy(u => u.Email).Select(u => new Recipient(u.Email!, u.DisplayName, u.Language)).ToListAsync();
        }

        return recipients;
    }

    private static async Task ToUserAsync(LitigesDbContext db, IQueryable<AppUser> user, string kind, DateTimeOffset now, string link, object[] arguments)
    {
        var recipient = await user.AsNoTracking()
            .Where(u => u.IsActive && u.Email != null)
            .Select(u => new { u.Email, u.Language })
            .SingleOrDefaultAsync();
        if (recipient is not null)
        {
            Outbox.QueueEmail(db, kind, recipient.Email!, recipient.Language, now, link, arguments);
        }
    }
}

/// <summary>Someone an e-mail goes to: the address, the name to greet, the language ("fr" or "en").</summary>
public sealed record Recipient(string Email, string Name, string Language);
