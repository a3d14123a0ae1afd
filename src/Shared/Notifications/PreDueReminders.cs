using Litiges.Accounts;
using Litiges.Data;
using Litiges.Jobs;
using Litiges.Localization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Litiges.Notifications;

public static class PreDueReminderSetup
{
    /// <summary>Registers the reminder job (section <c>Notifications:PreDueReminders</c>); one app runs it.</summary>
    public static IServiceCollection AddPreDueReminders(this IServiceCollection services, Microsoft.Extensions.Configuration.IConfiguration configuration)
    {
        services.Configure<PreDueReminderOptions>(configuration.GetSection("Notifications:PreDueReminders"));
        services.AddSingleton<PreDueReminders>();
        services.AddHostedService(provider => provider.GetRequiredService<PreDueReminders>());
        return services;
    }
}

public sealed class PreDueReminderOptions
{
    public bool Enabled { get; set; } = true;

    /// <summary>How many days before the due date the customer is reminded.</summary>
    public int DaysBefore { get; set; } = 7;

    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);

    public int BatchSize { get; set; } = 200;
}

/// <summary>
/// Anticipation (seed 000): some days before an invoice falls due, its company's users get one
/// e-mail with a "report a problem with this invoice" link, so that disputes surface before the
/// due date rather than at the first dunning letter. Each invoice is reminded once; the reminder
/// is recorded under the invoice's version, so two instances never both send it.
/// </summary>
public sealed class PreDueReminders(
    IServiceScopeFactory scopes,
    TimeProvider clock,
    PublicLinks links,
    IOptions<PreDueReminderOptions> options,
    ILogger<PreDueReminders> logger) : PeriodicJob(clock, logger)
{
    /// <summary>Reminds what is due as of <paramref name="now"/>; returns how many invoices were reminded.</summary>
    public async Task<int> RunOnceAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        now = now.ToUniversalTime();
        var settings = options.Value;
        var today = Deadlines.BusinessDate.Of(now);
        var horizon = today.AddDays(settings.DaysBefore);
        var reminded = 0;
        var lastId = 0;
        while (true)
        {
            using var scope = scopes.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<LitigesDbContext>();
            var batch = await db.Invoices
                .Where(i => i.Id > lastId && i.PreDueReminderSentAt == null && i.OpenBalance > 0 && i.DueDate >= today && i.DueDate <= horizon)
                .OrderBy(i => i.Id)
                .Take(settings.BatchSize)
                .ToListAsync(cancellationToken);
            if (batch.Count == 0)
            {
                return reminded;
            }

            var companies = batch.Select(i => i.CustomerAccountId).Distinct().ToList();
            var users = await db.Users
                .Where(u => u.Kind == UserKind.Customer && u.IsActive && u.EmailConfirmed && u.CustomerAccountId != null && companies.Contains(u.CustomerAccountId.Value))
                .ToListAsync(cancellationToken);
            foreach (var invoice in batch)
            {
                lastId = invoice.Id;
                invoice.RecordPreDueReminder(now);
                foreach (var user in users.Where(u => u.CustomerAccountId == invoice.CustomerAccountId && !u.HasMuted(NotificationKinds.PreDueReminder)))
                {
                    var culture = Cultures.For(user.Language);
                    Outbox.QueueEmail(
                        db,
                        NotificationKinds.PreDueReminder,
                        user.Email!,
                        user.Language,
                        now,
                        links.Portal(FormattableString.Invariant($"/Disputes/New?invoice={invoice.Id}")),
                        user.DisplayName,
                        invoice.Number,
                        Formats.AmountIn(invoice.OpenBalance, invoice.Currency, culture),
                        invoice.DueDate.ToString("d", culture));
                }

                try
                {
                    await db.SaveChangesAsync(cancellationToken);
                    reminded++;
                }
                catch (DbUpdateConcurrencyException)
                {
                    // Another instance reminded it (or the invoice changed): its messages are not ours to send.
                    db.ChangeTracker.Clear();
                    break;
                }
            }
        }
    }

    protected override bool Enabled => options.Value.Enabled;

    protected override TimeSpan Interval => options.Value.Interval;

    protected override string Name => "Pre-due reminders";

    protected override async Task TickAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var count = await RunOnceAsync(now, cancellationToken);
        if (count > 0 && logger.IsEnabled(LogLevel.Information))
        {
            logger.LogInformation("Pre-due reminders sent for {Count} invoices.", count);
        }
    }
}
