using System.Security.Cryptography;
using System.Text;
using Litiges.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Litiges.Accounts;

/// <summary>How long an invitation link lives: <c>Accounts:InvitationDays</c>, 7 by default.</summary>
public sealed class InvitationOptions
{
    public int InvitationDays { get; set; } = 7;

    public TimeSpan Lifespan => TimeSpan.FromDays(Math.Clamp(InvitationDays, 1, 60));
}

/// <summary>
/// Identity tokens for invitation links only, with their own lifespan (<c>Accounts:InvitationDays</c>,
/// read on <see cref="TimeProvider"/>): a random secret whose SHA-256 alone is kept with the user.
/// Not a data-protection token: the back office issues links that the portal checks, and each app
/// protects data under its own name. Issuing replaces the stored hash, so one link lives at a time.
/// </summary>
public sealed class InvitationTokenProvider(TimeProvider clock, IOptions<InvitationOptions> options) : IUserTwoFactorTokenProvider<AppUser>
{
    public const string ProviderName = "Invitation";
    public const string Purpose = "AcceptInvitation";
    private const string LoginProvider = "Litiges";
    private const string TokenName = "InvitationHash";

    public async Task<string> GenerateAsync(string purpose, UserManager<AppUser> manager, AppUser user)
    {
        var token = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        var saved = await manager.SetAuthenticationTokenAsync(user, LoginProvider, TokenName, Hash(purpose, token));
        return saved.Succeeded ? token : throw new InvalidOperationException("The invitation could not be saved.");
    }

    public async Task<bool> ValidateAsync(string purpose, string token, UserManager<AppUser> manager, AppUser user)
    {
        if (user.InvitedAt is not { } invitedAt || invitedAt + options.Value.Lifespan <= clock.GetUtcNow())
        {
            return false;
        }

        var stored = await manager.GetAuthenticationTokenAsync(user, LoginProvider, TokenName);
        return stored is not null && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(stored), Encoding.ASCII.GetBytes(Hash(purpose, token)));
    }

    public Task<bool> CanGenerateTwoFactorTokenAsync(UserManager<AppUser> manager, AppUser user) => Task.FromResult(false);

    /// <summary>Forgets the secret: the link is used up or withdrawn.</summary>
    public static Task<IdentityResult> ForgetAsync(UserManager<AppUser> manager, AppUser user) =>
        manager.RemoveAuthenticationTokenAsync(user, LoginProvider, TokenName);

    private static string Hash(string purpose, string token) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(purpose + ":" + token)));
}

/// <summary>
/// The one-time link that lets an invited person (a customer user, or a staff administrator
/// created from the command line) choose a first password. The link is built on the site's
/// configured public address, never on a request's host. Issuing a link changes the security
/// stamp, so every earlier link (and session) of the account stops working at once; accepting
/// changes it again, so a link works once.
/// </summary>
public sealed class InvitationLinks(UserManager<AppUser> users, LitigesDbContext db, TimeProvider clock, IOptions<InvitationOptions> options, Notifications.PublicLinks publicLinks)
{
    public const string PagePath = "/Account/AcceptInvitation";

    public TimeSpan Lifespan => options.Value.Lifespan;

    /// <summary>Until when the pending invitation of <paramref name="user"/> can be accepted; null when there is none.</summary>
    public DateTimeOffset? ExpiresAt(AppUser user) => user.HasPendingInvitation ? user.InvitedAt + Lifespan : null;

    /// <summary>Marks the user invited now and returns a fresh link on the public address of the user's app (saved through the user manager).</summary>
    public async Task<IssuedLink> IssueAsync(AppUser user)
    {
        var now = clock.GetUtcNow();
        user.Invite(now);
        Check(await users.UpdateSecurityStampAsync(user));
        var token = await users.GenerateUserTokenAsync(user, InvitationTokenProvider.ProviderName, InvitationTokenProvider.Purpose);
        var code = WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(token));
        var link = publicLinks.For(user.Kind, $"{PagePath}?userId={Uri.EscapeDataString(user.Id)}&code={code}");
        return new IssuedLink(link, now + Lifespan);
    }

    /// <summary>Whether <paramref name="code"/> is the current, unexpired invitation of <paramref name="user"/>.</summary>
    public async Task<bool> IsValidAsync(AppUser user, string code)
    {
        if (!user.HasPendingInvitation || user.InvitedAt is not { } invitedAt || invitedAt + Lifespan <= clock.GetUtcNow())
        {
            return false;
        }

        string token;
        try
        {
            token = Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(code));
        }
        catch (FormatException)
        {
            return false;
        }

        return await users.VerifyUserTokenAsync(user, InvitationTokenProvider.ProviderName, InvitationTokenProvider.Purpose, token);
    }

    /// <summary>
    /// Sets the first password from a valid link and proves the address; the new security stamp
    /// used up the link. Fails (changing nothing) on a dead link or a password the rules refuse.
    /// </summary>
    public async Task<IdentityResult> AcceptAsync(AppUser user, string code, string password)
    {
        if (!await IsValidAsync(user, code))
        {
            return IdentityResult.Failed(new IdentityErrorDescriber().InvalidToken());
        }

        // A re-invited account may still hold an old password: the reset replaces it either way.
        // Two saves (password, then the accepted invitation) in one transaction, inside the
        // execution strategy that SQL Server's retrying connections require.
        return await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            var reset = await users.ResetPasswordAsync(user, await users.GeneratePasswordResetTokenAsync(user), password);
            if (!reset.Succeeded)
            {
                return reset;
            }

            await InvitationTokenProvider.ForgetAsync(users, user);
            user.AcceptInvitation();
            user.LockoutEnd = null;
            user.AccessFailedCount = 0;
            var saved = await users.UpdateAsync(user);
            if (saved.Succeeded)
            {
                await transaction.CommitAsync();
            }

            return saved;
        });
    }

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException("The account could not be saved: " + string.Join("; ", result.Errors.Select(e => e.Code)));
        }
    }
}

public sealed record IssuedLink(string Url, DateTimeOffset ExpiresAt);
