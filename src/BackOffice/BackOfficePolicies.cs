using Litiges.Accounts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Litiges.BackOffice;

/// <summary>
/// Who may open which part of the back office. Folders carry the policy, so a new page inherits
/// its folder's rule; the data each user sees within a page is narrowed by DisputeAccess.
/// </summary>
public static class BackOfficePolicies
{
    /// <summary>The queue, the dispute files and the case-file export: everyone who works or reads disputes.</summary>
    public const string Disputes = "Disputes";

    /// <summary>Internal tasks: the same people; each sees the tasks that are theirs.</summary>
    public const string Tasks = "Tasks";

    /// <summary>The approval queue of settlement proposals: the roles whose limits cover them.</summary>
    public const string Approvals = "Approvals";

    /// <summary>Issued credit notes, their PDF and XML: finance and the credit manager.</summary>
    public const string CreditNotes = "CreditNotes";

    /// <summary>Reason codes, SLA policies, departments and root causes: the credit manager.</summary>
    public const string Configuration = "Configuration";

    /// <summary>Staff accounts and roles: administrators only.</summary>
    public const string Accounts = "Accounts";

    /// <summary>
    /// Opening a dispute for a customer and recording a customer's answer received outside the
    /// portal: the roles the domain names (<see cref="Litiges.Disputes.DisputeRoles.OpenForCustomer"/>).
    /// </summary>
    public const string ActForCustomer = "ActForCustomer";

    /// <summary>
    /// Customers and their portal users (invite, resend, revoke): the agent who takes the first
    /// call, the credit manager who owns the accounts, and administrators.
    /// </summary>
    public const string Customers = "Customers";

    /// <summary>Parked incoming e-mails: the agents and credit managers who answer customers.</summary>
    public const string Inbound = "Inbound";

    private static readonly string[] DisputeRoles = [StaffRoles.Agent, StaffRoles.Resolver, StaffRoles.CreditManager, StaffRoles.Finance];

    public static IServiceCollection AddBackOfficePolicies(this IServiceCollection services)
    {
        services.AddAuthorizationBuilder()
            .AddPolicy(Disputes, policy => Staff(policy).RequireRole(DisputeRoles))
            .AddPolicy(Tasks, policy => Staff(policy).RequireRole(DisputeRoles))
            .AddPolicy(Approvals, policy => Staff(policy).RequireRole(StaffRoles.CreditManager, StaffRoles.Finance))
            .AddPolicy(CreditNotes, policy => Staff(policy).RequireRole(StaffRoles.CreditManager, StaffRoles.Finance))
            .AddPolicy(Configuration, policy => Staff(policy).RequireRole(StaffRoles.CreditManager))
            .AddPolicy(Accounts, policy => Staff(policy).RequireRole(StaffRoles.Admin))
            .AddPolicy(ActForCustomer, policy => Staff(policy).RequireAssertion(context => MayActForCustomer(context.User)))
            .AddPolicy(Inbound, policy => Staff(policy).RequireRole(StaffRoles.Agent, StaffRoles.CreditManager))
            .AddPolicy(Customers, policy => Staff(policy).RequireRole(StaffRoles.Agent, StaffRoles.CreditManager, StaffRoles.Admin));

        services.Configure<RazorPagesOptions>(options =>
        {
            options.Conventions.AuthorizeFolder("/Disputes", Disputes);
            options.Conventions.AuthorizePage("/Disputes/New", ActForCustomer);
            options.Conventions.AuthorizePage("/Disputes/RecordAnswer", ActForCustomer);
            options.Conventions.AuthorizeFolder("/Tasks", Tasks);
            options.Conventions.AuthorizeFolder("/Settlements", Approvals);
            options.Conventions.AuthorizeFolder("/CreditNotes", CreditNotes);
            options.Conventions.AuthorizeFolder("/Settings", Configuration);
            options.Conventions.AuthorizeFolder("/Staff", Accounts);
            options.Conventions.AuthorizeFolder("/Customers", Customers);
            options.Conventions.AuthorizeFolder("/Inbound", Inbound);
            options.Conventions.AddFolderApplicationModelConvention("/", model => model.Filters.Add(new RequireStaffTwoFactorFilter()));
        });
        return services;
    }

    // Asked of every request, signed in or not: a visitor or a user without a staff role is simply refused.
    private static bool MayActForCustomer(System.Security.Claims.ClaimsPrincipal user)
    {
        var roles = user.FindAll(System.Security.Claims.ClaimTypes.Role).Select(c => c.Value).Where(StaffRoles.All.Contains).ToList();
        return user.HasClaim(LitigesClaims.Kind, nameof(UserKind.Staff))
            && roles.Count > 0
            && Litiges.Disputes.DisputeRoles.MayOpenForCustomer(StaffRoles.ActingRole(roles));
    }

    private static AuthorizationPolicyBuilder Staff(AuthorizationPolicyBuilder policy) =>
        policy.RequireAuthenticatedUser().RequireClaim(LitigesClaims.Kind, nameof(UserKind.Staff));
}

/// <summary>Where a staff member lands: the part of the back office their role works in.</summary>
public static class Landing
{
    public static string PageFor(System.Security.Claims.ClaimsPrincipal user) =>
        user.IsInRole(StaffRoles.Agent) || user.IsInRole(StaffRoles.CreditManager) || user.IsInRole(StaffRoles.Finance) ? "/Disputes/Index"
        : user.IsInRole(StaffRoles.Resolver) ? "/Tasks/Index"
        : user.IsInRole(StaffRoles.Admin) ? "/Staff/Index"
        : "/Account/AccessDenied";
}
