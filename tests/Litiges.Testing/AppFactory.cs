using Litiges.Data;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

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
    }
}
