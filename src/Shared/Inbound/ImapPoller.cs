using Litiges.Data;
using Litiges.Jobs;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Litiges.Inbound;

/// <summary>What one pass over the mailbox did.</summary>
public sealed record ImapPassReport(int Attached, int Parked, int Duplicates, bool LeaseHeld);

/// <summary>
/// Reads the inbound mailbox (<c>Inbound:Imap:*</c>) every interval: each message goes through
/// <see cref="InboundMailbox"/> and is then moved to the processed folder (or, on a server that
/// cannot move, flagged seen and deleted). One instance reads at a time (a lease in the
/// database); a message read twice anyway (a crash between taking it and moving it) is taken
/// once, by its Message-ID.
/// </summary>
public sealed class ImapPoller(IServiceScopeFactory scopes, TimeProvider clock, IOptions<InboundOptions> options, ILogger<ImapPoller> logger) : PeriodicJob(clock, logger)
{
    private const string LeaseName = "inbound-imap";
    private readonly string _instance = $"{Environment.ProcessId}-{Guid.NewGuid():N}";

    protected override bool Enabled => !string.IsNullOrWhiteSpace(options.Value.Imap.Host) && !string.IsNullOrWhiteSpace(options.Value.Address);

    protected override TimeSpan Interval => options.Value.Imap.Interval;

    protected override string Name => "Inbound mailbox";

    protected override async Task TickAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var report = await RunOnceAsync(now, cancellationToken);
        if (report.Attached + report.Parked > 0 && logger.IsEnabled(LogLevel.Information))
        {
            logger.LogInformation("Inbound mailbox: {Report}", report);
        }
    }

    /// <summary>One pass: the service calls it every interval, tests call it directly.</summary>
    public async Task<ImapPassReport> RunOnceAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var imap = options.Value.Imap;
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<LitigesDbContext>();
        if (!await JobLease.TryTakeAsync(db, LeaseName, _instance, now, imap.Lease, cancellationToken))
        {
            return new ImapPassReport(0, 0, 0, LeaseHeld: true);
        }

        try
        {
            using var client = new ImapClient();
            await client.ConnectAsync(imap.Host ?? string.Empty, imap.Port, imap.Security, cancellationToken);
            if (!string.IsNullOrEmpty(imap.User))
            {
                await client.AuthenticateAsync(imap.User, imap.Password ?? string.Empty, cancellationToken);
            }

            var folder = await client.GetFolderAsync(imap.Folder, cancellationToken);
            await folder.OpenAsync(FolderAccess.ReadWrite, cancellationToken);
            var processed = await ProcessedFolderAsync(client, imap.ProcessedFolder, cancellationToken);
            var uids = (await folder.SearchAsync(SearchQuery.NotDeleted, cancellationToken)).Take(Math.Max(1, imap.BatchSize)).ToList();
            int attached = 0, parked = 0, duplicates = 0;
            foreach (var uid in uids)
            {
                var message = await folder.GetMessageAsync(uid, cancellationToken);

                // A scope per message: one message's refused save never leaves state for the next.
                using var messageScope = scopes.CreateScope();
                var result = await messageScope.ServiceProvider.GetRequiredService<InboundMailbox>().ReceiveAsync(message, cancellationToken);
                _ = result.Duplicate ? duplicates++ : result.Status == InboundMailStatus.Attached ? attached++ : parked++;
                await DoneAsync(folder, processed, uid, cancellationToken);
            }

            if (processed is null && uids.Count > 0)
            {
                await folder.ExpungeAsync(cancellationToken);
            }

            await client.DisconnectAsync(true, cancellationToken);
            return new ImapPassReport(attached, parked, duplicates, LeaseHeld: false);
        }
        finally
        {
            await JobLease.ReleaseAsync(db, LeaseName, _instance, now);
        }
    }

    private static async Task DoneAsync(IMailFolder folder, IMailFolder? processed, UniqueId uid, CancellationToken cancellationToken)
    {
        if (processed is not null)
        {
            await folder.MoveToAsync(uid, processed, cancellationToken);
        }
        else
        {
            await folder.AddFlagsAsync(uid, MessageFlags.Seen | MessageFlags.Deleted, true, cancellationToken);
        }
    }

    private async Task<IMailFolder?> ProcessedFolderAsync(ImapClient client, string name, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return null;
        }

        try
        {
            var root = client.GetFolder(client.PersonalNamespaces[0]);
            var folders = await root.GetSubfoldersAsync(false, cancellationToken);
            return folders.FirstOrDefault(f => f.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
                ?? await root.CreateAsync(name, true, cancellationToken);
        }
        catch (Exception error) when (error is ImapCommandException or FolderNotFoundException)
        {
            logger.LogWarning(error, "The processed folder {Folder} is not available: processed messages are deleted instead.", name);
            return null;
        }
    }
}

public static class InboundSetup
{
    /// <summary>
    /// E-mail in: the reply addresses (<c>Inbound:Address</c>, <c>Inbound:TokenKey</c>), the
    /// pipeline, and in the app that reads the mailbox (<paramref name="pollMailbox"/>) the IMAP job.
    /// </summary>
    public static IServiceCollection AddLitigesInbound(this IServiceCollection services, IConfiguration configuration, bool pollMailbox)
    {
        services.AddOptions<InboundOptions>().Bind(configuration.GetSection("Inbound"))
            .Validate(o => o.Retention > TimeSpan.Zero, "Inbound:Retention must be positive.")
            .ValidateOnStart();
        services.AddSingleton<ReplyAddress>();
        services.AddScoped<InboundMailbox>();
        if (pollMailbox)
        {
            services.AddSingleton<ImapPoller>();
            services.AddHostedService(provider => provider.GetRequiredService<ImapPoller>());
        }

        return services;
    }
}
