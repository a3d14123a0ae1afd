using System.Security.Claims;
using Litiges.Accounts;

namespace Litiges.Disputes;

/// <summary>
/// Who may see which disputes: a customer only their company's; a resolver only their
/// department's; other staff all of them. Every list and every page that takes an id goes through it.
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

        if (user.ToActor().Role == ActorRole.Resolver)
        {
            var department = user.DepartmentId() ?? -1;
            return disputes.Where(d => d.DepartmentId == department);
        }

        return disputes;
    }
}
