using System.Globalization;
using System.Text;
using Litiges.Data;
using Litiges.Deadlines;
using Litiges.Jobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Litiges.Notifications;

public sealed class NotificationDigestOptions
{
    public bool Enabled { get; set; } = true;

    /// <summary>How often the job looks whether today's digest is due.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>The hour (Paris time) from which the day's digest leaves.</summary>
    public int Hour { get; set; } = 7;
}

/// <summary>
/// Once a day, from <see cref="NotificationDigestOptions.Hour"/> (Paris time), sends each staff
/// member one e-mail with the notices they chose to read in a digest (held in the outbox on the
/// <see cref="NotificationChannel.Digest"/> channel), in their language. The digest is queued in
/// the same save that marks the held notices as sent: on several instances the second save fails
/// on the rows' concurrency tokens and nothing is sent twice.
/// </summary>
public sealed class NotificationDigest(
    IServiceScopeFactory scopes,
    TimeProvider clock,
    PublicLinks links,
    IOptions<NotificationDigestOptions> options,
    ILogger<NotificationDigest> logger) : PeriodicJob(clock, logger)
{
    protected override bool Enabled => options.Value.Enabled;

    protected override TimeSpan Interval => options.Value.Interval;

    protected override string Name => "Notification digest";

    /// <summary>Sends the digests due at <paramref name="now"/>; returns how many were queued.</summary>
    public async Task<int> RunOnceAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        // Notices held before today's digest hour go today; later ones wait for tomorrow's.
        var paris = FrenchBusinessCalendar.Instance.TimeZone;
        var local = TimeZoneInfo.ConvertTime(now, paris);
        var cutoffLocal = local.Date.AddHours(options.Value.Hour);
        if (local.DateTime < cutoffLocal)
        {
            return 0;
        }

        var cutoff = new DateTimeOffset(cutoffLocal, paris.GetUtcOffset(cutoffLocal)).ToUniversalTime();
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<LitigesDbContext>();
        var recipients = await db.Outbox.AsNoTracking()
            .Where(m => m.Channel == NotificationChannel.Digest && m.SentAt == null && m.CreatedAt < cutoff)
            .Select(m => m.Recipient)
            .Distinct()
            .ToListAsync(cancellationToken);
        var queued = 0;
        foreach (var recipient in recipients.Order(StringComparer.Ordinal))
        {
            if (await DigestAsync(db, recipient, cutoff, now, cancellationToken))
            {
                queued++;
            }

            db.ChangeTracker.Clear();
        }

        if (queued > 0 && logger.IsEnabled(LogLevel.Information))
        {
            logger.LogInformation("Notification digest: {Count} digests queued.", queued);
        }

        return queued;
    }

    protected override Task TickAsync(DateTimeOffset now, CancellationToken cancellationToken) => RunOnceAsync(now, cancellationToken);

    private async Task<bool> DigestAsync(LitigesDbContext db, string recipient, DateTimeOffset cutoff, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var held = await db.Outbox
            .Where(m => m.Channel == NotificationChannel.Digest && m.SentAt == null && m.CreatedAt < cutoff && m.Recipient == recipient)
            .OrderBy(m => m.Id)
            .ToListAsync(cancellationToken);
        var user = await db.Users.AsNoTracking()
            .Where(u => u.Email == recipient)
            .Select(u => new { u.DisplayName, u.Language })
            .FirstOrDefaultAsync(cancellationToken);
        if (held.Count == 0)
        {
            return false;
        }

        var culture = Localization.Cultures.For(user?.Language ?? "fr");
        var list = new StringBuilder();
        foreach (var message in held)
        {
            list.Append(CultureInfo.InvariantCulture, $"• {TimeZoneInfo.ConvertTime(message.CreatedAt, FrenchBusinessCalendar.Instance.TimeZone).ToString("g", culture)} — {message.Subject}\n");
            message.MarkDigested(now);
        }

        Outbox.QueueEmail(db, "Digest", recipient, user?.Language ?? "fr", now, links.BackOffice("/"), user?.DisplayName ?? recipient, held.Count, list.ToString().TrimEnd());
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateConcurrencyException)
        {
            // Another instance sent this digest meanwhile.
            return false;
        }
    }
}

public static class NotificationDigestSetup
{
    /// <summary>Registers the daily digest (section <c>Notifications:Digest</c>: Enabled, Interval, Hour).</summary>
    public static IServiceCollection AddNotificationDigest(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<NotificationDigestOptions>(configuration.GetSection("Notifications:Digest"));
        services.AddSingleton<NotificationDigest>();
        services.AddHostedService(provider => provider.GetRequiredService<NotificationDigest>());
        return services;
    }
}
