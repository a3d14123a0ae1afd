using Litiges.Accounts;
using Litiges.Data;
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
/// factor when there is one), failed, locked out. Customers' sign-ins are not audited.
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

    public override async Task<SignInResult> TwoFactorAuthenticatorSignInAsync(string code, bool isPersistent, bool rememberClient)
    {
        var user = await GetTwoFactorAuthenticationUserAsync();
        var result = await base.TwoFactorAuthenticatorSignInAsync(code, isPersistent, rememberClient);
        await RecordAsync(user, result, "authenticator");
        return result;
    }

    public override async Task<SignInResult> TwoFactorRecoveryCodeSignInAsync(string recoveryCode)
    {
        var user = await GetTwoFactorAuthenticationUserAsync();
        var result = await base.TwoFactorRecoveryCodeSignInAsync(recoveryCode);
        await RecordAsync(user, result, "recovery code");
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
