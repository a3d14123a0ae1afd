using Litiges.Accounts;
using Litiges.Demo;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Litiges.Data;

/// <summary>
/// The one explicit step that brings a database up to date: migrations, reference data, the
/// figures kept for the dashboard, staff roles and, on request, the demo data. Run by the
/// BackOffice's <c>migrate</c> command, never at application start, so two apps never race to
/// migrate.
/// </summary>
public static class DatabaseMigrator
{
    public static async Task MigrateAsync(IServiceProvider services, bool demoData, CancellationToken cancellationToken = default)
    {
        using var scope = services.CreateScope();
        await MigrateDatabaseAsync(scope.ServiceProvider.GetRequiredService<LitigesDbContext>(), cancellationToken);

        var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
        foreach (var role in StaffRoles.All)
        {
            if (!await roles.RoleExistsAsync(role))
            {
                await roles.CreateAsync(new IdentityRole(role));
            }
        }

        EnsureDataProtectionKey(scope.ServiceProvider.GetRequiredService<IKeyManager>(), DateTimeOffset.UtcNow);

        if (demoData)
        {
            await ActivatorUtilities.CreateInstance<DemoData>(scope.ServiceProvider).LoadAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Creates the first Data Protection key (cookies, antiforgery, reset links) when the table holds
    /// none that is valid now, so that instances started together on a new database all read this one
    /// instead of each creating its own at first start.
    /// </summary>
    private static void EnsureDataProtectionKey(IKeyManager keys, DateTimeOffset now)
    {
        if (keys.GetAllKeys().Any(k => !k.IsRevoked && k.ActivationDate <= now && k.ExpirationDate > now.AddDays(7)))
        {
            return;
        }

        // The key lifetime Data Protection itself gives a new key.
        keys.CreateNewKey(now, now.AddDays(90));
    }

    /// <summary>
    /// The database's own part of the step (schema, reference data, the figures kept for the
    /// dashboard), for tools such as the benchmarks that run without the apps' identity services.
    /// </summary>
    public static async Task MigrateDatabaseAsync(LitigesDbContext db, CancellationToken cancellationToken = default)
    {
        await db.Database.MigrateAsync(cancellationToken);
        if (db.Database.IsSqlite())
        {
            // Both apps share the file: WAL lets readers go on while one writes.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }

        await ReferenceData.EnsureSeededAsync(db, cancellationToken);
        await Kpis.KeptFigures.RepairAsync(db, cancellationToken);
    }
}
