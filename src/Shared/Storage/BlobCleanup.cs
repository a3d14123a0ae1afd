using System.Globalization;
using System.Text.RegularExpressions;
using Litiges.Data;
using Litiges.Inbound;
using Litiges.Jobs;
using Litiges.Numbering;
using Litiges.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Litiges.Storage;

public sealed class BlobCleanupOptions
{
    public bool Enabled { get; set; } = true;

    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// How old a blob no row holds must be before it goes. Longer than a staged file's ticket
    /// (one day), so that no form can still claim a staged file the clean-up removes, and long
    /// enough for any upload to be attached (a blob is written a moment before its row is saved).
    /// </summary>
    public TimeSpan GracePeriod { get; set; } = TimeSpan.FromDays(2);
}

/// <summary>What one pass removed, and how many handled e-mails past their retention it erased.</summary>
public sealed record BlobCleanupPass(int StagedRemoved, int OrphansRemoved, int MailsErased = 0);

/// <summary>
/// Removes blobs no one will read: files staged for a dispute that was never filed, once the
/// grace period has passed, and any blob under the prefixes the app writes that no row holds
/// (evidence, credit-note documents, invoice PDFs, KPI report PDFs, staged files) and that is older than the
/// grace period — the leftovers of refused saves, crashed requests and failed deletes (raw
/// received e-mails included). It also erases the words of received e-mails handled longer ago
/// than <c>Inbound:Retention</c> (<see cref="InboundMail.Erase"/>).
/// Safe with several instances: a staged file is taken by deleting its record first (only the
/// pass that deleted it goes on; a filing claiming it at that moment fails its save instead), the
/// references of a blob are read again right before it is deleted, and deleting a missing blob is
/// not an error.
/// </summary>
public sealed partial class BlobCleanup(
    IServiceScopeFactory scopes,
    TimeProvider clock,
    IOptions<BlobCleanupOptions> options,
    IOptions<InboundOptions> inbound,
    ILogger<BlobCleanup> logger) : PeriodicJob(clock, logger)
{
    private const int BatchSize = 200;

    // What the app writes; anything else in the container is not ours to judge.
    private static readonly string[] SweptPrefixes = ["evidence/", "credit-notes/", "invoices/", "reports/kpi/", "inbound/"];

    protected override bool Enabled => options.Value.Enabled;

    protected override TimeSpan Interval => options.Value.Interval;

    protected override string Name => "Blob clean-up";

    /// <summary>One pass at <paramref name="now"/>.</summary>
    public async Task<BlobCleanupPass> RunOnceAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var cutoff = now - options.Value.GracePeriod;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LitigesDbContext>();
        var store = scope.ServiceProvider.GetRequiredService<IBlobStore>();
        var staged = await RemoveUnclaimedStagedAsync(db, store, cutoff, cancellationToken);
        var orphans = await RemoveOrphansAsync(db, store, cutoff, cancellationToken);
        var erased = await EraseHandledMailsAsync(db, store, now, cancellationToken);
        return new BlobCleanupPass(staged, orphans, erased);
    }

    protected override async Task TickAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var pass = await RunOnceAsync(now, cancellationToken);
        if (pass.StagedRemoved + pass.OrphansRemoved + pass.MailsErased > 0 && logger.IsEnabled(LogLevel.Information))
        {
            logger.LogInformation("Blob clean-up: {Staged} unclaimed staged files and {Orphans} unreferenced blobs removed, {Mails} handled e-mails past their retention erased.", pass.StagedRemoved, pass.OrphansRemoved, pass.MailsErased);
        }
    }

    // Received e-mails landed or discarded longer ago than the retention: their words go (the
    // text that landed lives on as the dispute's message); parked ones wait for an agent.
    private async Task<int> EraseHandledMailsAsync(LitigesDbContext db, IBlobStore store, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var before = now - inbound.Value.Retention;
        var erased = 0;
        while (true)
        {
            var batch = await db.InboundMails
                .Where(m => m.Status != InboundMailStatus.Parked && m.ErasedAt == null && m.ReceivedAt < before)
                .OrderBy(m => m.Id)
                .Take(BatchSize)
                .ToListAsync(cancellationToken);
            var raw = batch.Select(m => m.Erase(string.Empty, now)).OfType<string>().ToList();
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                erased += batch.Count;
            }
            catch (DbUpdateConcurrencyException)
            {
                // Another instance erased them first.
            }

            db.ChangeTracker.Clear();
            foreach (var name in raw)
            {
                await store.DeleteAsync(name, cancellationToken);
            }

            if (batch.Count < BatchSize)
            {
                return erased;
            }
        }
    }

    private async Task<int> RemoveUnclaimedStagedAsync(LitigesDbContext db, IBlobStore store, DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var removed = 0;
        while (true)
        {
            var batch = await db.StagedBlobs.AsNoTracking()
                .Where(s => s.StagedAt < cutoff)
                .OrderBy(s => s.StagedAt)
                .Select(s => s.BlobName)
                .Take(BatchSize)
                .ToListAsync(cancellationToken);
            foreach (var name in batch)
            {
                // Taking the record is the lock: another pass, or a filing, that meets it gone does nothing with the blob.
                if (await db.StagedBlobs.Where(s => s.BlobName == name && s.StagedAt < cutoff).ExecuteDeleteAsync(cancellationToken) == 0)
                {
                    continue;
                }

                if (await IsReferencedAsync(db, name, cancellationToken))
                {
                    continue;
                }

                await store.DeleteAsync(name, cancellationToken);
                removed++;
                if (logger.IsEnabled(LogLevel.Information))
                {
                    logger.LogInformation("Blob clean-up: removed {BlobName}, staged and never claimed.", name);
                }
            }

            if (batch.Count < BatchSize)
            {
                return removed;
            }
        }
    }

    private async Task<int> RemoveOrphansAsync(LitigesDbContext db, IBlobStore store, DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var removed = 0;
        foreach (var prefix in SweptPrefixes)
        {
            var batch = new List<string>(BatchSize);
            await foreach (var blob in store.ListWithDatesAsync(prefix, cancellationToken))
            {
                if (blob.LastModified < cutoff)
                {
                    batch.Add(blob.Name);
                }

                if (batch.Count == BatchSize)
                {
                    removed += await RemoveUnreferencedAsync(db, store, batch, cancellationToken);
                    batch.Clear();
                }
            }

            removed += await RemoveUnreferencedAsync(db, store, batch, cancellationToken);
        }

        return removed;
    }

    private async Task<int> RemoveUnreferencedAsync(LitigesDbContext db, IBlobStore store, List<string> names, CancellationToken cancellationToken)
    {
        if (names.Count == 0)
        {
            return 0;
        }

        var referenced = await ReferencedAsync(db, names, cancellationToken);
        var removed = 0;
        foreach (var name in names.Where(n => !referenced.Contains(n)))
        {
            // Read again right before deleting: a row may have come meanwhile.
            if (await IsReferencedAsync(db, name, cancellationToken))
            {
                continue;
            }

            await store.DeleteAsync(name, cancellationToken);
            removed++;
            if (logger.IsEnabled(LogLevel.Information))
            {
                logger.LogInformation("Blob clean-up: removed {BlobName}, held by no row.", name);
            }
        }

        return removed;
    }

    private static async Task<bool> IsReferencedAsync(LitigesDbContext db, string name, CancellationToken cancellationToken) =>
        (await ReferencedAsync(db, [name], cancellationToken)).Count > 0;

    /// <summary>Which of <paramref name="names"/> a row holds: every entity that keeps a blob name is asked here.</summary>
    private static async Task<HashSet<string>> ReferencedAsync(LitigesDbContext db, List<string> names, CancellationToken cancellationToken)
    {
        var held = new HashSet<string>(StringComparer.Ordinal);
        held.UnionWith(await db.Evidence.AsNoTracking().Where(e => names.Contains(e.BlobName)).Select(e => e.BlobName).ToListAsync(cancellationToken));
        held.UnionWith(await db.StagedBlobs.AsNoTracking().Where(s => names.Contains(s.BlobName)).Select(s => s.BlobName).ToListAsync(cancellationToken));
        held.UnionWith(await db.CreditNotes.AsNoTracking().Where(c => names.Contains(c.PdfBlobName!)).Select(c => c.PdfBlobName!).ToListAsync(cancellationToken));
        held.UnionWith(await db.CreditNotes.AsNoTracking().Where(c => names.Contains(c.XmlBlobName!)).Select(c => c.XmlBlobName!).ToListAsync(cancellationToken));
        held.UnionWith(await db.Invoices.AsNoTracking().Where(i => names.Contains(i.PdfBlobName!)).Select(i => i.PdfBlobName!).ToListAsync(cancellationToken));
        held.UnionWith(await db.InboundMails.AsNoTracking().Where(m => names.Contains(m.RawBlobName!)).Select(m => m.RawBlobName!).ToListAsync(cancellationToken));

        // A KPI report's PDF is named after its period, which is held once the period's number is recorded (see KpiReportMailer).
        foreach (var name in names)
        {
            if (KpiReportName().Match(name) is not { Success: true } match)
            {
                // Not a name this job knows how to judge under reports/kpi: kept.
                if (name.StartsWith("reports/", StringComparison.Ordinal))
                {
                    held.Add(name);
                }

                continue;
            }

            var sequenceKey = (match.Groups["kind"].Value == "w" ? "KPIW-" : "KPIM-") + match.Groups["year"].Value;
            var number = int.Parse(match.Groups["number"].Value, CultureInfo.InvariantCulture);
            if (await db.DocumentSequences.AsNoTracking().AnyAsync(s => s.Key == sequenceKey && s.LastValue >= number, cancellationToken))
            {
                held.Add(name);
            }
        }

        return held;
    }

    [GeneratedRegex("^reports/kpi/(?<year>[0-9]{4})-(?<kind>[wm])(?<number>[0-9]{2})-[a-z]+$", RegexOptions.CultureInvariant)]
    private static partial Regex KpiReportName();
}

public static class BlobCleanupSetup
{
    /// <summary>Registers the clean-up (section <c>Storage:Cleanup</c>, formerly <c>Jobs:BlobCleanup</c>, still read: Enabled, Interval, GracePeriod) as a hosted service, and as itself for tests.</summary>
    public static IServiceCollection AddBlobCleanup(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<BlobCleanupOptions>()
            .Bind(configuration.GetSection("Jobs:BlobCleanup"))
            .Bind(configuration.GetSection("Storage:Cleanup"))
            .Validate(o => o.GracePeriod > TimeSpan.FromDays(1), "Storage:Cleanup:GracePeriod must be longer than a staged file's ticket (1 day).")
            .ValidateOnStart();
        services.AddSingleton<BlobCleanup>();
        services.AddHostedService(provider => provider.GetRequiredService<BlobCleanup>());
        return services;
    }
}
