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

        if (!user.HasClaim(LitigesClaims.Kind, nameof(UserKind.Staff)))
        {
            return disputes.Where(_ => false);
        }

        var role = user.ToActor().Role;
        if (role == ActorRole.Resolver)
        {
            // Their department's disputes, and those with a task for their department or for them.
            var department = user.DepartmentId() ?? -1;
            var me = user.UserId();
            return disputes.Where(d => d.DepartmentId == department || d.Tasks.Any(t => t.DepartmentId == department || t.AssigneeUserId == me));
        }

        // Administrators manage accounts, not disputes.
        return role == ActorRole.Admin ? disputes.Where(_ => false) : disputes;
    }
}
