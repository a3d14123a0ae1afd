using Litiges.Accounts;
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
/// Follows agreed payment schedules: a payment received on a scheduled invoice pays the
/// instalments in order, and an instalment still unpaid after its date alerts the dispute's owner
/// and the credit managers once.
/// </summary>
public sealed class ScheduleFollowUp(
    IServiceScopeFactory scopes,
    TimeProvider clock,
    MailSettings mail,
    IOptions<ScheduleFollowUpOptions> options,
    ILogger<ScheduleFollowUp> logger) : PeriodicJob(clock, logger)
{
    /// <summary>
    /// Records a payment on an invoice and, when the invoice is under an agreed schedule, applies it
    /// to the instalments. Saves nothing: the caller saves with the rest of its change.
    /// </summary>
    public static async Task<Payment> RecordPaymentAsync(LitigesDbContext db, Invoice invoice, decimal amount, DateOnly receivedOn, string reference, CancellationToken cancellationToken = default)
    {
        var payment = invoice.RecordPayment(amount, receivedOn, reference);
        var schedules = await db.SettlementProposals
            .Include(p => p.Instalments)
            .Where(p => p.Kind == SettlementKind.PaymentSchedule && p.Status == ProposalStatus.Executed)
            .Where(p => db.DisputedItems.Any(i => i.DisputeId == p.DisputeId && i.InvoiceId == invoice.Id))
            .OrderBy(p => p.Id)
            .ToListAsync(cancellationToken);
        var left = amount;
        foreach (var schedule in schedules)
        {
            left = schedule.ApplyPayment(left, receivedOn);
        }

        return payment;
    }

    /// <summary>
    /// Records a payment once per (invoice, reference), whoever sends it (the API, a member of staff):
    /// the same reference again with the same amount and date records nothing more; with another
    /// amount or date it is refused. Saves nothing, like <see cref="RecordPaymentAsync"/>.
    /// </summary>
    public static async Task<(PaymentRecording Outcome, Payment Payment)> RecordPaymentOnceAsync(LitigesDbContext db, Invoice invoice, decimal amount, DateOnly receivedOn, string reference, CancellationToken cancellationToken = default)
    {
        var recorded = await db.Payments.AsNoTracking().SingleOrDefaultAsync(p => p.InvoiceId == invoice.Id && p.Reference == reference, cancellationToken);
        if (recorded is not null)
        {
            return (recorded.Amount == amount && recorded.ReceivedOn == receivedOn ? PaymentRecording.AlreadyRecorded : PaymentRecording.ReferenceUsed, recorded);
        }

        return (PaymentRecording.Recorded, await RecordPaymentAsync(db, invoice, amount, receivedOn, reference, cancellationToken));
    }

    /// <summary>Alerts each missed instalment once; returns how many alerts were queued.</summary>
    public async Task<int> RunOnceAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        now = now.ToUniversalTime();
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, Deadlines.FrenchBusinessCalendar.Instance.TimeZone).DateTime);
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

        var creditManagers = await StaffRoles.ActiveMembers(db, StaffRoles.CreditManager).ToListAsync(cancellationToken);
        var alerts = 0;
        foreach (var item in missed)
        {
            var proposal = await db.SettlementProposals.SingleAsync(p => p.Id == item.ProposalId, cancellationToken);
            var dispute = await db.Disputes.AsNoTracking().SingleAsync(d => d.Id == proposal.DisputeId, cancellationToken);
            var owner = dispute.OwnerUserId is null ? null : await db.Users.SingleOrDefaultAsync(u => u.Id == dispute.OwnerUserId, cancellationToken);
            item.Instalment.RecordMissedAlert(now);
            foreach (var recipient in creditManagers.Append(owner).OfType<AppUser>().DistinctBy(u => u.Id))
            {
                var culture = Cultures.For(recipient.Language);
                Outbox.QueueEmail(
                    db,
                    "InstalmentMissed",
                    recipient.Email!,
                    recipient.Language,
                    now,
                    FormattableString.Invariant($"{mail.PublicBackOfficeUrl}/Disputes/Details/{dispute.Id}"),
                    recipient.DisplayName,
                    dispute.Reference,
                    item.Instalment.Sequence,
                    item.Instalment.DueOn.ToString("d", culture),
                    Formats.AmountIn(item.Instalment.Amount - item.Instalment.PaidAmount, proposal.Currency, culture));
                alerts++;
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

/// <summary>What became of a payment sent under a reference.</summary>
public enum PaymentRecording
{
    Recorded,

    /// <summary>That reference was already recorded with the same amount and date: nothing more done.</summary>
    AlreadyRecorded,

    /// <summary>That reference was already recorded with another amount or date: refused.</summary>
    ReferenceUsed,
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
