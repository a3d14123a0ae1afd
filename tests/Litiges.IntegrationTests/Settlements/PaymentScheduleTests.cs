using Litiges.Disputes;
using Litiges.Invoices;
using Litiges.Settlements;
using Litiges.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Litiges.IntegrationTests.Settlements;

/// <summary>An agreed payment schedule: payments pay the instalments in order; a missed one is alerted once.</summary>
public abstract class PaymentScheduleTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : LitigesFixture
{
    private static readonly Actor Agent = new("agent", "Agnès Agent", ActorRole.Agent);

    [Fact]
    public async Task Schedule_is_proposed_accepted_paid_then_a_missed_instalment_is_alerted_once()
    {
        var now = DateTimeOffset.UtcNow;
        var today = Litiges.Deadlines.BusinessDate.Of(now);
        var (disputeId, invoiceId) = await fixture.WithDbAsync(async db =>
        {
            var invoice = new Invoice("FA-ECH-" + Guid.NewGuid().ToString("N")[..8], fixture.Data.AlphaId, today.AddDays(-40), today.AddDays(-10));
            invoice.AddLine("Travaux", 1, 1000m, 0.20m);
            db.Invoices.Add(invoice);
            await db.SaveChangesAsync();
            var reason = await db.ReasonCodes.SingleAsync(r => r.Code == "COM");
            var customer = new Actor("c", "Client", ActorRole.Customer, fixture.Data.AlphaId);
            var dispute = Dispute.Open(await Litiges.Numbering.SequenceNumbers.NextAsync(db, "LIT", 2026), fixture.Data.AlphaId, reason, "Trésorerie tendue", DesiredOutcome.Other, [new DisputeClaim(invoice, null, 1200m)], DisputeSource.CustomerPortal, customer, now);
            db.Disputes.Add(dispute);
            dispute.Acknowledge(Agent, now);
            var limits = new DelegationLimits([new DelegationLimit(ActorRole.Agent, null)]);
            dispute.ProposeSettlement(Agent, new SettlementDraft(SettlementKind.PaymentSchedule, "Règlement en deux fois") { ScheduleTotal = 1200m, Instalments = [(today.AddDays(1), 600m), (today.AddDays(31), 600m)] }, limits, 50m, now);
            dispute.AcceptSettlement(customer, now, "127.0.0.1");
            dispute.CompleteSettlement(Agent, now);
            await db.SaveChangesAsync();
            return (dispute.Id, invoice.Id);
        });

        // The first instalment is paid.
        await fixture.WithDbAsync(async db =>
        {
            var invoice = await db.Invoices.SingleAsync(i => i.Id == invoiceId);
            await PaymentEntry.RecordAsync(db, invoice, 600m, today.AddDays(1), "VIR-1");
            await db.SaveChangesAsync();
        });
        var instalments = await fixture.WithDbAsync(db => db.SettlementProposals.Where(p => p.DisputeId == disputeId).SelectMany(p => p.Instalments).OrderBy(i => i.Sequence).ToListAsync());
        Assert.True(instalments[0].IsPaid);
        Assert.False(instalments[1].IsPaid);

        // The second is missed: one alert, and only one however often the job runs.
        var followUp = fixture.BackOffice.Services.GetRequiredService<ScheduleFollowUp>();
        var later = now.AddDays(40);
        Assert.True(await followUp.RunOnceAsync(later) >= 1);
        Assert.Equal(0, await followUp.RunOnceAsync(later.AddHours(1)));
        var reference = await fixture.WithDbAsync(db => db.Disputes.Where(d => d.Id == disputeId).Select(d => d.Reference).SingleAsync());
        var alerts = await fixture.WithDbAsync(db => db.Outbox.Where(m => m.Kind == "InstalmentMissed" && m.Subject.Contains(reference)).ToListAsync());
        Assert.Contains(alerts, m => m.Recipient == "credit@staff.test" && m.Subject.Contains("n° 2", StringComparison.Ordinal));
        Assert.Single(alerts, m => m.Recipient == "credit@staff.test");
        var status = await fixture.WithDbAsync(db => db.Disputes.Where(d => d.Id == disputeId).Select(d => d.Status).SingleAsync());
        Assert.Equal(DisputeStatus.Resolved, status);
    }
}

public sealed class SqlitePaymentScheduleTests(SqliteFixture fixture) : PaymentScheduleTests<SqliteFixture>(fixture);

public sealed class PostgreSqlPaymentScheduleTests(PostgreSqlFixture fixture) : PaymentScheduleTests<PostgreSqlFixture>(fixture);
