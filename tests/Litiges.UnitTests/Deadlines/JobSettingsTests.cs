using Litiges.Invoices;
using Litiges.Kpis;
using Litiges.Notifications;
using Litiges.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Litiges.UnitTests.Deadlines;

/// <summary>The jobs read their settings from their business's section; the former <c>Jobs:</c> keys still count, the new ones win.</summary>
public class JobSettingsTests
{
    [Fact]
    public void Each_job_reads_its_business_section_over_the_former_jobs_section()
    {
        using var services = Build(new Dictionary<string, string?>
        {
            ["Jobs:DeadlineWatcher:BatchSize"] = "25",
            ["Jobs:DeadlineWatcher:Interval"] = "00:01:30",
            ["Deadlines:Watcher:BatchSize"] = "40",
            ["Kpis:Report:SendAtHour"] = "9",
            ["Invoices:DayTotals:Interval"] = "00:02:00",
            ["Jobs:BlobCleanup:Interval"] = "00:03:00",
        });

        var watcher = services.GetRequiredService<IOptions<Litiges.Deadlines.DeadlineWatcherOptions>>().Value;
        Assert.Equal((40, TimeSpan.FromSeconds(90)), (watcher.BatchSize, watcher.Interval));
        Assert.Equal(9, services.GetRequiredService<IOptions<KpiReportOptions>>().Value.SendAtHour);
        Assert.Equal(TimeSpan.FromMinutes(2), services.GetRequiredService<IOptions<InvoiceDayFolderOptions>>().Value.Interval);
        Assert.Equal(TimeSpan.FromMinutes(3), services.GetRequiredService<IOptions<BlobCleanupOptions>>().Value.Interval);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(new MailSettings("litiges@example.com", "Litiges", "http://portal", "http://backoffice"));
        services.AddSingleton<PublicLinks>();
        services.AddSingleton(typeof(Microsoft.Extensions.Logging.ILogger<>), typeof(NullLogger<>));
        Litiges.Deadlines.DeadlineWatcherSetup.AddDeadlineWatcher(services, configuration);
        KpiReportSetup.AddKpiReport(services, configuration);
        InvoiceDayFolderSetup.AddInvoiceDayFolder(services, configuration);
        BlobCleanupSetup.AddBlobCleanup(services, configuration);
        return services.BuildServiceProvider();
    }
}
