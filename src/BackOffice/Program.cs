using Litiges.Accounts;
using Litiges.BackOffice;
using Litiges.BackOffice.Api;
using Litiges.Data;
using Litiges.Hosting;
using Litiges.Notifications;
using Litiges.Settlements;
using Litiges.Jobs;

namespace Litiges.BackOffice;

/// <summary>
/// The back office for staff, and the one place that migrates the database:
/// <c>Litiges.BackOffice migrate [--demo-data]</c> applies migrations (and loads the demo) then exits.
/// </summary>
public sealed class Program
{
    public static async Task<int> Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args.Where(a => a is not "migrate" and not "--demo-data").ToArray());
        builder.AddLitigesWeb(UserKind.Staff);
        builder.Services.AddBackOfficePolicies();

        // Deadlines are watched from the back office only (Jobs:DeadlineWatcher), whatever the number of instances.
        builder.Services.AddDeadlineWatcher(builder.Configuration);
        builder.Services.AddPreDueReminders(builder.Configuration);
        builder.Services.AddScheduleFollowUp(builder.Configuration);
        builder.Services.AddKpiReport(builder.Configuration);
        builder.Services.AddInvoiceDayFolder(builder.Configuration);
        builder.Services.AddBlobCleanup(builder.Configuration);
        builder.Services.AddIntegrationApi(builder.Configuration);
        var app = builder.Build();

        if (args.Contains("migrate"))
        {
            await DatabaseMigrator.MigrateAsync(app.Services, demoData: args.Contains("--demo-data"));
            Console.WriteLine("Database is up to date.");
            return 0;
        }

        app.UseLitigesWeb();
        app.MapIntegrationApi();
        await app.RunAsync();
        return 0;
    }
}
