using Microsoft.AspNetCore.Identity;

namespace Litiges.Accounts;

/// <summary>
/// Password-hash work for a sign-in that has no real hash to check (unknown address, a user of the
/// other app, a closed account, no password yet): the answer then takes as long as for a real
/// account, so timing does not tell which addresses exist.
/// </summary>
public static class PasswordDecoy
{
    /// <summary>A user that is never saved, for work done on no one's behalf.</summary>
    public static readonly AppUser Nobody = AppUser.NewStaff("nobody@decoy.invalid", "Nobody");
    private static string? s_hash;

    public static void Verify(IPasswordHasher<AppUser> hasher, string password)
    {
        // Made by the configured hasher, so that checking it costs what checking a stored hash costs.
        var hash = s_hash ??= hasher.HashPassword(Nobody, Guid.NewGuid().ToString("N"));
        _ = hasher.VerifyHashedPassword(Nobody, hash, password);
    }
}
