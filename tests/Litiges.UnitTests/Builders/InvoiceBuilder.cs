using Litiges.Finance;
using Litiges.Invoices;

namespace Litiges.UnitTests.Builders;

/// <summary>
/// Builds an invoice of company 1 in euros. Without lines it gets one: 1 × 100.00 at 20 %
/// (gross 120.00). Ids stay 0: the domain matches dunning blocks to disputes by reference.
/// </summary>
internal sealed class InvoiceBuilder
{
    private static int s_lastNumber;

    private readonly List<(string Description, decimal Quantity, decimal UnitPrice, decimal VatRate)> _lines = [];
    private string? _number;
    private int _customerAccountId = Actors.Company1;
    private string _currency = Money.Euro;
    private DateOnly _issueDate = new(2026, 5, 4);

    public InvoiceBuilder Numbered(string number)
    {
        _number = number;
        return this;
    }

    public InvoiceBuilder OfCompany(int customerAccountId)
    {
        _customerAccountId = customerAccountId;
        return this;
    }

    public InvoiceBuilder InCurrency(string currency)
    {
        _currency = currency;
        return this;
    }

    public InvoiceBuilder IssuedOn(DateOnly issueDate)
    {
        _issueDate = issueDate;
        return this;
    }

    /// <param name="vatRate">A fraction: 0.20m for 20 %.</param>
    public InvoiceBuilder WithLine(decimal quantity, decimal unitPrice, decimal vatRate, string? description = null)
    {
        _lines.Add((description ?? $"Article {_lines.Count + 1}", quantity, unitPrice, vatRate));
        return this;
    }

    public Invoice Build()
    {
        var number = _number ?? $"F-2026-{Interlocked.Increment(ref s_lastNumber):00000}";
        var invoice = new Invoice(number, _customerAccountId, _issueDate, _issueDate.AddDays(30), _currency);
        if (_lines.Count == 0)
        {
            invoice.AddLine("Article 1", 1m, 100m, 0.20m);
        }

        foreach (var (description, quantity, unitPrice, vatRate) in _lines)
        {
            invoice.AddLine(description, quantity, unitPrice, vatRate);
        }

        return invoice;
    }
}
