using Litiges.Finance;
using Litiges.Invoices;
using Litiges.UnitTests.Builders;

namespace Litiges.UnitTests.Invoices;

public class InvoiceTests
{
    private static readonly DateOnly ReceivedOn = new(2026, 6, 15);

    /// <summary>Quantity, unit price, VAT rate → net and VAT of the line, each rounded half away from zero.</summary>
    public static TheoryData<decimal, decimal, decimal, decimal, decimal> Lines => new()
    {
        { 3m, 19.99m, 0.055m, 59.97m, 3.30m },      // VAT 3.29835
        { 1m, 0.25m, 0.10m, 0.25m, 0.03m },         // VAT 0.025: half up, not to even (0.02)
        { 1m, 3.00m, 0.055m, 3.00m, 0.17m },        // VAT 0.165: half up, not to even (0.16)
        { 1m, 0.125m, 0.20m, 0.13m, 0.03m },        // net 0.125 → 0.13, then VAT 0.026 on the rounded net
        { 3m, 0.015m, 0.20m, 0.05m, 0.01m },        // net 0.045 → 0.05, not to even (0.04)
        { 2.5m, 13.33m, 0.20m, 33.33m, 6.67m },     // net 33.325, VAT 6.666
        { 1m, -0.125m, 0.20m, -0.13m, -0.03m },     // a discount line rounds away from zero too
        { 7m, 12.49m, 0m, 87.43m, 0m },             // exempt
    };

    [Theory]
    [MemberData(nameof(Lines))]
    public void A_line_rounds_net_and_VAT_to_the_cent_half_away_from_zero(
        decimal quantity, decimal unitPrice, decimal vatRate, decimal net, decimal vat)
    {
        var invoice = new InvoiceBuilder().WithLine(quantity, unitPrice, vatRate).Build();

        var line = Assert.Single(invoice.Lines);
        Assert.Equal(net, line.NetAmount);
        Assert.Equal(vat, line.VatAmount);
        Assert.Equal(net + vat, line.GrossAmount);
        Assert.Equal(net + vat, invoice.TotalGross);
    }

    [Fact]
    public void Totals_are_the_sum_of_the_rounded_lines_not_the_rounded_sum()
    {
        // Each line's VAT 0.0055 rounds to 0.01; VAT on the 0.30 total would be 0.0165 → 0.02.
        var invoice = new InvoiceBuilder()
            .WithLine(1m, 0.10m, 0.055m)
            .WithLine(1m, 0.10m, 0.055m)
            .WithLine(1m, 0.10m, 0.055m)
            .Build();

        Assert.Equal(0.30m, invoice.TotalNet);
        Assert.Equal(0.03m, invoice.TotalVat);
        Assert.Equal(0.33m, invoice.TotalGross);
        Assert.Equal(new VatLine(0.055m, 0.30m, 0.03m), Assert.Single(invoice.VatBreakdown()));
    }

    [Fact]
    public void Mixed_rates_break_down_per_rate_and_add_up_to_the_totals_to_the_cent()
    {
        var invoice = new InvoiceBuilder()
            .WithLine(3m, 19.99m, 0.055m)    // 59.97 + 3.30 (3.29835)
            .WithLine(2m, 47.35m, 0.10m)     // 94.70 + 9.47
            .WithLine(7m, 12.49m, 0.20m)     // 87.43 + 17.49 (17.486)
            .WithLine(1m, 0.25m, 0.10m)      //  0.25 +  0.03 (0.025)
            .WithLine(4m, 8.333m, 0.20m)     // 33.33 (33.332) + 6.67 (6.666)
            .Build();

        var breakdown = invoice.VatBreakdown();

        Assert.Equal(
            [
                new VatLine(0.055m, 59.97m, 3.30m),
                new VatLine(0.10m, 94.95m, 9.50m),
                new VatLine(0.20m, 120.76m, 24.16m), // 24.152 if computed on the base: per line it is 24.16
            ],
            breakdown);
        Assert.Equal(275.68m, invoice.TotalNet);
        Assert.Equal(36.96m, invoice.TotalVat);
        Assert.Equal(312.64m, invoice.TotalGross);
        Assert.Equal(invoice.TotalNet, breakdown.Sum(b => b.NetAmount));
        Assert.Equal(invoice.TotalVat, breakdown.Sum(b => b.VatAmount));
        Assert.Equal(invoice.TotalGross, breakdown.Sum(b => b.GrossAmount));
    }

    [Fact]
    public void A_rate_written_with_more_decimals_is_still_the_same_rate()
    {
        var invoice = new InvoiceBuilder().WithLine(1m, 10m, 0.2m).WithLine(1m, 5m, 0.200m).Build();

        var rate = Assert.Single(invoice.VatBreakdown());
        Assert.Equal(15.00m, rate.NetAmount);
        Assert.Equal(3.00m, rate.VatAmount);
    }

    [Fact]
    public void A_new_invoice_is_open_for_its_gross_total()
    {
        var invoice = new InvoiceBuilder().Numbered(" F-2026-00042 ").WithLine(3m, 19.99m, 0.055m).Build();

        Assert.Equal("F-2026-00042", invoice.Number);
        Assert.Equal(InvoiceStatus.Open, invoice.Status);
        Assert.Equal(63.27m, invoice.OpenBalance);
        Assert.Equal(63.27m, invoice.DunnableBalance);
        Assert.Equal(0m, invoice.PaidAmount);
        Assert.False(invoice.IsBlocked);
    }

    [Fact]
    public void Payments_reduce_the_balance_until_the_invoice_is_paid()
    {
        var invoice = new InvoiceBuilder().Build();

        var first = invoice.RecordPayment(50.00m, ReceivedOn, "VIR-001");

        Assert.Equal(50.00m, first.Amount);
        Assert.Equal("VIR-001", first.Reference);
        Assert.Equal(50.00m, invoice.PaidAmount);
        Assert.Equal(70.00m, invoice.OpenBalance);
        Assert.Equal(InvoiceStatus.PartiallyPaid, invoice.Status);

        invoice.RecordPayment(70.00m, ReceivedOn.AddDays(5), "VIR-002");

        Assert.Equal(120.00m, invoice.PaidAmount);
        Assert.Equal(0m, invoice.OpenBalance);
        Assert.Equal(InvoiceStatus.Paid, invoice.Status);
        Assert.Equal(2, invoice.Payments.Count);
    }

    [Fact]
    public void A_credit_note_reduces_the_balance()
    {
        var invoice = new InvoiceBuilder().Build();

        invoice.ApplyCredit(20.00m);

        Assert.Equal(20.00m, invoice.CreditedAmount);
        Assert.Equal(100.00m, invoice.OpenBalance);
        Assert.Equal(InvoiceStatus.PartiallyPaid, invoice.Status);
    }

    [Fact]
    public void Payments_and_credits_together_settle_the_invoice()
    {
        var invoice = new InvoiceBuilder().Build();

        invoice.RecordPayment(100.00m, ReceivedOn, "VIR-003");
        invoice.ApplyCredit(20.00m);

        Assert.Equal(0m, invoice.OpenBalance);
        Assert.Equal(InvoiceStatus.Paid, invoice.Status);
    }

    [Fact]
    public void An_overpayment_is_refused_and_changes_nothing()
    {
        var invoice = new InvoiceBuilder().Build();
        invoice.RecordPayment(100.00m, ReceivedOn, "VIR-004");

        var refused = Assert.Throws<DomainException>(() => invoice.RecordPayment(20.01m, ReceivedOn, "VIR-005"));

        Assert.Equal("Invoice.PaymentExceedsBalance", refused.Code);
        Assert.Equal(20.00m, invoice.OpenBalance);
        Assert.Equal(100.00m, invoice.PaidAmount);
        Assert.Single(invoice.Payments);
        Assert.Equal(InvoiceStatus.PartiallyPaid, invoice.Status);
    }

    [Theory]
    [InlineData("0", "Invoice.PaymentNotPositive")]
    [InlineData("-5.00", "Invoice.PaymentNotPositive")]
    [InlineData("10.001", "Invoice.AmountNotInCents")]
    public void A_payment_that_is_not_a_positive_amount_in_cents_is_refused(string amount, string code)
    {
        var invoice = new InvoiceBuilder().Build();

        var refused = Assert.Throws<DomainException>(
            () => invoice.RecordPayment(decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture), ReceivedOn, "VIR"));

        Assert.Equal(code, refused.Code);
        Assert.Equal(120.00m, invoice.OpenBalance);
        Assert.Empty(invoice.Payments);
    }

    [Theory]
    [InlineData("120.01")]
    [InlineData("0")]
    [InlineData("-1.00")]
    public void A_credit_above_the_balance_or_not_positive_is_refused(string amount)
    {
        var invoice = new InvoiceBuilder().Build();

        Assert.Throws<DomainException>(() => invoice.ApplyCredit(decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture)));

        Assert.Equal(0m, invoice.CreditedAmount);
        Assert.Equal(120.00m, invoice.OpenBalance);
        Assert.Equal(InvoiceStatus.Open, invoice.Status);
    }

    [Fact]
    public void A_credit_not_in_cents_is_refused()
    {
        var invoice = new InvoiceBuilder().Build();

        var refused = Assert.Throws<DomainException>(() => invoice.ApplyCredit(10.005m));

        Assert.Equal("Invoice.AmountNotInCents", refused.Code);
        Assert.Equal(120.00m, invoice.OpenBalance);
    }

    [Fact]
    public void Lines_cannot_be_added_once_a_payment_is_recorded()
    {
        var invoice = new InvoiceBuilder().Build();
        invoice.RecordPayment(10.00m, ReceivedOn, "VIR-006");

        var refused = Assert.Throws<DomainException>(() => invoice.AddLine("Frais de port", 1m, 15m, 0.20m));

        Assert.Equal("Invoice.LinesFrozen", refused.Code);
        Assert.Single(invoice.Lines);
        Assert.Equal(120.00m, invoice.TotalGross);
    }

    [Theory]
    [InlineData("0", "0.20", "Invoice.LineQuantityNotPositive")]
    [InlineData("-1", "0.20", "Invoice.LineQuantityNotPositive")]
    [InlineData("1", "20", "Invoice.VatRateOutOfRange")]
    [InlineData("1", "-0.055", "Invoice.VatRateOutOfRange")]
    public void An_invalid_line_is_refused(string quantity, string vatRate, string code)
    {
        var invoice = new InvoiceBuilder().Build();
        var culture = System.Globalization.CultureInfo.InvariantCulture;

        var refused = Assert.Throws<DomainException>(
            () => invoice.AddLine("Article", decimal.Parse(quantity, culture), 10m, decimal.Parse(vatRate, culture)));

        Assert.Equal(code, refused.Code);
        Assert.Equal(120.00m, invoice.TotalGross);
    }

    [Fact]
    public void An_invoice_due_before_it_is_issued_is_refused()
    {
        var refused = Assert.Throws<DomainException>(
            () => new Invoice("F-1", Actors.Company1, new DateOnly(2026, 5, 4), new DateOnly(2026, 5, 3)));

        Assert.Equal("Invoice.DueBeforeIssue", refused.Code);
    }
}
