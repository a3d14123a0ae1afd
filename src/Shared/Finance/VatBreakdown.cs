namespace Litiges.Finance;

/// <summary>One VAT rate's share of a document: the net base and the tax, both to the cent.</summary>
public sealed record VatLine(decimal Rate, decimal NetAmount, decimal VatAmount)
{
    public decimal GrossAmount => NetAmount + VatAmount;
}

public static class VatBreakdown
{
    /// <summary>
    /// A line's net and VAT as the documents print them: net rounded to the cent, then VAT on the
    /// rounded net, rounded to the cent. Invoices, credit notes and proposed credits all use it.
    /// </summary>
    public static (decimal Net, decimal Vat) LineAmounts(decimal quantity, decimal unitPrice, decimal vatRate)
    {
        var net = Money.RoundToCent(quantity * unitPrice);
        return (net, Money.RoundToCent(net * vatRate));
    }

    /// <summary>
    /// Groups already-rounded line amounts by rate. Each line's VAT is rounded on the line (as our
    /// invoices print it), so the breakdown is the sum of the lines and matches the invoice to the cent.
    /// </summary>
    public static IReadOnlyList<VatLine> Of(IEnumerable<(decimal Rate, decimal Net, decimal Vat)> lines) =>
        lines.GroupBy(l => l.Rate)
            .OrderBy(g => g.Key)
            .Select(g => new VatLine(g.Key, g.Sum(l => l.Net), g.Sum(l => l.Vat)))
            .ToList();
}
