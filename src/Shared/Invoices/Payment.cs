namespace Litiges.Invoices;

/// <summary>Money received against an invoice.</summary>
public sealed class Payment
{
    private Payment()
    {
        Reference = string.Empty;
    }

    internal Payment(decimal amount, DateOnly receivedOn, string reference)
    {
        Amount = amount;
        ReceivedOn = receivedOn;
        Reference = reference;
    }

    public int Id { get; private set; }

    public int InvoiceId { get; private set; }

    public decimal Amount { get; private set; }

    public DateOnly ReceivedOn { get; private set; }

    /// <summary>The ERP's reference for the payment (bank transfer id, cheque number...).</summary>
    public string Reference { get; private set; }
}
