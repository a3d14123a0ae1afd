using Litiges.Data;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Litiges.Testing;

/// <summary>Boots one of the two apps, in-memory, on the fixture's database and data folder.</summary>
public sealed class AppFactory<TProgram>(TestDatabase database, string dataFolder, IDictionary<string, string?>? settings = null)
    : WebApplicationFactory<TProgram>
    where TProgram : class
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");

        // UseSetting, not ConfigureAppConfiguration: the apps read these while registering services.
        var values = new Dictionary<string, string?>
        {
            ["Database:Provider"] = database.Provider.ToString(),
            ["ConnectionStrings:Litiges"] = database.ConnectionString,
            ["DataFolder"] = dataFolder,
            ["Email:Outbox:Enabled"] = "false",
            ["Security:RequireStaffTwoFactor"] = "false",
            ["Jobs:DeadlineWatcher:Enabled"] = "false",
            ["Notifications:PreDueReminders:Enabled"] = "false",
            ["Settlements:ScheduleFollowUp:Enabled"] = "false",
            ["Jobs:KpiReport:Enabled"] = "false",
            ["Jobs:InvoiceDays:Enabled"] = "false",
            ["History:Seal:Enabled"] = "false",
            ["EInvoicing:Enabled"] = "false",

            // Tests sign in far more often than a person: rate limits are tested on their own.
            ["Security:RateLimits:SignInPerMinute"] = "100000",
            ["Security:RateLimits:PasswordResetPerMinute"] = "100000",
            ["Security:RateLimits:FilingPerMinute"] = "100000",
            ["Security:RateLimits:UploadPerMinute"] = "100000",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        foreach (var (key, value) in values)
        {
            builder.UseSetting(key, value);
        }

        // The same hasher and hash format as in production, with fewer rounds: the suite hashes a
        // password for every seeded user and checks one at every sign-in (thousands), and at the
        // 100,000 rounds of production each takes 0.1–0.3 s of a core. A hash stores its own count,
        // so a production hash still verifies. Production's count is not set anywhere: Identity's default.
        builder.ConfigureTestServices(services => services.PostConfigure<PasswordHasherOptions>(o => o.IterationCount = TestHashRounds));
    }

    /// <summary>PBKDF2 rounds of the test hosts' password hashes.</summary>
    public const int TestHashRounds = 1_000;
}
