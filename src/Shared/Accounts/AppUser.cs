using Litiges.Data;
using Litiges.Disputes;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Litiges.Accounts;

public enum UserKind
{
    Customer,
    Staff,
}

/// <summary>
/// A person who signs in: a customer user (belongs to exactly one customer account) or a staff
/// user (has roles, and a department when a resolver). Each app admits only its own kind.
/// </summary>
public sealed partial class AppUser : IdentityUser
{
    private AppUser()
    {
        DisplayName = string.Empty;
        Language = "fr";
    }

    private AppUser(string email, string displayName, UserKind kind, string language)
        : base(email)
    {
        Email = email;
        DisplayName = displayName;
        Kind = kind;
        Language = language is "fr" or "en" ? language : "fr";
    }

    public UserKind Kind { get; private set; }

    public string DisplayName { get; private set; }

    /// <summary>"fr" or "en": the language of the pages and e-mails for this user.</summary>
    public string Language { get; private set; }

    public int? CustomerAccountId { get; private set; }

    /// <summary>A customer admin invites and removes colleagues of the same company.</summary>
    public bool IsCustomerAdmin { get; private set; }

    public int? DepartmentId { get; private set; }

    public bool IsActive { get; private set; } = true;

    /// <summary>Kinds of non-essential messages the user turned off, comma-separated (e.g. "PreDueReminder").</summary>
    public string MutedNotifications { get; private set; } = string.Empty;

    public bool HasMuted(string kind) => MutedNotifications.Split(',', StringSplitOptions.RemoveEmptyEntries).Contains(kind);

    /// <summary>
    /// Replaces the set of muted optional kinds (the checkboxes); essential kinds are never muted
    /// (the caller passes only optional ones) and the staff's per-event choices are kept.
    /// </summary>
    public void MuteNotifications(IEnumerable<string> kinds) =>
        MutedNotifications = string.Join(',', MutedNotifications.Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Where(kind => !Notifications.NotificationKinds.IsOptional(kind))
            .Concat(kinds)
            .Distinct()
            .Order(StringComparer.Ordinal));

    /// <summary>Kinds of staff notices the user reads in the daily digest rather than at once, comma-separated.</summary>
    public string DigestNotifications { get; private set; } = string.Empty;

    /// <summary>How this user receives an e-mail of <paramref name="kind"/>: at once, in the daily digest, or not at all.</summary>
    public Notifications.NotificationDelivery DeliveryOf(string kind) =>
        HasMuted(kind) ? Notifications.NotificationDelivery.Off
        : DigestNotifications.Split(',', StringSplitOptions.RemoveEmptyEntries).Contains(kind) ? Notifications.NotificationDelivery.Digest
        : Notifications.NotificationDelivery.Immediately;

    /// <summary>
    /// A staff member's choice per kind of notice. Essential kinds cannot be turned off (an "off"
    /// for one is read as "immediately"); kinds not named keep what they were.
    /// </summary>
    public void ChooseDeliveries(IReadOnlyDictionary<string, Notifications.NotificationDelivery> choices)
    {
        var muted = MutedNotifications.Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
        var digest = DigestNotifications.Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
        foreach (var (kind, delivery) in choices)
        {
            muted.Remove(kind);
            digest.Remove(kind);
            if (delivery == Notifications.NotificationDelivery.Off && Notifications.NotificationKinds.StaffMayTurnOff(kind))
            {
                muted.Add(kind);
            }
            else if (delivery == Notifications.NotificationDelivery.Digest)
            {
                digest.Add(kind);
            }
        }

        MutedNotifications = string.Join(',', muted.Order(StringComparer.Ordinal));
        DigestNotifications = string.Join(',', digest.Order(StringComparer.Ordinal));
    }

    public static AppUser NewCustomer(string email, string displayName, int customerAccountId, bool isAdmin, string language = "fr") =>
        new(email, displayName, UserKind.Customer, language)
        {
            CustomerAccountId = customerAccountId,
            IsCustomerAdmin = isAdmin,
        };

    public static AppUser NewStaff(string email, string displayName, int? departmentId = null, string language = "fr") =>
        new(email, displayName, UserKind.Staff, language)
        {
            DepartmentId = departmentId,
        };

    public void ChangeLanguage(string language) => Language = language is "fr" or "en" ? language : Language;

    public void Rename(string displayName) =>
        DisplayName = string.IsNullOrWhiteSpace(displayName) ? DisplayName : displayName.Trim();

    public void MoveToDepartment(int? departmentId) => DepartmentId = Kind == UserKind.Staff ? departmentId : null;

    public void Deactivate() => IsActive = false;

    public void Reactivate() => IsActive = IsActive || AnonymisedAt is null;

    /// <summary>When the pending invitation was issued; null once accepted (or for accounts never invited by link).</summary>
    public DateTimeOffset? InvitedAt { get; private set; }

    /// <summary>
    /// Issues a (new) invitation: the account is active again but cannot sign in until its link
    /// is followed (the address is proved again), whatever password it may have had.
    /// </summary>
    public void Invite(DateTimeOffset at)
    {
        if (AnonymisedAt is not null)
        {
            throw new DomainException("Onboarding.Anonymised");
        }

        IsActive = true;
        EmailConfirmed = false;
        InvitedAt = at;
    }

    /// <summary>An invitation is pending while the account is active and its address not yet proved.</summary>
    public bool HasPendingInvitation => IsActive && !EmailConfirmed && AnonymisedAt is null;

    /// <summary>Makes an invited customer user an administrator of the company (the first one of a new company is).</summary>
    public void MakeCustomerAdmin() => IsCustomerAdmin = Kind == UserKind.Customer || IsCustomerAdmin;

    /// <summary>Following the link proves the address; the invitation is used up.</summary>
    public void AcceptInvitation()
    {
        EmailConfirmed = true;
        InvitedAt = null;
    }

    /// <summary>Withdraws an invitation not yet accepted: the account is closed, its link dies with the new security stamp.</summary>
    public void RevokeInvitation()
    {
        if (!HasPendingInvitation)
        {
            throw new DomainException("Onboarding.NotPending");
        }

        IsActive = false;
        InvitedAt = null;
    }

    /// <summary>When an administrator anonymised this user (the account then holds no personal data and cannot sign in).</summary>
    public DateTimeOffset? AnonymisedAt { get; private set; }

    /// <summary>The name an anonymised user is shown under: the same for everyone, plus a short id to tell them apart.</summary>
    public static string AnonymousLabel(string userId) => "Anonyme-" + userId[..Math.Min(8, userId.Length)];

    /// <summary>
    /// Replaces every personal field by a neutral value and closes the account for good. The id
    /// stays, so that records that must be kept (dispute history, credit notes) still point here.
    /// </summary>
    public void Anonymise(DateTimeOffset at)
    {
        if (AnonymisedAt is not null)
        {
            return;
        }

        var label = AnonymousLabel(Id);
        DisplayName = label;
        Email = UserName = label.ToLowerInvariant() + "@anonyme.invalid";
        NormalizedEmail = NormalizedUserName = Email.ToUpperInvariant();
        EmailConfirmed = false;
        RemoveMobile();
        PasswordHash = null;
        TwoFactorEnabled = false;
        LockoutEnabled = true;
        LockoutEnd = DateTimeOffset.MaxValue;
        SecurityStamp = Guid.NewGuid().ToString("N");
        MutedNotifications = string.Empty;
        DigestNotifications = string.Empty;
        IsActive = false;
        AnonymisedAt = at;
    }
}

/// <summary>Staff roles, as stored in Identity.</summary>
public static class StaffRoles
{
    public const string Agent = nameof(Agent);
    public const string Resolver = nameof(Resolver);
    public const string CreditManager = nameof(CreditManager);
    public const string Finance = nameof(Finance);
    public const string Admin = nameof(Admin);

    public static readonly IReadOnlyList<string> All = [Agent, Resolver, CreditManager, Finance, Admin];

    /// <summary>The active staff members, with an e-mail address, who hold one of <paramref name="roles"/> (read only).</summary>
    public static IQueryable<AppUser> ActiveMembers(LitigesDbContext db, params IReadOnlyCollection<string> roles)
    {
        var roleIds = db.Roles.Where(r => roles.Contains(r.Name!)).Select(r => r.Id);
        var members = db.UserRoles.Where(ur => roleIds.Contains(ur.RoleId)).Select(ur => ur.UserId);
        return db.Users.AsNoTracking().Where(u => u.Kind == UserKind.Staff && u.IsActive && u.Email != null && members.Contains(u.Id));
    }

    /// <summary>The role a staff user acts with on a dispute: the most senior one they hold.</summary>
    public static ActorRole ActingRole(IEnumerable<string> roles)
    {
        var set = roles.ToHashSet();
        return set.Contains(CreditManager) ? ActorRole.CreditManager
            : set.Contains(Finance) ? ActorRole.Finance
            : set.Contains(Agent) ? ActorRole.Agent
            : set.Contains(Resolver) ? ActorRole.Resolver
            : set.Contains(Admin) ? ActorRole.Admin
            : throw new DomainException("Account.NoStaffRole");
    }
}

/// <summary>Claim types the apps add at sign-in, so pages know the user's kind, company and language.</summary>
public static class LitigesClaims
{
    public const string Kind = "litiges:kind";
    public const string CustomerAccountId = "litiges:customer";
    public const string CustomerAdmin = "litiges:customer-admin";
    public const string DepartmentId = "litiges:department";
    public const string DisplayName = "litiges:name";
    public const string Language = "litiges:lang";
    public const string TwoFactorEnabled = "litiges:2fa";

    /// <summary>The <see cref="UserSession"/> a sign-in cookie belongs to.</summary>
    public const string Session = "litiges:session";
}
