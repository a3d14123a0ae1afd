using System.Security.Claims;
using Litiges.Accounts;

namespace Litiges.Disputes;

/// <summary>
/// Who may see which disputes: a customer only their company's; a resolver their department's
/// and those their tasks belong to; administrators none; other staff all of them. Every list and
/// every page that takes an id goes through it.
/// </summary>
public static class DisputeAccess
{
    public static IQueryable<Dispute> VisibleTo(this IQueryable<Dispute> disputes, ClaimsPrincipal user)
    {
        if (user.HasClaim(LitigesClaims.Kind, nameof(UserKind.Customer)))
        {
            var company = user.CustomerAccountId();
            return disputes.Where(d => d.CustomerAccountId == company);
        }

        return StaffScopeOf(user) switch
        {
            null => disputes.Where(_ => false),
            { Everything: true } => disputes,
            var scope => disputes.Where(d => d.DepartmentId == scope.Department || d.Tasks.Any(t => t.DepartmentId == scope.Department || t.AssigneeUserId == scope.Me)),
        };
    }

    /// <summary>
    /// The rule for a user who is not a customer, as values a compiled query can take: null when they
    /// see no dispute (not staff, or an administrator: they manage accounts, not disputes); every
    /// dispute; or, for a resolver, their department's and those with a task for their department or for them.
    /// </summary>
    public static StaffScope? StaffScopeOf(ClaimsPrincipal user)
    {
        if (!user.HasClaim(LitigesClaims.Kind, nameof(UserKind.Staff)))
        {
            return null;
        }

        return user.ToActor().Role switch
        {
            ActorRole.Admin => null,
            ActorRole.Resolver => new StaffScope(Everything: false, user.DepartmentId() ?? -1, user.UserId()),
            _ => new StaffScope(Everything: true, Department: -1, Me: string.Empty),
        };
    }
}

/// <summary>Which disputes a staff member sees (<see cref="DisputeAccess.StaffScopeOf"/>).</summary>
public sealed record StaffScope(bool Everything, int Department, string Me);
