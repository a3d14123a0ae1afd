using Litiges.Finance;

namespace Litiges.Invoices;

public enum InvoiceStatus
{
    Open,
    PartiallyPaid,
    Paid,
}

/// <summary>
/// An invoice issued to a customer account, with its lines, payments, credits and dunning blocks.
/// Totals and balances are kept as columns so that lists and KPIs query them without loading lines.
/// </summary>
public sealed class Invoice : IVersioned
{
    private readonly List<InvoiceLine> _lines = [];
    private readonly List<Payment> _payments = [];
    private readonly List<DunningBlock> _dunningBlocks = [];

    private Invoice()
    {
        Number = Currency = string.Empty;
    }

    public Invoice(string number, int customerAccountId, DateOnly issueDate, DateOnly dueDate, string currency = Money.Euro)
    {
        if (string.IsNullOrWhiteSpace(number))
        {
            throw new DomainException("Invoice.NumberRequired");
        }

        if (dueDate < issueDate)
        {
            throw new DomainException("Invoice.DueBeforeIssue", number);
        }

        Number = number.Trim();
        CustomerAccountId = customerAccountId;
        IssueDate = issueDate;
        DueDate = dueDate;
        Currency = currency;
    }

    public int Id { get; private set; }

    /// <summary>The ERP's invoice number, unique.</summary>
    public string Number { get; private set; }

    public int CustomerAccountId { get; private set; }

    public DateOnly IssueDate { get; private set; }

    public DateOnly DueDate { get; private set; }

    public string Currency { get; private set; }

    public decimal TotalNet { get; private set; }

    public decimal TotalVat { get; private set; }

    public decimal TotalGross { get; private set; }

    public decimal PaidAmount { get; private set; }

    /// <summary>Total of credit notes issued against this invoice.</summary>
    public decimal CreditedAmount { get; private set; }

    /// <summary>What the customer still owes: gross total less payments and credit notes.</summary>
    public decimal OpenBalance { get; private set; }

    /// <summary>The part of the open balance held out of dunning by open disputes.</summary>
    public decimal BlockedAmount { get; private set; }

    public InvoiceStatus Status { get; private set; }

    /// <summary>When the customer was reminded before the due date (with a "report a problem" link); once per invoice.</summary>
    public DateTimeOffset? PreDueReminderSentAt { get; private set; }

    /// <summary>The invoice's PDF as the ERP sent it (a blob of the document store); null until one is sent.</summary>
    public string? PdfBlobName { get; private set; }

    /// <summary>The size of that PDF in bytes.</summary>
    public long? PdfBytes { get; private set; }

    /// <summary>When that PDF was received.</summary>
    public DateTimeOffset? PdfReceivedAt { get; private set; }

    public int Version { get; private set; }

    public IReadOnlyList<InvoiceLine> Lines => _lines;

    public IReadOnlyList<Payment> Payments => _payments;

    public IReadOnlyList<DunningBlock> DunningBlocks => _dunningBlocks;

    /// <summary>The balance that dunning may chase: open balance less what disputes block.</summary>
    public decimal DunnableBalance => OpenBalance - BlockedAmount;

    public bool IsBlocked => BlockedAmount > 0;

    void IVersioned.IncrementVersion() => Version++;

    public InvoiceLine AddLine(string description, decimal quantity, decimal unitPrice, decimal vatRate)
    {
        if (_payments.Count > 0 || CreditedAmount != 0 || _dunningBlocks.Count > 0)
        {
            throw new DomainException("Invoice.LinesFrozen", Number);
        }

        var line = new InvoiceLine(_lines.Count + 1, description, quantity, unitPrice, vatRate);
        _lines.Add(line);
        Recalculate();
        return line;
    }

    /// <summary>
    /// Takes the ERP's latest version of the invoice: its dates, and its lines when they differ.
    /// Lines may be replaced only while nothing was paid, credited or disputed on the invoice
    /// (load its dunning blocks). Returns whether anything changed.
    /// </summary>
    public bool Revise(DateOnly issueDate, DateOnly dueDate, IReadOnlyList<InvoiceLineData> lines)
    {
        if (dueDate < issueDate)
        {
            throw new DomainException("Invoice.DueBeforeIssue", Number);
        }

        var sameLines = lines.Count == _lines.Count && lines.Zip(_lines.OrderBy(l => l.LineNumber)).All(pair =>
            pair.First.Description == pair.Second.Description
            && pair.First.Quantity == pair.Second.Quantity
            && pair.First.UnitPrice == pair.Second.UnitPrice
            && pair.First.VatRate == pair.Second.VatRate);
        var changed = !sameLines || issueDate != IssueDate || dueDate != DueDate;
        if (!sameLines)
        {
            if (PaidAmount != 0 || _payments.Count > 0 || CreditedAmount != 0 || _dunningBlocks.Count > 0)
            {
                throw new DomainException("Invoice.LinesFrozen", Number);
            }

            _lines.Clear();
            foreach (var line in lines)
            {
                _lines.Add(new InvoiceLine(_lines.Count + 1, line.Description, line.Quantity, line.UnitPrice, line.VatRate));
            }

            Recalculate();
        }

        IssueDate = issueDate;
        DueDate = dueDate;
        return changed;
    }

    public void RecordPreDueReminder(DateTimeOffset at) => PreDueReminderSentAt ??= at;

    /// <summary>
    /// Takes the ERP's PDF of this invoice (already stored as <paramref name="blobName"/>) in place
    /// of any earlier one, and returns the earlier one's blob name, to be deleted once this is saved.
    /// </summary>
    public string? AttachPdf(string blobName, long bytes, DateTimeOffset at)
    {
        var previous = PdfBlobName;
        PdfBlobName = blobName;
        PdfBytes = bytes;
        PdfReceivedAt = at;
        return previous;
    }

    public IReadOnlyList<VatLine> VatBreakdown() =>
        Finance.VatBreakdown.Of(_lines.Select(l => (l.VatRate, l.NetAmount, l.VatAmount)));

    public Payment RecordPayment(decimal amount, DateOnly receivedOn, string reference)
    {
        if (amount <= 0)
        {
            throw new DomainException("Invoice.PaymentNotPositive", Number);
        }

        if (Money.RoundToCent(amount) != amount)
        {
            throw new DomainException("Invoice.AmountNotInCents", amount);
        }

        if (amount > OpenBalance)
        {
            throw new DomainException("Invoice.PaymentExceedsBalance", Number, amount, OpenBalance);
        }

        var payment = new Payment(amount, receivedOn, reference);
        _payments.Add(payment);
        PaidAmount += amount;
        UpdateBalance();
        return payment;
    }

    /// <summary>Reduces the balance by an issued credit note's gross amount.</summary>
    public void ApplyCredit(decimal grossAmount)
    {
        if (grossAmount <= 0)
        {
            throw new DomainException("Invoice.CreditNotPositive", Number);
        }

        if (Money.RoundToCent(grossAmount) != grossAmount)
        {
            throw new DomainException("Invoice.AmountNotInCents", grossAmount);
        }

        if (grossAmount > OpenBalance)
        {
            throw new DomainException("Invoice.CreditExceedsBalance", Number, grossAmount, OpenBalance);
        }

        CreditedAmount += grossAmount;
        UpdateBalance();
    }

    /// <summary>Holds <paramref name="amount"/> of this invoice out of dunning for the dispute.</summary>
    internal void PlaceDunningBlock(Disputes.Dispute dispute, decimal amount, DateTimeOffset at)
    {
        if (_dunningBlocks.Any(b => b.IsActive && b.BelongsTo(dispute)))
        {
            throw new DomainException("Invoice.AlreadyBlockedByDispute", Number);
        }

        if (amount <= 0 || amount > DunnableBalance)
        {
            throw new DomainException("Dispute.AmountExceedsOpenBalance", Number, amount, DunnableBalance);
        }

        _dunningBlocks.Add(new DunningBlock(Id, dispute, amount, at));
        RecomputeBlocked();
    }

    /// <summary>Releases the dispute's block: the remaining balance goes back to ordinary dunning.</summary>
    internal void LiftDunningBlock(Disputes.Dispute dispute, DateTimeOffset at)
    {
        foreach (var block in _dunningBlocks.Where(b => b.IsActive && b.BelongsTo(dispute)))
        {
            block.Lift(at);
        }

        RecomputeBlocked();
    }

    private void Recalculate()
    {
        TotalNet = _lines.Sum(l => l.NetAmount);
        TotalVat = _lines.Sum(l => l.VatAmount);
        TotalGross = TotalNet + TotalVat;
        UpdateBalance();
    }

    // Works from the stored totals, so a payment can be recorded without loading every earlier one.
    // A block never exceeds what is still owed.
    private void UpdateBalance()
    {
        OpenBalance = TotalGross - PaidAmount - CreditedAmount;
        Status = OpenBalance <= 0 ? InvoiceStatus.Paid
            : PaidAmount > 0 || CreditedAmount > 0 ? InvoiceStatus.PartiallyPaid
            : InvoiceStatus.Open;
        BlockedAmount = Math.Min(BlockedAmount, OpenBalance);
    }

    // Operations that place or lift blocks load the collection, so the sum is exact.
    private void RecomputeBlocked() =>
        BlockedAmount = Math.Min(_dunningBlocks.Where(b => b.IsActive).Sum(b => b.Amount), OpenBalance);
}

/// <summary>A line as the ERP sends it: what, how many, the net unit price, the VAT rate (0.20 for 20 %).</summary>
public sealed record InvoiceLineData(string Description, decimal Quantity, decimal UnitPrice, decimal VatRate);
