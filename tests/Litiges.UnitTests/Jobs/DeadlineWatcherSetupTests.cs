using Litiges.Deadlines;
using Litiges.Notifications;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Litiges.UnitTests.Jobs;

/// <summary>The watcher reads its settings from Jobs:DeadlineWatcher and is one instance, hosted and reachable.</summary>
public class DeadlineWatcherSetupTests
{
    [Fact]
    public void Settings_come_from_the_jobs_section()
    {
        using var services = Build(new Dictionary<string, string?>
        {
            ["Jobs:DeadlineWatcher:Enabled"] = "false",
            ["Jobs:DeadlineWatcher:Interval"] = "00:01:30",
            ["Jobs:DeadlineWatcher:BatchSize"] = "25",
        });

        var options = services.GetRequiredService<IOptions<DeadlineWatcherOptions>>().Value;

        Assert.Equal((false, TimeSpan.FromSeconds(90), 25), (options.Enabled, options.Interval, options.BatchSize));
    }

    [Fact]
    public void Defaults_run_every_five_minutes()
    {
        using var services = Build([]);

        var options = services.GetRequiredService<IOptions<DeadlineWatcherOptions>>().Value;

        Assert.Equal((true, TimeSpan.FromMinutes(5)), (options.Enabled, options.Interval));
    }

    [Fact]
    public void The_hosted_service_is_the_watcher_tests_can_run()
    {
        using var services = Build([]);

        Assert.Same(services.GetRequiredService<DeadlineWatcher>(), services.GetServices<IHostedService>().OfType<DeadlineWatcher>().Single());
    }

    [Fact]
    public async Task Disabled_watcher_does_nothing_when_started()
    {
        using var services = Build(new Dictionary<string, string?> { ["Jobs:DeadlineWatcher:Enabled"] = "false" });
        var watcher = services.GetRequiredService<DeadlineWatcher>();

        // No database is registered here: a pass would fail and the job would wait for the next one;
        // turned off, it returns at once without a single pass.
        await watcher.StartAsync(CancellationToken.None);
        await watcher.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(30));
        await watcher.StopAsync(CancellationToken.None);

        Assert.True(watcher.ExecuteTask.IsCompletedSuccessfully);
        Assert.Equal(0, watcher.Passes);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(new MailSettings("litiges@example.com", "Litiges", "http://portal", "http://backoffice"));
        services.AddSingleton<PublicLinks>();
        services.AddSingleton(typeof(Microsoft.Extensions.Logging.ILogger<>), typeof(NullLogger<>));
        services.AddDeadlineWatcher(configuration);
        return services.BuildServiceProvider();
    }
}
