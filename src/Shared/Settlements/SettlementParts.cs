using Litiges.Disputes;
using Litiges.Finance;

namespace Litiges.Settlements;

public enum SettlementKind
{
    /// <summary>Full or partial credit note, per invoice line or as an amount, VAT per rate.</summary>
    CreditNote,

    /// <summary>An amount or a percentage off a future order, valid until a date.</summary>
    CommercialGesture,

    /// <summary>The balance split into dated instalments that sum to it exactly.</summary>
    PaymentSchedule,

    /// <summary>A small residual written off; staff only, under a threshold, no customer answer needed.</summary>
    WriteOff,
}

public enum ProposalStatus
{
    /// <summary>Above the proposer's delegation limit: waits for a role whose limit covers it.</summary>
    AwaitingApproval,

    /// <summary>Sent to the customer, who accepts or declines.</summary>
    Proposed,
    Accepted,
    Declined,

    /// <summary>The approver said no; the proposal never reached the customer.</summary>
    Refused,

    /// <summary>Carried out: credit note issued, schedule agreed, gesture granted, residual written off.</summary>
    Executed,
}

/// <summary>One line of a proposed credit note: a net amount at a VAT rate, against an invoice (and maybe one of its lines).</summary>
public sealed record ProposedCredit(int InvoiceId, int? InvoiceLineId, string Description, decimal Quantity, decimal UnitPrice, decimal VatRate)
{
    public decimal NetAmount => VatBreakdown.LineAmounts(Quantity, UnitPrice, VatRate).Net;

    public decimal VatAmount => VatBreakdown.LineAmounts(Quantity, UnitPrice, VatRate).Vat;

    public decimal GrossAmount => NetAmount + VatAmount;
}

/// <summary>A dated instalment of a payment schedule, followed as payments arrive.</summary>
public sealed class Instalment : IVersioned
{
    private Instalment()
    {
    }

    internal Instalment(int sequence, DateOnly dueOn, decimal amount)
    {
        Sequence = sequence;
        DueOn = dueOn;
        Amount = amount;
    }

    public int Id { get; private set; }

    public int Sequence { get; private set; }

    public DateOnly DueOn { get; private set; }

    public decimal Amount { get; private set; }

    public decimal PaidAmount { get; private set; }

    public DateOnly? PaidOn { get; private set; }

    public DateTimeOffset? MissedAlertAt { get; private set; }

    /// <summary>Saved under this version, so that two instances never both alert the same missed instalment.</summary>
    public int Version { get; private set; }

    void IVersioned.IncrementVersion() => Version++;

    public bool IsPaid => PaidAmount >= Amount;

    public bool IsMissed(DateOnly today) => !IsPaid && DueOn < today;

    internal decimal ApplyPayment(decimal amount, DateOnly on)
    {
        var applied = Math.Min(amount, Amount - PaidAmount);
        PaidAmount += applied;
        if (IsPaid)
        {
            PaidOn = on;
        }

        return applied;
    }

    internal void RecordMissedAlert(DateTimeOffset at) => MissedAlertAt = at;
}
