using Litiges.Customers;
using Litiges.Finance;
using Litiges.Invoices;

namespace Litiges.CreditNotes;

/// <summary>One line credited: what, how much, at which VAT rate; amounts rounded on the line as on the invoice.</summary>
public sealed class CreditNoteLine
{
    private CreditNoteLine()
    {
        Description = string.Empty;
    }

    internal CreditNoteLine(int lineNumber, string description, decimal quantity, decimal unitPrice, decimal vatRate)
    {
        if (quantity <= 0 || unitPrice <= 0)
        {
            throw new DomainException("CreditNote.LineNotPositive", lineNumber);
        }

        LineNumber = lineNumber;
        Description = description;
        Quantity = quantity;
        UnitPrice = unitPrice;
        VatRate = vatRate;
        (NetAmount, VatAmount) = Finance.VatBreakdown.LineAmounts(quantity, unitPrice, vatRate);
    }

    public int Id { get; private set; }

    public int LineNumber { get; private set; }

    public string Description { get; private set; }

    public decimal Quantity { get; private set; }

    /// <summary>Net unit price, excluding VAT.</summary>
    public decimal UnitPrice { get; private set; }

    public decimal VatRate { get; private set; }

    public decimal NetAmount { get; private set; }

    public decimal VatAmount { get; private set; }

    public decimal GrossAmount => NetAmount + VatAmount;
}

/// <summary>What to credit on a line, as a proposal or finance states it.</summary>
public sealed record CreditLine(string Description, decimal Quantity, decimal UnitPrice, decimal VatRate);

/// <summary>
/// A credit note (avoir): it corrects one invoice, carries every mention the law requires, and
/// once issued never changes. Its number comes from a continuous, gapless, yearly sequence.
/// </summary>
public sealed class CreditNote
{
    private readonly List<CreditNoteLine> _lines = [];

    private CreditNote()
    {
        Number = Currency = Reason = InvoiceNumber = string.Empty;
        Seller = Buyer = null!;
    }

    public int Id { get; private set; }

    /// <summary>AV-2026-000001.</summary>
    public string Number { get; private set; }

    public DateOnly IssueDate { get; private set; }

    public DateTimeOffset IssuedAt { get; private set; }

    public string IssuedByName { get; private set; } = string.Empty;

    public string Currency { get; private set; }

    public PartyIdentity Seller { get; private set; }

    public PartyIdentity Buyer { get; private set; }

    public int CustomerAccountId { get; private set; }

    public int InvoiceId { get; private set; }

    public string InvoiceNumber { get; private set; }

    public DateOnly InvoiceIssueDate { get; private set; }

    public int? DisputeId { get; private set; }

    public string Reason { get; private set; }

    /// <summary>Goods, services or both: printed, and the UBL business process (BT-23). None on credit notes issued before it was recorded.</summary>
    public OperationCategory? OperationCategory { get; private set; }

    /// <summary>Where the goods were delivered, when it differs from the buyer's address and is known.</summary>
    public PostalAddress? DeliveryAddress { get; private set; }

    public decimal TotalNet { get; private set; }

    public decimal TotalVat { get; private set; }

    public decimal TotalGross { get; private set; }

    public string? PdfBlobName { get; private set; }

    public string? PdfSha256 { get; private set; }

    public string? XmlBlobName { get; private set; }

    public string? XmlSha256 { get; private set; }

    public IReadOnlyList<CreditNoteLine> Lines => _lines;

    public IReadOnlyList<VatLine> VatBreakdown() =>
        Finance.VatBreakdown.Of(_lines.Select(l => (l.VatRate, l.NetAmount, l.VatAmount)));

    /// <summary>
    /// Issues a credit note against <paramref name="invoice"/>: its gross total may not exceed what
    /// is still owed, and the invoice's balance is reduced at once (the rest returns to dunning
    /// when the dispute's block is lifted).
    /// </summary>
    public static CreditNote Issue(
        string number,
        DateTimeOffset now,
        string issuedByName,
        PartyIdentity seller,
        PartyIdentity buyer,
        Invoice invoice,
        IReadOnlyCollection<CreditLine> lines,
        string reason,
        int? disputeId,
        OperationCategory operationCategory = CreditNotes.OperationCategory.Mixed,
        PostalAddress? deliveryAddress = null)
    {
        if (lines.Count == 0)
        {
            throw new DomainException("CreditNote.NoLines");
        }

        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new DomainException("CreditNote.ReasonRequired");
        }

        var note = new CreditNote
        {
            Number = number,
            IssueDate = Deadlines.BusinessDate.Of(now),
            IssuedAt = now,
            IssuedByName = issuedByName,
            Currency = invoice.Currency,
            Seller = seller,
            Buyer = buyer,
            CustomerAccountId = invoice.CustomerAccountId,
            InvoiceId = invoice.Id,
            InvoiceNumber = invoice.Number,
            InvoiceIssueDate = invoice.IssueDate,
            DisputeId = disputeId,
            Reason = reason.Trim(),
            OperationCategory = operationCategory,

            // Copied: EF Core tracks an owned value by reference (see PartyIdentity.Of).
            DeliveryAddress = deliveryAddress is null ? null : deliveryAddress with { },
        };
        var lineNumber = 1;
        foreach (var line in lines)
        {
            note._lines.Add(new CreditNoteLine(lineNumber++, line.Description, line.Quantity, line.UnitPrice, line.VatRate));
        }

        note.TotalNet = note._lines.Sum(l => l.NetAmount);
        note.TotalVat = note._lines.Sum(l => l.VatAmount);
        note.TotalGross = note.TotalNet + note.TotalVat;
        invoice.ApplyCredit(note.TotalGross);
        return note;
    }

    /// <summary>Records where the rendered documents are stored; done once, right after issuing.</summary>
    public void AttachDocuments(string pdfBlobName, string pdfSha256, string xmlBlobName, string xmlSha256)
    {
        if (PdfBlobName is not null)
        {
            throw new DomainException("CreditNote.Immutable", Number);
        }

        PdfBlobName = pdfBlobName;
        PdfSha256 = pdfSha256;
        XmlBlobName = xmlBlobName;
        XmlSha256 = xmlSha256;
    }
}
