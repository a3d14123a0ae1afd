using Litiges.Finance;

namespace Litiges.Invoices;

/// <summary>A line of an invoice. Net and VAT are rounded on the line, as the printed invoice shows them.</summary>
public sealed class InvoiceLine
{
    private InvoiceLine()
    {
        Description = string.Empty;
    }

    internal InvoiceLine(int lineNumber, string description, decimal quantity, decimal unitPrice, decimal vatRate)
    {
        if (quantity <= 0)
        {
            throw new DomainException("Invoice.LineQuantityNotPositive", lineNumber);
        }

        if (vatRate is < 0 or > 1)
        {
            throw new DomainException("Invoice.VatRateOutOfRange", vatRate);
        }

        LineNumber = lineNumber;
        Description = description;
        Quantity = quantity;
        UnitPrice = unitPrice;
        VatRate = vatRate;
        (NetAmount, VatAmount) = VatBreakdown.LineAmounts(quantity, unitPrice, vatRate);
    }

    public int Id { get; private set; }

    public int InvoiceId { get; private set; }

    public int LineNumber { get; private set; }

    public string Description { get; private set; }

    public decimal Quantity { get; private set; }

    public decimal UnitPrice { get; private set; }

    /// <summary>VAT rate as a fraction: 0.20 for 20 %.</summary>
    public decimal VatRate { get; private set; }

    public decimal NetAmount { get; private set; }

    public decimal VatAmount { get; private set; }

    public decimal GrossAmount => NetAmount + VatAmount;
}
