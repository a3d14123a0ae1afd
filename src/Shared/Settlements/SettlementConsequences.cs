using Litiges.Invoices;

namespace Litiges.Settlements;

/// <summary>What one covered invoice owes before and after a settlement, and by when.</summary>
/// <param name="BalanceBefore">What the invoice owes before this settlement takes effect.</param>
/// <param name="Credited">The gross (incl. VAT) credited on this invoice.</param>
/// <param name="WrittenOff">The part of the balance written off on this invoice.</param>
/// <param name="StillDue">What the customer still owes on it once the settlement is carried out.</param>
public sealed record InvoiceConsequence(
    int InvoiceId,
    string Number,
    DateOnly DueDate,
    decimal BalanceBefore,
    decimal CreditedNet,
    decimal CreditedVat,
    decimal Credited,
    decimal WrittenOff,
    decimal StillDue,
    bool Overdue);

/// <summary>
/// The money consequences of a settlement for the customer, computed from the proposal (or the
/// draft being typed) and the covered invoices: what is credited excl. and incl. VAT, what is
/// written off, what stays due, and by when (the invoice's due date, or the schedule's instalments).
/// One computation for the customer's page and the staff's, so that both read the same figures.
/// </summary>
/// <remarks>
/// An issued credit note has already lowered the invoices' balances: once a credit-note proposal
/// is carried out, the balances are read as they are and the credit is not taken off again.
/// A write-off is not booked on the invoices by this application (the ERP does it): it is taken
/// off the balances here, oldest due date first. A gesture applies to a future order and leaves
/// the invoices due in full; a schedule spreads (part of) the balance over its instalments.
/// </remarks>
public sealed record SettlementConsequences(
    SettlementKind Kind,
    string Currency,
    decimal CreditedNet,
    decimal CreditedVat,
    decimal CreditedGross,
    decimal WrittenOff,
    decimal BalanceBefore,
    decimal StillDue,
    IReadOnlyList<InvoiceConsequence> Invoices,
    IReadOnlyList<(DateOnly DueOn, decimal Amount)> Instalments,
    decimal? GestureAmount,
    decimal? GesturePercent,
    DateOnly? GestureValidUntil,
    DateOnly Today)
{
    /// <summary>Whether the customer owes nothing more on the covered invoices once it is carried out.</summary>
    public bool NothingLeftToPay => StillDue <= 0;

    /// <summary>The part of the balance the schedule spreads over its instalments.</summary>
    public decimal Scheduled => Instalments.Sum(i => i.Amount);

    /// <summary>
    /// The earliest due date of what stays due outside any schedule (null when nothing does), and
    /// whether it has passed: "3 913 € restent dus, échue depuis le 08/11".
    /// </summary>
    public DateOnly? EarliestDueDate => Invoices.Where(i => i.StillDue > 0).Select(i => (DateOnly?)i.DueDate).Min();

    public bool Overdue => EarliestDueDate is { } due && due < Today;

    /// <summary>What stays due outside the schedule's instalments (on the invoices' own due dates).</summary>
    public decimal DueOutsideSchedule => Math.Max(0m, StillDue - Scheduled);

    public static SettlementConsequences Of(SettlementProposal proposal, IEnumerable<Invoice> invoices, DateOnly today) =>
        Compute(
            proposal.Kind,
            proposal.Currency,
            proposal.Credits,
            [.. proposal.Instalments.OrderBy(i => i.Sequence).Where(i => !i.IsPaid).Select(i => (i.DueOn, i.Amount - i.PaidAmount))],
            proposal.WriteOffAmount,
            proposal.GestureAmount,
            proposal.GesturePercent,
            proposal.GestureValidUntil,
            creditApplied: proposal.Status == ProposalStatus.Executed && proposal.Kind == SettlementKind.CreditNote,
            invoices,
            today);

    public static SettlementConsequences Of(SettlementDraft draft, string currency, IEnumerable<Invoice> invoices, DateOnly today) =>
        Compute(
            draft.Kind,
            currency,
            draft.Credits,
            [.. draft.Instalments.OrderBy(i => i.DueOn)],
            draft.WriteOffAmount,
            draft.GestureAmount,
            draft.GesturePercent,
            draft.GestureValidUntil,
            creditApplied: false,
            invoices,
            today);

    private static SettlementConsequences Compute(
        SettlementKind kind,
        string currency,
        IReadOnlyList<ProposedCredit> credits,
        IReadOnlyList<(DateOnly DueOn, decimal Amount)> instalments,
        decimal? writeOff,
        decimal? gestureAmount,
        decimal? gesturePercent,
        DateOnly? gestureValidUntil,
        bool creditApplied,
        IEnumerable<Invoice> invoices,
        DateOnly today)
    {
        var covered = invoices.DistinctBy(i => i.Id).OrderBy(i => i.DueDate).ThenBy(i => i.Number, StringComparer.Ordinal).ToList();
        var counted = kind == SettlementKind.CreditNote ? credits : [];
        var writeOffLeft = kind == SettlementKind.WriteOff ? writeOff ?? 0m : 0m;
        var rows = new List<InvoiceConsequence>();
        foreach (var invoice in covered)
        {
            var mine = counted.Where(c => c.InvoiceId == invoice.Id).ToList();
            var net = mine.Sum(c => c.NetAmount);
            var vat = mine.Sum(c => c.VatAmount);
            var gross = net + vat;

            // Once issued, the credit note is already in the balance: the balance before it is the one plus the credit.
            var before = creditApplied ? invoice.OpenBalance + gross : invoice.OpenBalance;
            var afterCredit = Math.Max(0m, before - gross);
            var writtenOff = Math.Min(writeOffLeft, afterCredit);
            writeOffLeft -= writtenOff;
            var stillDue = afterCredit - writtenOff;
            rows.Add(new InvoiceConsequence(invoice.Id, invoice.Number, invoice.DueDate, before, net, vat, gross, writtenOff, stillDue, stillDue > 0 && invoice.DueDate < today));
        }

        return new SettlementConsequences(
            kind,
            currency,
            rows.Sum(r => r.CreditedNet),
            rows.Sum(r => r.CreditedVat),
            rows.Sum(r => r.Credited),
            rows.Sum(r => r.WrittenOff),
            rows.Sum(r => r.BalanceBefore),
            rows.Sum(r => r.StillDue),
            rows,
            kind == SettlementKind.PaymentSchedule ? instalments : [],
            kind == SettlementKind.CommercialGesture ? gestureAmount : null,
            kind == SettlementKind.CommercialGesture ? gesturePercent : null,
            kind == SettlementKind.CommercialGesture ? gestureValidUntil : null,
            today);
    }
}
