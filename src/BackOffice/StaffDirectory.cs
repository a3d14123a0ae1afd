using Litiges.Accounts;
using Litiges.Data;
using Microsoft.EntityFrameworkCore;

namespace Litiges.BackOffice;

/// <summary>A staff member offered in a list: as owner of a dispute, or as the person a task is for.</summary>
public sealed record StaffOption(string Id, string Name);

/// <summary>The staff lists the pages offer, read from Identity's tables.</summary>
public static class StaffDirectory
{
    /// <summary>Who may own a dispute: active agents and credit managers.</summary>
    public static Task<List<StaffOption>> OwnersAsync(LitigesDbContext db, CancellationToken cancellationToken) =>
        InRoles(db, StaffRoles.Agent, StaffRoles.CreditManager).ToListAsync(cancellationToken);

    /// <summary>
    /// The owners a list offers, from the reference cache (<see cref="ReferenceDataCache.Lifetime"/>,
    /// emptied when a user or a role changes on this instance). Only for showing: an assignment
    /// checks the owner it names with <see cref="OwnersAsync"/>.
    /// </summary>
    public static Task<IReadOnlyList<StaffOption>> CachedOwnersAsync(ReferenceDataCache cache, LitigesDbContext db, CancellationToken cancellationToken) =>
        cache.GetAsync<IReadOnlyList<StaffOption>>("owners", async () => await OwnersAsync(db, cancellationToken));

    /// <summary>Who may be given a task: every active staff member who works disputes.</summary>
    public static Task<List<StaffOption>> TaskAssigneesAsync(LitigesDbContext db, CancellationToken cancellationToken) =>
        InRoles(db, StaffRoles.Agent, StaffRoles.Resolver, StaffRoles.CreditManager, StaffRoles.Finance).ToListAsync(cancellationToken);

    private static IQueryable<StaffOption> InRoles(LitigesDbContext db, params string[] roles)
    {
        var roleIds = db.Roles.Where(r => roles.Contains(r.Name!)).Select(r => r.Id);
        return db.Users.AsNoTracking()
            .Where(u => u.Kind == UserKind.Staff && u.IsActive && db.UserRoles.Any(ur => ur.UserId == u.Id && roleIds.Contains(ur.RoleId)))
            .OrderBy(u => u.DisplayName).ThenBy(u => u.Id)
            .Select(u => new StaffOption(u.Id, u.DisplayName));
    }
}
