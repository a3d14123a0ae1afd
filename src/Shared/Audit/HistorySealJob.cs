using System.Globalization;
using Litiges.Data;
using Litiges.Jobs;
using Litiges.Notifications;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Litiges.Audit;

public sealed class HistorySealOptions
{
    public bool Enabled { get; set; } = true;

    /// <summary>One seal per period (periods start at midnight UTC, then every Period).</summary>
    public TimeSpan Period { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How often the job looks whether the current period is sealed.</summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromMinutes(15);
}

/// <summary>
/// Seals the chain heads of every dispute once per period into the seal store (outside the
/// database, never overwritten) and e-mails the seal's SHA-256 to the credit managers, so that a
/// seal rewritten later would not match the digest in their mailboxes. Before sealing, entries
/// written before history keys existed are authenticated once (<see cref="HistoryAuthenticator.AuthenticateLegacyAsync"/>).
/// Whatever the number of instances, a period's seal is written once: the first write wins.
/// </summary>
public sealed class HistorySealJob(
    IServiceScopeFactory scopes,
    TimeProvider clock,
    HistoryKeys keys,
    HistorySeals seals,
    MailSettings mail,
    IOptions<HistorySealOptions> options,
    ILogger<HistorySealJob> logger) : PeriodicJob(clock, logger)
{
    /// <summary>Seals the period of <paramref name="now"/> unless it is sealed already; returns the seal written, or null.</summary>
    public async Task<StoredSeal?> RunOnceAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<LitigesDbContext>();
        var upgraded = await HistoryAuthenticator.AuthenticateLegacyAsync(db, keys, cancellationToken);
        if (upgraded > 0 && logger.IsEnabled(LogLevel.Information))
        {
            logger.LogInformation("{Count} history entries from before history keys authenticated with key {KeyId}.", upgraded, keys.CurrentKeyId);
        }

        var period = options.Value.Period;
        var start = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % period.Ticks), TimeSpan.Zero);
        var name = HistorySeals.NameFor(start);
        if (await seals.ExistsAsync(name, cancellationToken))
        {
            return null;
        }

        var heads = await db.Disputes.AsNoTracking()
            .Where(d => d.HistoryCount > 0)
            .OrderBy(d => d.Id)
            .Select(d => new SealedChain(d.Id, d.Reference, d.HistoryCount, d.LastHistoryHash))
            .ToListAsync(cancellationToken);
        var previous = await seals.LatestAsync(cancellationToken);
        var seal = new HistorySeal(HistorySeal.CurrentFormat, name, now.ToUniversalTime(), previous?.Seal.Name, previous?.Sha256, heads);
        var written = await seals.TryWriteAsync(seal, cancellationToken);
        if (written is null)
        {
            return null;
        }

        foreach (var manager in await Notices.StaffAsync(db, StaffAudience.CreditManagers, cancellationToken))
        {
            var culture = Localization.Cultures.For(manager.Language);
            Notices.Queue(
                db,
                "HistorySealed",
                manager,
                now,
                mail.PublicBackOfficeUrl,
                seal.SealedAt.ToString("u", culture),
                heads.Count.ToString("N0", culture),
                name,
                written.Sha256,
                previous?.Sha256 ?? "—");
        }

        await db.SaveChangesAsync(cancellationToken);
        return written;
    }

    protected override bool Enabled => options.Value.Enabled;

    protected override TimeSpan Interval => options.Value.CheckInterval;

    protected override string Name => "History seal";

    protected override async Task TickAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var written = await RunOnceAsync(now, cancellationToken);
        if (written is not null && logger.IsEnabled(LogLevel.Information))
        {
            logger.LogInformation("History sealed: {Name} ({Count} disputes, SHA-256 {Digest}).", written.Seal.Name, written.Seal.Disputes.Count.ToString(CultureInfo.InvariantCulture), written.Sha256);
        }
    }
}

public static class HistorySealJobSetup
{
    /// <summary>Registers the seal job (section <c>History:Seal</c>: Enabled, Period, CheckInterval) as a hosted service, and as itself so that tests can run one pass.</summary>
    public static IServiceCollection AddHistorySealJob(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<HistorySealOptions>(configuration.GetSection("History:Seal"));
        services.AddSingleton<HistorySealJob>();
        services.AddHostedService(provider => provider.GetRequiredService<HistorySealJob>());
        return services;
    }
}
