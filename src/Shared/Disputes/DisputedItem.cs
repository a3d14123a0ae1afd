using Litiges.Invoices;

namespace Litiges.Disputes;

/// <summary>What a dispute covers on one invoice: the whole invoice or one line, and the amount contested (incl. VAT).</summary>
public sealed class DisputedItem
{
    private DisputedItem()
    {
    }

    internal DisputedItem(Invoice invoice, InvoiceLine? line, decimal? quantity, decimal amount)
    {
        Invoice = invoice;
        InvoiceId = invoice.Id;
        InvoiceLine = line;
        InvoiceLineId = line?.Id;
        Quantity = quantity;
        Amount = amount;
    }

    public int Id { get; private set; }

    public int DisputeId { get; private set; }

    public int InvoiceId { get; private set; }

    public Invoice? Invoice { get; private set; }

    /// <summary>The line contested, or null when the claim is on the invoice as a whole.</summary>
    public int? InvoiceLineId { get; private set; }

    public InvoiceLine? InvoiceLine { get; private set; }

    /// <summary>The quantity contested on the line, when the customer gave one.</summary>
    public decimal? Quantity { get; private set; }

    public decimal Amount { get; private set; }
}

/// <summary>One claim as the customer (or staff) states it when opening a dispute.</summary>
public sealed record DisputeClaim(Invoice Invoice, InvoiceLine? Line, decimal Amount, decimal? Quantity = null);
