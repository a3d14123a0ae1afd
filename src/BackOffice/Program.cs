using Litiges.Accounts;
using Litiges.Audit;
using Litiges.BackOffice;
using Litiges.BackOffice.Api;
using Litiges.Data;
using Litiges.EInvoicing;
using Litiges.Hosting;
using Litiges.Inbound;
using Litiges.Notifications;
using Litiges.Settlements;
using Litiges.Deadlines;
using Litiges.Invoices;
using Litiges.Jobs;
using Litiges.Kpis;
using Litiges.Storage;

namespace Litiges.BackOffice;

/// <summary>
/// The back office for staff, and the one place that migrates the database:
/// <c>Litiges.BackOffice migrate [--demo-data]</c> applies migrations (and loads the demo) then exits;
/// <c>Litiges.BackOffice healthcheck</c> asks the running app for /health (container health checks);
/// <c>Litiges.BackOffice create-admin --email …</c> creates the first administrator (see <see cref="CreateAdminCommand"/>).
/// </summary>
public sealed class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args is [HealthProbe.Command, ..])
        {
            return await HealthProbe.RunAsync();
        }

        // The command's own arguments are not configuration: the host sees none of them.
        var createAdmin = args.FirstOrDefault() == CreateAdminCommand.Name;
        var builder = WebApplication.CreateBuilder(createAdmin ? [] : args.Where(a => a is not "migrate" and not "--demo-data").ToArray());
        builder.AddLitigesWeb(UserKind.Staff);
        builder.Services.AddBackOfficePolicies();

        // Deadlines are watched from the back office only (Deadlines:Watcher), whatever the number of instances.
        builder.Services.AddDeadlineWatcher(builder.Configuration);
        builder.Services.AddNotificationDigest(builder.Configuration);
        builder.Services.AddPreDueReminders(builder.Configuration);
        builder.Services.AddScheduleFollowUp(builder.Configuration);
        builder.Services.AddKpiReport(builder.Configuration);
        builder.Services.AddHistorySealJob(builder.Configuration);
        builder.Services.AddInvoiceDayFolder(builder.Configuration);
        builder.Services.AddBlobCleanup(builder.Configuration);
        builder.Services.AddLitigesInbound(builder.Configuration, pollMailbox: true);
        builder.Services.AddEInvoicing(builder.Configuration);
        builder.Services.AddIntegrationApi(builder.Configuration);
        var app = builder.Build();

        if (args.Contains("migrate"))
        {
            await DatabaseMigrator.MigrateAsync(app.Services, demoData: args.Contains("--demo-data"));
            Console.WriteLine("Database is up to date.");
            return 0;
        }

        if (createAdmin)
        {
            return await CreateAdminCommand.RunAsync(app.Services, args[1..], Console.Out, Console.Error);
        }

        app.UseLitigesWeb();
        app.MapIntegrationApi();
        app.MapSendGridInbound();
        app.MapTwilioInbound();
        await app.RunAsync();
        return 0;
    }
}
