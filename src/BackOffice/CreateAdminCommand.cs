using System.Globalization;
using Litiges.Accounts;
using Litiges.Audit;
using Litiges.Data;
using Litiges.Notifications;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Litiges.BackOffice;

/// <summary>
/// <c>Litiges.BackOffice create-admin --email you@company.example [--name "Name"] [--language fr|en]</c>:
/// the way in to a fresh install. Creates a staff administrator (or re-invites one: active again,
/// Admin again, earlier links dead) and prints, once and only on standard output, a one-time link
/// on <c>Email:BackOfficeUrl</c> where they choose a password; two-factor enrolment follows at
/// their first sign-in. No password is ever taken on the command line, and nothing secret is logged.
/// </summary>
public static class CreateAdminCommand
{
    public const string Name = "create-admin";

    public const int Succeeded = 0;
    public const int Usage = 2;
    public const int Refused = 3;
    public const int NotMigrated = 4;

    public static async Task<int> RunAsync(IServiceProvider services, IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        if (!TryParse(args, out var options, out var problem))
        {
            await error.WriteLineAsync($"{problem}\nUsage: {Name} --email you@company.example [--name \"Display Name\"] [--language fr|en]");
            return Usage;
        }

        using var scope = services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<LitigesDbContext>();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var links = scope.ServiceProvider.GetRequiredService<InvitationLinks>();
        var clock = scope.ServiceProvider.GetRequiredService<TimeProvider>();

        if (!await IsMigratedAsync(db))
        {
            await error.WriteLineAsync("The database is not migrated (or cannot be reached): run 'migrate' first.");
            return NotMigrated;
        }

        var user = await users.FindByEmailAsync(options.Email);
        if (user is { Kind: UserKind.Customer })
        {
            await error.WriteLineAsync($"{options.Email} belongs to a customer user: a staff administrator needs an address of their own.");
            return Refused;
        }

        if (user is { AnonymisedAt: not null })
        {
            await error.WriteLineAsync($"{options.Email} belongs to an anonymised account, which cannot be used again.");
            return Refused;
        }

        IssuedLink link;
        try
        {
            link = await IssueAsync(db, users, links, clock, user, options);
        }
        catch (AccountRefusedException refused)
        {
            await error.WriteLineAsync($"{options.Email} cannot be made an administrator: {refused.Message}");
            return Refused;
        }

        await output.WriteLineAsync($"Administrator {options.Email} is ready. Open this link to choose a password (then set up two-factor sign-in):");
        await output.WriteLineAsync(link.Url);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"The link works once and expires in {links.Lifespan.TotalDays:0} days ({link.ExpiresAt:yyyy-MM-dd HH:mm} UTC). Running {Name} again for this address replaces it."));
        return Succeeded;
    }

    private static async Task<IssuedLink> IssueAsync(LitigesDbContext db, UserManager<AppUser> users, InvitationLinks links, TimeProvider clock, AppUser? user, Options options) =>
        await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            if (user is null)
            {
                user = AppUser.NewStaff(options.Email, options.DisplayName ?? options.Email[..options.Email.IndexOf('@', StringComparison.Ordinal)], language: options.Language ?? "en");
                Check(await users.CreateAsync(user));
            }
            else
            {
                user.Rename(options.DisplayName ?? user.DisplayName);
                user.ChangeLanguage(options.Language ?? user.Language);
            }

            if (!await users.IsInRoleAsync(user, StaffRoles.Admin))
            {
                Check(await users.AddToRoleAsync(user, StaffRoles.Admin));
                db.AuditLog.Add(new AuditEntry(clock.GetUtcNow(), AuditAction.RoleGranted, null, Name, user.Id, user.Email!, StaffRoles.Admin, null));
            }

            var issued = await links.IssueAsync(user);
            await db.SaveChangesAsync();
            await transaction.CommitAsync();
            return issued;
        });

    private static async Task<bool> IsMigratedAsync(LitigesDbContext db)
    {
        try
        {
            return await db.Database.CanConnectAsync()
                && !(await db.Database.GetPendingMigrationsAsync()).Any()
                && await db.Roles.AnyAsync(r => r.Name == StaffRoles.Admin);
        }
        catch (Exception failure) when (failure is System.Data.Common.DbException or InvalidOperationException)
        {
            return false;
        }
    }

    private static bool TryParse(IReadOnlyList<string> args, out Options options, out string problem)
    {
        options = new Options(string.Empty, null, null);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var (key, value) = args[i].Split('=', 2) is [var k, var v] ? (k, (string?)v) : (args[i], null);
            if (key is not ("--email" or "--name" or "--language"))
            {
                problem = $"Unknown argument '{args[i]}'. No password is accepted here: the link lets the administrator choose one.";
                return false;
            }

            value ??= i + 1 < args.Count ? args[++i] : null;
            if (string.IsNullOrWhiteSpace(value))
            {
                problem = $"{key} needs a value.";
                return false;
            }

            values[key] = value.Trim();
        }

        if (!values.TryGetValue("--email", out var email) || !EmailAddressRule.IsValid(email))
        {
            problem = "--email must be one plain address, such as you@company.example.";
            return false;
        }

        var language = values.GetValueOrDefault("--language");
        if (language is not (null or "fr" or "en"))
        {
            problem = "--language must be fr or en.";
            return false;
        }

        var name = values.GetValueOrDefault("--name");
        if (name is { Length: > 200 })
        {
            problem = "--name is longer than 200 characters.";
            return false;
        }

        options = new Options(email, name, language);
        problem = string.Empty;
        return true;
    }

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw new AccountRefusedException(string.Join("; ", result.Errors.Select(e => e.Description)));
        }
    }

    private sealed class AccountRefusedException(string message) : Exception(message);

    private sealed record Options(string Email, string? DisplayName, string? Language);
}
