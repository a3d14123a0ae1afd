using Litiges.Jobs;
using Litiges.Data;
using Litiges.Invoices;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Litiges.Invoices;

public sealed class InvoiceDayFolderOptions
{
    public bool Enabled { get; set; } = true;

    /// <summary>How often the day totals' shares are folded; the dashboard sums what accrued meanwhile.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(10);
}

/// <summary>
/// Folds the shares of <see cref="InvoiceDayTotal"/> that invoice changes write into one row per
/// day, so that the dashboard's ledger figures stay a sum of a few hundred rows. Safe with several
/// instances: a fold that meets another one changes nothing (see <see cref="InvoiceDays.FoldAsync"/>).
/// </summary>
public sealed class InvoiceDayFolder(
    IServiceScopeFactory scopes,
    TimeProvider clock,
    IOptions<InvoiceDayFolderOptions> options,
    ILogger<InvoiceDayFolder> logger) : PeriodicJob(clock, logger)
{
    protected override bool Enabled => options.Value.Enabled;

    protected override TimeSpan Interval => options.Value.Interval;

    protected override string Name => "Invoice day totals";

    /// <summary>One fold.</summary>
    public async Task<InvoiceDayFold> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await InvoiceDays.FoldAsync(scope.ServiceProvider.GetRequiredService<LitigesDbContext>(), cancellationToken);
    }

    protected override async Task TickAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var fold = await RunOnceAsync(cancellationToken);
        if (fold.Refused)
        {
            logger.LogInformation("Invoice day totals: the fold met another one or a conflict and changed nothing; trying again at the next pass.");
        }
        else if (fold.Shares > 0 && logger.IsEnabled(LogLevel.Information))
        {
            logger.LogInformation("Invoice day totals: {Count} shares folded.", fold.Shares);
        }
    }
}

public static class InvoiceDayFolderSetup
{
    /// <summary>Registers the fold (section <c>Invoices:DayTotals</c>, formerly <c>Jobs:InvoiceDays</c>, still read: Enabled, Interval) as a hosted service, and as itself for tests.</summary>
    public static IServiceCollection AddInvoiceDayFolder(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<InvoiceDayFolderOptions>(configuration.GetSection("Jobs:InvoiceDays"));
        services.Configure<InvoiceDayFolderOptions>(configuration.GetSection("Invoices:DayTotals"));
        services.AddSingleton<InvoiceDayFolder>();
        services.AddHostedService(provider => provider.GetRequiredService<InvoiceDayFolder>());
        return services;
    }
}
