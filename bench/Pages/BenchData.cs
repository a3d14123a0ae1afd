using System.Diagnostics;
using System.Globalization;
using Litiges.Accounts;
using Litiges.Data;
using Litiges.Demo;
using Litiges.Disputes;
using Litiges.Hosting;
using Litiges.Invoices;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Litiges.Bench.Pages;

/// <summary>Who the bench signs in as, and the dispute both dispute pages show.</summary>
internal sealed record BenchLogins(string CustomerEmail, string StaffEmail, string StaffAuthenticatorKey, string Password);

/// <summary>
/// The database the apps run on: the demo (the back office's <c>migrate --demo-data</c>) and, at
/// <c>--size large</c>, 1,000 more companies of 1,000 invoices from the demo's DataGenerator (one
/// invoice in ten disputed: 100,000 disputes, 1,000,000 invoices). Kept in the cache folder (a
/// SQLite file, a PostgreSQL database of the same name) and reused while its ".ready" mark is there.
/// </summary>
internal static class BenchData
{
    public const string StaffEmail = "agent@litiges.demo";
    private const string LargeCustomerEmail = "large-customer@pages.bench.test";
    private const int LargeCustomers = 1000;
    private const int LargeInvoicesPerCustomer = 1000;

    public static async Task<(BenchSettings Settings, BenchLogins Logins)> PrepareAsync(Options options, DatabaseProvider provider)
    {
        var name = $"litiges_pages_{options.Size}";
        var ready = Path.Combine(options.Cache, $"{name}.{provider}.ready");
        var reuse = File.Exists(ready) && !options.Fresh;
        var connectionString = await BenchDatabase.PrepareAsync(provider, options.Cache, name, options.Postgres, keep: reuse);
        var dataFolder = Path.Combine(options.Cache, $"data-{options.Size}-{provider}");
        Directory.CreateDirectory(dataFolder);
        var settings = BenchSettings.For(options.Cache, dataFolder, provider, connectionString);

        await using var host = Host(settings);
        var watch = Stopwatch.StartNew();

        // Up to date with the code under test (new migrations), demo data loaded once.
        await DatabaseMigrator.MigrateAsync(host.Services, demoData: true);
        if (!reuse && options.Size == "large")
        {
            await GenerateLargeAsync(host.Services);
        }

        using var scope = host.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<LitigesDbContext>();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var customerEmail = options.Size == "large" ? await LargeCustomerAsync(db, users) : "admin1@customer.demo";
        var key = await StaffAuthenticatorAsync(users);
        if (!reuse)
        {
            await db.Database.ExecuteSqlRawAsync(provider == DatabaseProvider.PostgreSql ? "VACUUM ANALYZE;" : "ANALYZE;");
            await File.WriteAllTextAsync(ready, DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
        }

        var invoices = await db.Invoices.CountAsync();
        var disputes = await db.Disputes.CountAsync();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"   {provider} {options.Size}: {invoices:N0} invoices, {disputes:N0} disputes ({(reuse ? "reused" : "prepared")} in {watch.Elapsed.TotalSeconds:0.0} s)"));
        return (settings, new BenchLogins(customerEmail, StaffEmail, key, DemoData.Password));
    }

    /// <summary>The in-process host that prepares the database: the back office's services with the bench's Production settings.</summary>
    private static WebApplication Host(BenchSettings settings)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production", Args = [] });
        builder.Configuration.AddInMemoryCollection(settings.AsConfiguration());
        builder.Logging.ClearProviders();
        builder.AddLitigesWeb(UserKind.Staff);
        return builder.Build();
    }

    /// <summary>1,000 companies of 1,000 invoices after the demo's three, 25 at a time, each dispute owned by a demo agent or credit manager.</summary>
    private static async Task GenerateLargeAsync(IServiceProvider services)
    {
        List<Actor> owners;
        int first;
        using (var scope = services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<LitigesDbContext>();
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            owners = [];
            foreach (var (email, name, role, _) in DemoData.Staff.Where(s => s.Role is StaffRoles.Agent or StaffRoles.CreditManager))
            {
                var user = await users.FindByEmailAsync(email) ?? throw new InvalidOperationException($"{email} is not in the demo.");
                owners.Add(new Actor(user.Id, name, role == StaffRoles.Agent ? ActorRole.Agent : ActorRole.CreditManager));
            }

            first = await db.CustomerAccounts.CountAsync() + 1;
        }

        var watch = Stopwatch.StartNew();
        const int Chunk = 25;
        var last = LargeCustomers + 3;
        for (var number = first; number <= last; number += Chunk)
        {
            using var scope = services.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<LitigesDbContext>();
            var count = Math.Min(Chunk, last - number + 1);
            await new DataGenerator(db, TimeProvider.System).GenerateAsync(
                new GeneratorOptions(count, LargeInvoicesPerCustomer, DisputedShare: 0.1, Seed: number) { FirstCustomerNumber = number, BatchSize = 5000 }, owners);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"   {number + count - 1 - 3,5} of {LargeCustomers} companies generated — {watch.Elapsed.TotalMinutes:0.0} min"));
        }

        using (var scope = services.CreateScope())
        {
            // As the back office's fold job leaves them: one day-total row per issue day.
            await InvoiceDays.FoldAsync(scope.ServiceProvider.GetRequiredService<LitigesDbContext>());
        }
    }

    /// <summary>A user of the first generated company with 1,000 invoices (the demo has none that size).</summary>
    private static async Task<string> LargeCustomerAsync(LitigesDbContext db, UserManager<AppUser> users)
    {
        if (await users.FindByEmailAsync(LargeCustomerEmail) is null)
        {
            var company = await db.CustomerAccounts.AsNoTracking().Where(c => c.CustomerNumber == "C000004").SingleAsync();
            var user = AppUser.NewCustomer(LargeCustomerEmail, "Admin " + company.LegalName, company.Id, isAdmin: true);
            user.EmailConfirmed = true;
            Check(await users.CreateAsync(user, DemoData.Password));
        }

        return LargeCustomerEmail;
    }

    /// <summary>
    /// The staff member signs in with two factors, as Production requires: the demo agent gets an
    /// authenticator key (kept from one run to the next) whose codes the bench computes.
    /// </summary>
    private static async Task<string> StaffAuthenticatorAsync(UserManager<AppUser> users)
    {
        var staff = await users.FindByEmailAsync(StaffEmail) ?? throw new InvalidOperationException($"{StaffEmail} is not in the demo.");
        var key = await users.GetAuthenticatorKeyAsync(staff);
        if (string.IsNullOrEmpty(key) || !staff.TwoFactorEnabled)
        {
            Check(await users.ResetAuthenticatorKeyAsync(staff));
            Check(await users.SetTwoFactorEnabledAsync(staff, true));
            key = await users.GetAuthenticatorKeyAsync(staff);
        }

        return key ?? throw new InvalidOperationException("No authenticator key.");
    }

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(string.Join("; ", result.Errors.Select(e => e.Description)));
        }
    }
}
