using Litiges.Accounts;
using Litiges.Data;
using Litiges.Localization;
using Litiges.Notifications;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Litiges.BackOffice.Api;

/// <summary>
/// Onboarding a customer's portal users from the ERP or CRM: invite (the person gets an e-mail
/// with a time-limited link on the portal), list, resend (new link, old one dead), revoke
/// (link dead, account closed). The same path as the back office and the portal's own admins.
/// </summary>
internal static class CustomerUserEndpoints
{
    public static void Map(RouteGroupBuilder reads, RouteGroupBuilder writes)
    {
        writes.MapPost("/customers/{customerNumber}/users", InviteAsync)
            .WithName("InviteCustomerUser")
            .WithTags("Customer users")
            .WithSummary("Invites a person to the customer's portal space (by default as the company's administrator).")
            .WithDescription("201 with the invitation (id, state, expiry); the person receives an e-mail with a one-time link valid Accounts:InvitationDays days. "
                + "An address used by another account is refused (409); a user of this customer who never accepted or was revoked is invited again.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        reads.MapGet("/customers/{customerNumber}/users", ListAsync)
            .WithName("ListCustomerUsers")
            .WithTags("Customer users")
            .WithSummary("The customer's portal users and pending invitations, with their state and invitation expiry.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        writes.MapPost("/customers/{customerNumber}/users/{userId}/resend", ResendAsync)
            .WithName("ResendCustomerInvitation")
            .WithTags("Customer users")
            .WithSummary("Sends a pending invitation again with a new link; the previous link stops working.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        writes.MapPost("/customers/{customerNumber}/users/{userId}/revoke", RevokeAsync)
            .WithName("RevokeCustomerInvitation")
            .WithTags("Customer users")
            .WithSummary("Revokes a pending invitation: its link stops working at once and the account cannot sign in.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
    }

    private static async Task<Results<Created<CustomerUserView>, ValidationProblem, ProblemHttpResult>> InviteAsync(
        string customerNumber,
        CustomerUserInput input,
        LitigesDbContext db,
        CustomerOnboarding onboarding,
        MailSettings mail,
        IStringLocalizer t,
        CancellationToken cancellationToken)
    {
        var errors = new FieldErrors(t);
        errors.Check("email", EmailAddressRule.IsValid(input.Email) ? null : EmailAddressRule.MessageKey, "email");
        errors.Check("name", string.IsNullOrWhiteSpace(input.Name) ? "Integration.Validation.Required" : input.Name.Trim().Length > 200 ? "Integration.Validation.TooLong" : null);
        errors.Check("language", input.Language is null or "fr" or "en" ? null : "Integration.Validation.Language");
        if (errors.HasAny)
        {
            return ApiProblems.Invalid(t, errors);
        }

        var customer = await db.CustomerAccounts.AsNoTracking().Where(c => c.CustomerNumber == customerNumber).Select(c => new { c.Id, c.Language }).SingleOrDefaultAsync(cancellationToken);
        if (customer is null)
        {
            return ApiProblems.NotFound(t, t["Error.Integration.CustomerUnknown", customerNumber]);
        }

        try
        {
            var invited = await onboarding.InviteAsync(customer.Id, new InvitationRequest(input.Email, input.Name, input.Language ?? customer.Language, input.Admin ?? true), mail.FromName, cancellationToken);
            return TypedResults.Created($"/api/v1/customers/{Uri.EscapeDataString(customerNumber)}/users/{Uri.EscapeDataString(invited.Id)}", CustomerUserView.Of(invited));
        }
        catch (DomainException refused)
        {
            return ApiProblems.Conflict(t, t.Message(refused));
        }
    }

    private static async Task<Results<Ok<IReadOnlyList<CustomerUserView>>, ProblemHttpResult>> ListAsync(
        string customerNumber, LitigesDbContext db, CustomerOnboarding onboarding, IStringLocalizer t, CancellationToken cancellationToken)
    {
        if (await CustomerIdAsync(db, customerNumber, cancellationToken) is not { } customerId)
        {
            return ApiProblems.NotFound(t, t["Error.Integration.CustomerUnknown", customerNumber]);
        }

        var users = await onboarding.UsersAsync(customerId, cancellationToken);
        return TypedResults.Ok<IReadOnlyList<CustomerUserView>>([.. users.Select(CustomerUserView.Of)]);
    }

    private static async Task<Results<Ok<CustomerUserView>, ProblemHttpResult>> ResendAsync(
        string customerNumber, string userId, LitigesDbContext db, CustomerOnboarding onboarding, MailSettings mail, IStringLocalizer t, CancellationToken cancellationToken)
    {
        if (await CustomerIdAsync(db, customerNumber, cancellationToken) is not { } customerId)
        {
            return ApiProblems.NotFound(t, t["Error.Integration.CustomerUnknown", customerNumber]);
        }

        try
        {
            var user = await onboarding.ResendAsync(customerId, userId, mail.FromName, cancellationToken);
            return user is null ? ApiProblems.NotFound(t, t["Integration.Problem.UserUnknown", userId]) : TypedResults.Ok(CustomerUserView.Of(user));
        }
        catch (DomainException refused)
        {
            return ApiProblems.Conflict(t, t.Message(refused));
        }
    }

    private static async Task<Results<Ok<CustomerUserView>, ProblemHttpResult>> RevokeAsync(
        string customerNumber, string userId, LitigesDbContext db, CustomerOnboarding onboarding, IStringLocalizer t, CancellationToken cancellationToken)
    {
        if (await CustomerIdAsync(db, customerNumber, cancellationToken) is not { } customerId)
        {
            return ApiProblems.NotFound(t, t["Error.Integration.CustomerUnknown", customerNumber]);
        }

        try
        {
            var user = await onboarding.RevokeAsync(customerId, userId);
            return user is null ? ApiProblems.NotFound(t, t["Integration.Problem.UserUnknown", userId]) : TypedResults.Ok(CustomerUserView.Of(user));
        }
        catch (DomainException refused)
        {
            return ApiProblems.Conflict(t, t.Message(refused));
        }
    }

    private static async Task<int?> CustomerIdAsync(LitigesDbContext db, string customerNumber, CancellationToken cancellationToken) =>
        await db.CustomerAccounts.AsNoTracking().Where(c => c.CustomerNumber == customerNumber).Select(c => (int?)c.Id).SingleOrDefaultAsync(cancellationToken);
}

/// <summary>Who to invite. Language "fr" or "en" (the customer's by default); admin true by default (the first user of a company administers it).</summary>
public sealed record CustomerUserInput(string? Email, string? Name, string? Language, bool? Admin);

/// <summary>A portal user: state invited, expired (resend), active or deactivated; the invitation's expiry while one is pending.</summary>
public sealed record CustomerUserView(string Id, string Email, string Name, string Language, bool Admin, string State, DateTimeOffset? InvitationExpiresAt)
{
    public static CustomerUserView Of(CustomerUser user) =>
        new(user.Id, user.Email, user.Name, user.Language, user.IsAdmin, user.State.ToString().ToLowerInvariant(), user.InvitationExpiresAt);
}
