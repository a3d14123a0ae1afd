using Litiges.Data;
using Litiges.Notifications;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Litiges.Accounts;

/// <summary>
/// The one path by which a person gets into a customer's portal space, whoever asks: a customer
/// admin inviting a colleague, staff onboarding the first admin of a new company from the back
/// office, or the ERP through the API. An invitation is an account that cannot sign in yet and an
/// e-mail (queued in the same transaction) whose time-limited link, on the configured portal
/// address, sets the first password. Resending issues a new link and kills the old one; revoking
/// closes the unused account and kills its link at once.
/// </summary>
public sealed class CustomerOnboarding(LitigesDbContext db, UserManager<AppUser> users, InvitationLinks links, TimeProvider clock)
{
    /// <summary>
    /// Invites <paramref name="request"/>'s address into the company. An address already used
    /// elsewhere (staff, another company, an active colleague) is refused; a colleague who never
    /// accepted or was removed is invited again.
    /// </summary>
    public async Task<CustomerUser> InviteAsync(int customerAccountId, InvitationRequest request, string invitedBy, CancellationToken cancellationToken)
    {
        var email = request.Email?.Trim() ?? string.Empty;
        var name = request.Name?.Trim() ?? string.Empty;
        if (!EmailAddressRule.IsValid(email))
        {
            throw new DomainException(EmailAddressRule.MessageKey, email);
        }

        if (name.Length is 0 or > 200)
        {
            throw new DomainException("Onboarding.NameRequired");
        }

        if (request.Language is not ("fr" or "en"))
        {
            throw new DomainException("Onboarding.Language");
        }

        var company = await db.CustomerAccounts.AsNoTracking().Where(c => c.Id == customerAccountId).Select(c => c.LegalName).SingleOrDefaultAsync(cancellationToken)
            ?? throw new DomainException("Onboarding.UnknownCustomer");
        var existing = await users.FindByEmailAsync(email);
        if (existing is not null && (existing.Kind != UserKind.Customer || existing.CustomerAccountId != customerAccountId || (existing.IsActive && existing.EmailConfirmed) || existing.AnonymisedAt is not null))
        {
            throw new DomainException("Onboarding.AddressTaken", email);
        }

        return await InTransactionAsync(async () =>
        {
            var invited = existing;
            if (invited is null)
            {
                invited = AppUser.NewCustomer(email, name, customerAccountId, request.Admin, request.Language);
                var created = await users.CreateAsync(invited);
                if (!created.Succeeded)
                {
                    throw new DomainException("Identity." + created.Errors.First().Code);
                }
            }
            else
            {
                invited.Rename(name);
                invited.ChangeLanguage(request.Language);
                if (request.Admin)
                {
                    invited.MakeCustomerAdmin();
                }
            }

            await SendAsync(invited, company, invitedBy);
            return invited;
        }, cancellationToken);
    }

    /// <summary>A new link for an invitation not yet accepted; the previous one stops working. Null when not this company's user.</summary>
    public async Task<CustomerUser?> ResendAsync(int customerAccountId, string userId, string invitedBy, CancellationToken cancellationToken)
    {
        var user = await FindAsync(customerAccountId, userId);
        if (user is null)
        {
            return null;
        }

        if (!user.HasPendingInvitation)
        {
            throw new DomainException("Onboarding.NotPending");
        }

        var company = await db.CustomerAccounts.AsNoTracking().Where(c => c.Id == customerAccountId).Select(c => c.LegalName).SingleAsync(cancellationToken);
        return await InTransactionAsync(async () =>
        {
            await SendAsync(user, company, invitedBy);
            return user;
        }, cancellationToken);
    }

    /// <summary>Withdraws an invitation not yet accepted: its link fails at once and the account cannot sign in. Null when not this company's user.</summary>
    public async Task<CustomerUser?> RevokeAsync(int customerAccountId, string userId)
    {
        var user = await FindAsync(customerAccountId, userId);
        if (user is null)
        {
            return null;
        }

        user.RevokeInvitation();
        await InvitationTokenProvider.ForgetAsync(users, user);
        var saved = await users.UpdateSecurityStampAsync(user);
        if (!saved.Succeeded)
        {
            throw new DomainException("Identity." + saved.Errors.First().Code);
        }

        return View(user);
    }

    /// <summary>The company's portal users, invitations included, by name.</summary>
    public async Task<IReadOnlyList<CustomerUser>> UsersAsync(int customerAccountId, CancellationToken cancellationToken)
    {
        var found = await db.Users.AsNoTracking()
            .Where(u => u.CustomerAccountId == customerAccountId && u.Kind == UserKind.Customer)
            .OrderBy(u => u.DisplayName).ThenBy(u => u.Id)
            .ToListAsync(cancellationToken);
        return [.. found.Select(View)];
    }

    public async Task<CustomerUser?> UserAsync(int customerAccountId, string userId) =>
        await FindAsync(customerAccountId, userId) is { } user ? View(user) : null;

    private async Task<AppUser?> FindAsync(int customerAccountId, string userId) =>
        await users.FindByIdAsync(userId) is { Kind: UserKind.Customer } user && user.CustomerAccountId == customerAccountId ? user : null;

    private async Task SendAsync(AppUser invited, string company, string invitedBy)
    {
        var link = await links.IssueAsync(invited);
        var culture = Localization.Cultures.For(invited.Language);
        var until = TimeZoneInfo.ConvertTime(link.ExpiresAt, Deadlines.FrenchBusinessCalendar.Instance.TimeZone).ToString("g", culture);
        Outbox.QueueEmail(db, "Invitation", invited.Email!, invited.Language, clock.GetUtcNow(), link.Url, invited.DisplayName, invitedBy, company, until);
        await db.SaveChangesAsync();
    }

    // Account, link and e-mail together or not at all; inside the execution strategy, which
    // SQL Server's retrying connections require around a transaction of our own.
    private async Task<CustomerUser> InTransactionAsync(Func<Task<AppUser>> work, CancellationToken cancellationToken)
    {
        // A caller that already holds one (the API's write filter) commits or rolls back for us.
        if (db.Database.CurrentTransaction is not null)
        {
            return View(await work());
        }

        return await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var user = await work();
            await transaction.CommitAsync(cancellationToken);
            return View(user);
        });
    }

    private CustomerUser View(AppUser user)
    {
        var expires = user.InvitedAt + links.Lifespan;
        var state = !user.IsActive ? CustomerUserState.Deactivated
            : user.EmailConfirmed ? CustomerUserState.Active
            : expires is { } until && until <= clock.GetUtcNow() ? CustomerUserState.Expired
            : CustomerUserState.Invited;
        return new CustomerUser(user.Id, user.Email ?? string.Empty, user.DisplayName, user.Language, user.IsCustomerAdmin, state, state is CustomerUserState.Invited or CustomerUserState.Expired ? expires : null);
    }
}

/// <summary>Who to invite: address, name, language ("fr" or "en") and whether they administer the company's users.</summary>
public sealed record InvitationRequest(string? Email, string? Name, string Language, bool Admin);

/// <summary>A portal user as staff and the company's admins see it.</summary>
public sealed record CustomerUser(string Id, string Email, string Name, string Language, bool IsAdmin, CustomerUserState State, DateTimeOffset? InvitationExpiresAt)
{
    public string StateKey => "Onboarding.State." + State.ToString();
}

/// <summary>Invited (link pending), Expired (link too old: resend), Active (signed up), Deactivated (revoked or removed).</summary>
public enum CustomerUserState
{
    Invited,
    Expired,
    Active,
    Deactivated,
}
