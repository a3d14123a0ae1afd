using Litiges.Data;
using Litiges.Disputes;
using Litiges.Invoices;
using Litiges.Jobs;
using Litiges.Localization;
using Litiges.Notifications;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Litiges.Settlements;

public sealed class ScheduleFollowUpOptions
{
    public bool Enabled { get; set; } = true;

    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);
}

/// <summary>
/// Follows agreed payment schedules: an instalment still unpaid after its date alerts the
/// dispute's owner and the credit managers once. (A payment received pays the instalments in
/// order as it is recorded: <see cref="Invoices.PaymentEntry"/>.)
/// </summary>
public sealed class ScheduleFollowUp(
    IServiceScopeFactory scopes,
    TimeProvider clock,
    PublicLinks links,
    IOptions<ScheduleFollowUpOptions> options,
    ILogger<ScheduleFollowUp> logger) : PeriodicJob(clock, logger)
{
    /// <summary>Alerts each missed instalment once; returns how many alerts were queued.</summary>
    public async Task<int> RunOnceAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        now = now.ToUniversalTime();
        var today = Deadlines.BusinessDate.Of(now);
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<LitigesDbContext>();
        var missed = await db.Instalments
            .Where(i => i.DueOn < today && i.PaidAmount < i.Amount && i.MissedAlertAt == null)
            .Select(i => new { Instalment = i, ProposalId = EF.Property<int>(i, "ProposalId") })
            .ToListAsync(cancellationToken);
        if (missed.Count == 0)
        {
            return 0;
        }

        var alerts = 0;
        foreach (var item in missed)
        {
            var proposal = await db.SettlementProposals.SingleAsync(p => p.Id == item.ProposalId, cancellationToken);
            var dispute = await db.Disputes.AsNoTracking().SingleAsync(d => d.Id == proposal.DisputeId, cancellationToken);
            item.Instalment.RecordMissedAlert(now);

            // The owner and the credit managers, each once (Notices: the active staff of the audience).
            var audience = StaffAudience.CreditManagers with { UserIds = dispute.OwnerUserId is { } owner ? [owner] : [] };
            foreach (var recipient in await Notices.StaffAsync(db, audience, cancellationToken))
            {
                var culture = Cultures.For(recipient.Language);
                var queued = Notices.Queue(
                    db,
                    "InstalmentMissed",
                    recipient,
                    now,
                    links.BackOfficeDispute(dispute.Id),
                    recipient.Name,
                    dispute.Reference,
                    item.Instalment.Sequence,
                    item.Instalment.DueOn.ToString("d", culture),
                    Formats.AmountIn(item.Instalment.Amount - item.Instalment.PaidAmount, proposal.Currency, culture));
                if (queued is not null)
                {
                    alerts++;
                }
            }
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Another instance alerted (or a payment arrived) meanwhile: its run stands, ours sends nothing.
            return 0;
        }

        return alerts;
    }

    protected override bool Enabled => options.Value.Enabled;

    protected override TimeSpan Interval => options.Value.Interval;

    protected override string Name => "Payment schedule follow-up";

    protected override Task TickAsync(DateTimeOffset now, CancellationToken cancellationToken) => RunOnceAsync(now, cancellationToken);
}

public static class ScheduleFollowUpSetup
{
    public static IServiceCollection AddScheduleFollowUp(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<ScheduleFollowUpOptions>(configuration.GetSection("Settlements:ScheduleFollowUp"));
        services.AddSingleton<ScheduleFollowUp>();
        services.AddHostedService(provider => provider.GetRequiredService<ScheduleFollowUp>());
        return services;
    }
}
