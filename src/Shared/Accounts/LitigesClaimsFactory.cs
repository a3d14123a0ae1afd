using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Litiges.Accounts;

/// <summary>Adds the user's kind, company, department, name and language to the sign-in cookie.</summary>
public sealed class LitigesClaimsFactory(
    UserManager<AppUser> userManager,
    RoleManager<IdentityRole> roleManager,
    IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<AppUser, IdentityRole>(userManager, roleManager, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(AppUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaim(new Claim(LitigesClaims.Kind, user.Kind.ToString()));
        identity.AddClaim(new Claim(LitigesClaims.DisplayName, user.DisplayName));
        identity.AddClaim(new Claim(LitigesClaims.Language, user.Language));
        if (user.CustomerAccountId is { } customer)
        {
            identity.AddClaim(new Claim(LitigesClaims.CustomerAccountId, customer.ToString(CultureInfo.InvariantCulture)));
        }

        if (user.IsCustomerAdmin)
        {
            identity.AddClaim(new Claim(LitigesClaims.CustomerAdmin, "true"));
        }

        if (user.DepartmentId is { } department)
        {
            identity.AddClaim(new Claim(LitigesClaims.DepartmentId, department.ToString(CultureInfo.InvariantCulture)));
        }

        if (user.TwoFactorEnabled)
        {
            identity.AddClaim(new Claim(LitigesClaims.TwoFactorEnabled, "true"));
        }

        return identity;
    }
}

public static class ClaimsPrincipalExtensions
{
    public static string UserId(this ClaimsPrincipal user) =>
        user.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("Not signed in.");

    public static string DisplayName(this ClaimsPrincipal user) =>
        user.FindFirstValue(LitigesClaims.DisplayName) ?? user.Identity?.Name ?? string.Empty;

    /// <summary>The signed-in customer's company; every customer query filters on it.</summary>
    public static int CustomerAccountId(this ClaimsPrincipal user) =>
        int.Parse(user.FindFirstValue(LitigesClaims.CustomerAccountId) ?? throw new InvalidOperationException("Not a customer user."), CultureInfo.InvariantCulture);

    /// <summary>Whether the user is a customer's (portal) user rather than staff.</summary>
    public static bool IsCustomer(this ClaimsPrincipal user) => user.FindFirstValue(LitigesClaims.Kind) == nameof(UserKind.Customer);

    public static bool IsCustomerAdmin(this ClaimsPrincipal user) => user.HasClaim(LitigesClaims.CustomerAdmin, "true");

    public static int? DepartmentId(this ClaimsPrincipal user) =>
        user.FindFirstValue(LitigesClaims.DepartmentId) is { } value ? int.Parse(value, CultureInfo.InvariantCulture) : null;

    /// <summary>The dispute actor for this user: a customer of their company, or staff with their most senior role.</summary>
    public static Disputes.Actor ToActor(this ClaimsPrincipal user) =>
        user.FindFirstValue(LitigesClaims.Kind) == nameof(UserKind.Customer)
            ? new Disputes.Actor(user.UserId(), user.DisplayName(), Disputes.ActorRole.Customer, user.CustomerAccountId())
            : new Disputes.Actor(
                user.UserId(),
                user.DisplayName(),
                StaffRoles.ActingRole(user.FindAll(ClaimTypes.Role).Select(c => c.Value)),
                DepartmentId: user.DepartmentId());
}
