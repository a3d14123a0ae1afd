using System.Security.Claims;
using Litiges.Accounts;
using Litiges.Data;
using Litiges.Notifications;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SignInResult = Microsoft.AspNetCore.Identity.SignInResult;

namespace Litiges.Audit;

/// <summary>
/// Identity's sign-in, with an audit line for every staff attempt: signed in (after the second
/// factor when there is one), failed, locked out. Customers' sign-ins are not audited. Every
/// sign-in opens a server-side <see cref="UserSession"/> and sign-out ends it. A password is
/// hashed whatever the state of the account, so the time an answer takes does not tell whether
/// it exists or is locked; the owner of an account that gets locked is told by e-mail.
/// </summary>
public sealed class AuditedSignInManager(
    UserManager<AppUser> userManager,
    IHttpContextAccessor contextAccessor,
    IUserClaimsPrincipalFactory<AppUser> claimsFactory,
    IOptions<IdentityOptions> optionsAccessor,
    ILogger<SignInManager<AppUser>> logger,
    IAuthenticationSchemeProvider schemes,
    IUserConfirmation<AppUser> confirmation)
    : SignInManager<AppUser>(userManager, contextAccessor, claimsFactory, optionsAccessor, logger, schemes, confirmation)
{
    public override async Task<SignInResult> PasswordSignInAsync(AppUser user, string password, bool isPersistent, bool lockoutOnFailure)
    {
        var result = await base.PasswordSignInAsync(user, password, isPersistent, lockoutOnFailure);
        await RecordAsync(user, result, "password");
        return result;
    }

    public override async Task<SignInResult> CheckPasswordSignInAsync(AppUser user, string password, bool lockoutOnFailure)
    {
        // Identity answers these before looking at the password: the hash is checked all the same.
        if (await UserManager.IsLockedOutAsync(user))
        {
            await VerifyPasswordAsync(user, password);
            return SignInResult.LockedOut;
        }

        if (await CanSignInAsync(user) && await UserManager.HasPasswordAsync(user))
        {
            return await WatchingLockoutAsync(user, () => base.CheckPasswordSignInAsync(user, password, lockoutOnFailure));
        }

        // An address not confirmed yet, or an invitation not taken up (no password yet): only the
        // right password learns that the address must be confirmed first.
        if (await VerifyPasswordAsync(user, password))
        {
            return SignInResult.NotAllowed;
        }

        return await WatchingLockoutAsync(user, async () =>
        {
            if (lockoutOnFailure)
            {
                await UserManager.AccessFailedAsync(user);
            }

            return SignInResult.Failed;
        });
    }

    public override async Task<SignInResult> TwoFactorAuthenticatorSignInAsync(string code, bool isPersistent, bool rememberClient)
    {
        var user = await GetTwoFactorAuthenticationUserAsync();
        var result = user is null
            ? await base.TwoFactorAuthenticatorSignInAsync(code, isPersistent, rememberClient)
            : await WatchingLockoutAsync(user, () => base.TwoFactorAuthenticatorSignInAsync(code, isPersistent, rememberClient));
        await RecordAsync(user, result, "authenticator");
        return result;
    }

    public override async Task<SignInResult> TwoFactorRecoveryCodeSignInAsync(string recoveryCode)
    {
        var user = await GetTwoFactorAuthenticationUserAsync();
        var result = user is null
            ? await base.TwoFactorRecoveryCodeSignInAsync(recoveryCode)
            : await WatchingLockoutAsync(user, () => base.TwoFactorRecoveryCodeSignInAsync(recoveryCode));
        await RecordAsync(user, result, "recovery code");
        return result;
    }

    /// <summary>Every way in (password, second factor, recovery code, refresh) ends here: it opens the session the cookie names.</summary>
    public override async Task SignInWithClaimsAsync(AppUser user, AuthenticationProperties? authenticationProperties, IEnumerable<Claim> additionalClaims)
    {
        var sessions = Context.RequestServices.GetRequiredService<UserSessions>();

        // The cookie this browser had is replaced: its session ends with it.
        if (UserSessions.IdOf(Context.User) is { } replaced)
        {
            await sessions.EndAsync(replaced);
        }

        var session = await sessions.StartAsync(user.Id);
        await base.SignInWithClaimsAsync(user, authenticationProperties, [.. additionalClaims, session]);
    }

    public override async Task SignOutAsync()
    {
        if (UserSessions.IdOf(Context.User) is { } id)
        {
            await Context.RequestServices.GetRequiredService<UserSessions>().EndAsync(id);
        }

        await base.SignOutAsync();
    }

    /// <summary>The real hash check, or the same work on a decoy when the account has no password.</summary>
    private async Task<bool> VerifyPasswordAsync(AppUser user, string password)
    {
        if (await UserManager.HasPasswordAsync(user))
        {
            return await UserManager.CheckPasswordAsync(user, password);
        }

        PasswordDecoy.Verify(UserManager.PasswordHasher, password);
        return false;
    }

    /// <summary>Runs a sign-in step; when it is the one that locks the account, the owner gets an e-mail (once per lockout).</summary>
    private async Task<SignInResult> WatchingLockoutAsync(AppUser user, Func<Task<SignInResult>> step)
    {
        var wasLockedOut = await UserManager.IsLockedOutAsync(user);
        var result = await step();
        if (!wasLockedOut && await UserManager.IsLockedOutAsync(user) && user.Email is not null && await UserManager.GetLockoutEndDateAsync(user) is { } end)
        {
            var services = Context.RequestServices;
            var db = services.GetRequiredService<LitigesDbContext>();
            var link = services.GetRequiredService<PublicLinks>().For(user.Kind, "/Account/ForgotPassword");
            var until = TimeZoneInfo.ConvertTime(end, Deadlines.FrenchBusinessCalendar.Instance.TimeZone).ToString("g", Localization.Cultures.For(user.Language));
            Outbox.QueueEmail(db, "AccountLocked", user.Email, user.Language, services.GetRequiredService<TimeProvider>().GetUtcNow(), link, user.DisplayName, until);
            await db.SaveChangesAsync();
        }

        return result;
    }

    private async Task RecordAsync(AppUser? user, SignInResult result, string method)
    {
        // A password accepted while a second factor is awaited is not yet a sign-in.
        if (user is not { Kind: UserKind.Staff } || result.RequiresTwoFactor)
        {
            return;
        }

        var action = result.Succeeded ? AuditAction.SignedIn : result.IsLockedOut ? AuditAction.LockedOut : AuditAction.SignInFailed;
        var services = Context.RequestServices;
        var db = services.GetRequiredService<LitigesDbContext>();
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var actorId = result.Succeeded ? user.Id : null;
        db.AuditLog.Add(new AuditEntry(now, action, actorId, result.Succeeded ? user.DisplayName : AuditRecorder.SystemName, user.Id, user.Email ?? user.Id, method, Context.Connection.RemoteIpAddress?.ToString()));
        await db.SaveChangesAsync();
    }
}
