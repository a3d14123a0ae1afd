using Litiges.Disputes;
using Litiges.Invoices;
using Litiges.Settlements;
using Litiges.UnitTests.Builders;

namespace Litiges.UnitTests.Settlements;

/// <summary>
/// What a proposal changes for the customer (credited excl. and incl. VAT, what stays due and by
/// when), and the preview of a draft: the same checks and the same value as proposing, nothing changed.
/// </summary>
public sealed class SettlementConsequencesTests
{
    private const decimal WriteOffThreshold = 50m;

    private static readonly DelegationLimits Limits = new(DelegationLimit.Defaults());

    private readonly DisputeBuilder _builder = new();

    private DateTimeOffset Now => _builder.Clock.GetUtcNow();

    // 10 × 1 000 € at 20 %: 12 000 € incl. VAT, issued on 4 May 2026, due on 3 June 2026.
    private (Dispute Dispute, Invoice Invoice) InReview()
    {
        var invoice = new InvoiceBuilder().WithLine(10, 1000m, 0.20m).Build();
        return (_builder.Claiming(invoice).In(DisputeStatus.InReview), invoice);
    }

    private static SettlementDraft Credit(Invoice invoice, decimal net) =>
        new(SettlementKind.CreditNote, "Avoir sur le prix") { Credits = [new ProposedCredit(invoice.Id, null, "Écart de prix", 1, net, 0.20m)] };

    [Fact]
    public void A_credit_note_says_what_is_credited_with_and_without_vat_and_what_stays_due_since_when()
    {
        var (dispute, invoice) = InReview();
        var proposal = dispute.ProposeSettlement(Actors.Agent, Credit(invoice, 7391.67m), Limits, WriteOffThreshold, Now);

        var after = SettlementConsequences.Of(proposal, [invoice], new DateOnly(2026, 6, 10));

        Assert.Equal(7391.67m, after.CreditedNet);
        Assert.Equal(1478.33m, after.CreditedVat);
        Assert.Equal(8870m, after.CreditedGross);
        Assert.Equal(12000m, after.BalanceBefore);
        Assert.Equal(3130m, after.StillDue);
        Assert.Equal(new DateOnly(2026, 6, 3), after.EarliestDueDate);
        Assert.True(after.Overdue);
        Assert.True(Assert.Single(after.Invoices).Overdue);

        // Before the due date, the same figures are due by it, not overdue.
        Assert.False(SettlementConsequences.Of(proposal, [invoice], new DateOnly(2026, 6, 3)).Overdue);
    }

    [Fact]
    public void An_issued_credit_note_is_not_taken_off_the_balance_twice()
    {
        var (dispute, invoice) = InReview();
        var proposal = dispute.ProposeSettlement(Actors.Agent, Credit(invoice, 400m), Limits, WriteOffThreshold, Now);
        dispute.AcceptSettlement(Actors.CustomerOfCompany1, Now, "203.0.113.7");
        invoice.ApplyCredit(480m);
        dispute.CompleteSettlement(Actors.Finance, Now);

        var after = SettlementConsequences.Of(proposal, [invoice], new DateOnly(2026, 6, 1));

        Assert.Equal(480m, after.CreditedGross);
        Assert.Equal(12000m, after.BalanceBefore);
        Assert.Equal(11520m, after.StillDue);
        Assert.Equal(invoice.OpenBalance, after.StillDue);
    }

    [Fact]
    public void A_gesture_leaves_the_invoice_due_in_full_and_a_schedule_gives_its_instalments()
    {
        var (dispute, invoice) = InReview();
        var today = new DateOnly(2026, 6, 1);
        var gesture = SettlementConsequences.Of(DisputeDriver.Gesture(Now), "EUR", [invoice], today);
        Assert.Equal(0m, gesture.CreditedGross);
        Assert.Equal(12000m, gesture.StillDue);

        var schedule = new SettlementDraft(SettlementKind.PaymentSchedule, "En deux fois") { ScheduleTotal = 10000m, Instalments = [(today.AddDays(60), 5000m), (today.AddDays(30), 5000m)] };
        var spread = SettlementConsequences.Of(schedule, "EUR", [invoice], today);
        Assert.Equal([today.AddDays(30), today.AddDays(60)], spread.Instalments.Select(i => i.DueOn));
        Assert.Equal(10000m, spread.Scheduled);
        Assert.Equal(2000m, spread.DueOutsideSchedule);
        Assert.Empty(dispute.Proposals);
    }

    [Fact]
    public void A_write_off_is_taken_off_what_stays_due()
    {
        var (_, invoice) = InReview();
        var writeOff = new SettlementDraft(SettlementKind.WriteOff, "Reliquat") { WriteOffAmount = 40m };

        var after = SettlementConsequences.Of(writeOff, "EUR", [invoice], new DateOnly(2026, 6, 1));

        Assert.Equal(40m, after.WrittenOff);
        Assert.Equal(11960m, after.StillDue);
    }

    [Fact]
    public void A_preview_checks_and_values_the_draft_as_proposing_would_and_changes_nothing()
    {
        var (dispute, invoice) = InReview();
        var (version, history) = (dispute.Version, dispute.History.Count);

        var within = dispute.PreviewSettlement(Actors.Agent, Credit(invoice, 400m), Limits, WriteOffThreshold, Now);
        Assert.Equal(480m, within.Value);
        Assert.False(within.NeedsApproval);

        var above = dispute.PreviewSettlement(Actors.Agent, Credit(invoice, 500m), Limits, WriteOffThreshold, Now);
        Assert.Equal(600m, above.Value);
        Assert.Equal([ActorRole.CreditManager, ActorRole.Finance], above.ApprovalRoles);

        // Refused as proposing would be: a credit above the balance, a role that may not propose.
        Assert.Throws<DomainException>(() => dispute.PreviewSettlement(Actors.Agent, Credit(invoice, 20000m), Limits, WriteOffThreshold, Now));
        Assert.Throws<DomainException>(() => dispute.PreviewSettlement(Actors.Resolver, Credit(invoice, 400m), Limits, WriteOffThreshold, Now));

        Assert.Empty(dispute.Proposals);
        Assert.Equal(DisputeStatus.InReview, dispute.Status);
        Assert.Equal(history, dispute.History.Count);
        Assert.Equal(version, dispute.Version);
    }
}
