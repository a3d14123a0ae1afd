using Litiges.Disputes;
using Litiges.Invoices;
using Litiges.UnitTests.Builders;

namespace Litiges.UnitTests.Disputes;

public class DunningBlockTests
{
    private static readonly DateOnly PaidOn = new(2026, 6, 10);

    // Line 1: 10 × 12.00 at 20 % = 144.00; line 2: 4 × 25.50 at 5.5 % = 107.61; line 3: 2 × 80.00 at 20 % = 192.00.
    private static Invoice ThreeLineInvoice(int company = Actors.Company1) =>
        new InvoiceBuilder()
            .OfCompany(company)
            .WithLine(10m, 12.00m, 0.20m)
            .WithLine(4m, 25.50m, 0.055m)
            .WithLine(2m, 80.00m, 0.20m)
            .Build();

    [Fact]
    public void Opening_blocks_the_claimed_amount_of_each_covered_invoice()
    {
        var whole = new InvoiceBuilder().Build();
        var partial = ThreeLineInvoice();
        var builder = new DisputeBuilder().Claiming(whole).ClaimingLine(partial, partial.Lines[1], 50.00m);

        var dispute = builder.Open();

        Assert.Equal(170.00m, dispute.DisputedAmount);
        Assert.Equal(120.00m, whole.BlockedAmount);
        Assert.Equal(0m, whole.DunnableBalance);
        Assert.Equal(50.00m, partial.BlockedAmount);
        Assert.Equal(443.61m - 50.00m, partial.DunnableBalance);
        var block = Assert.Single(partial.DunningBlocks);
        Assert.Equal(50.00m, block.Amount);
        Assert.Equal(DisputeBuilder.Submitted, block.PlacedAt);
        Assert.True(block.IsActive);
        Assert.Same(dispute, block.Dispute);
    }

    [Fact]
    public void A_partial_claim_on_a_whole_invoice_blocks_only_that_part()
    {
        var invoice = new InvoiceBuilder().Build();

        new DisputeBuilder().Claiming(invoice, 45.50m).Open();

        Assert.Equal(45.50m, invoice.BlockedAmount);
        Assert.Equal(74.50m, invoice.DunnableBalance);
        Assert.Equal(120.00m, invoice.OpenBalance);
        Assert.True(invoice.IsBlocked);
    }

    [Fact]
    public void Claims_on_several_lines_of_an_invoice_place_one_block_of_their_sum()
    {
        var invoice = ThreeLineInvoice();

        var dispute = new DisputeBuilder()
            .ClaimingLine(invoice, invoice.Lines[0])
            .ClaimingLine(invoice, invoice.Lines[2], 40.00m, quantity: 1m)
            .Open();

        Assert.Equal(184.00m, dispute.DisputedAmount);
        Assert.Equal(184.00m, Assert.Single(invoice.DunningBlocks).Amount);
        Assert.Equal(184.00m, invoice.BlockedAmount);
        Assert.Equal([144.00m, 40.00m], dispute.Items.Select(i => i.Amount));
        Assert.Equal(1m, dispute.Items[1].Quantity);
    }

    [Fact]
    public void A_claim_above_the_lines_gross_amount_is_refused()
    {
        var invoice = ThreeLineInvoice();

        AssertRefused("Dispute.AmountExceedsLine", new DisputeBuilder().ClaimingLine(invoice, invoice.Lines[1], 107.62m), invoice);
    }

    [Fact]
    public void A_claim_of_exactly_the_lines_gross_amount_is_accepted()
    {
        var invoice = ThreeLineInvoice();

        new DisputeBuilder().ClaimingLine(invoice, invoice.Lines[1], 107.61m).Open();

        Assert.Equal(107.61m, invoice.BlockedAmount);
    }

    [Fact]
    public void A_claim_of_more_quantity_than_the_line_is_refused()
    {
        var invoice = ThreeLineInvoice();

        AssertRefused("Dispute.QuantityExceedsLine", new DisputeBuilder().ClaimingLine(invoice, invoice.Lines[2], 50m, quantity: 3m), invoice);
    }

    [Fact]
    public void A_claim_above_the_invoices_gross_total_is_refused()
    {
        var invoice = new InvoiceBuilder().Build();

        AssertRefused("Dispute.AmountExceedsOpenBalance", new DisputeBuilder().Claiming(invoice, 120.01m), invoice);
    }

    [Fact]
    public void A_line_claim_above_what_is_left_to_pay_is_refused()
    {
        var invoice = ThreeLineInvoice();
        invoice.RecordPayment(400.00m, PaidOn, "VIR-1");

        AssertRefused("Dispute.AmountExceedsOpenBalance", new DisputeBuilder().ClaimingLine(invoice, invoice.Lines[0]), invoice);
    }

    [Fact]
    public void A_claim_above_what_another_dispute_leaves_dunnable_is_refused()
    {
        var invoice = new InvoiceBuilder().Build();
        var first = new DisputeBuilder().Claiming(invoice, 100.00m).Open();
        var second = new DisputeBuilder().Claiming(invoice, 20.01m);

        var refused = Assert.Throws<DomainException>(second.Open);

        Assert.Equal("Dispute.AmountExceedsOpenBalance", refused.Code);
        Assert.Equal(100.00m, invoice.BlockedAmount);
        Assert.Same(first, Assert.Single(invoice.DunningBlocks).Dispute);
    }

    [Fact]
    public void When_one_invoice_of_several_is_over_claimed_nothing_is_blocked_on_any()
    {
        var fine = new InvoiceBuilder().Build();
        var overClaimed = new InvoiceBuilder().Build();

        AssertRefused(
            "Dispute.AmountExceedsOpenBalance",
            new DisputeBuilder().Claiming(fine, 60.00m).Claiming(overClaimed, 150.00m),
            fine,
            overClaimed);
    }

    [Fact]
    public void A_claim_on_another_companys_invoice_is_refused()
    {
        var ours = new InvoiceBuilder().Build();
        var theirs = new InvoiceBuilder().OfCompany(Actors.Company2).Build();

        AssertRefused("Dispute.InvoiceOfAnotherCompany", new DisputeBuilder().Claiming(ours).Claiming(theirs), ours, theirs);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-10.00")]
    public void A_claim_that_is_not_positive_is_refused(string amount)
    {
        var invoice = new InvoiceBuilder().Build();

        AssertRefused("Dispute.AmountNotPositive", new DisputeBuilder().Claiming(invoice, decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture)), invoice);
    }

    [Fact]
    public void A_claim_not_in_cents_is_refused()
    {
        var invoice = new InvoiceBuilder().Build();

        AssertRefused("Dispute.AmountNotInCents", new DisputeBuilder().Claiming(invoice, 10.005m), invoice);
    }

    [Fact]
    public void A_line_claimed_twice_is_refused()
    {
        var invoice = ThreeLineInvoice();

        AssertRefused(
            "Dispute.LineClaimedTwice",
            new DisputeBuilder().ClaimingLine(invoice, invoice.Lines[0], 10.00m).ClaimingLine(invoice, invoice.Lines[0], 20.00m),
            invoice);
    }

    [Fact]
    public void A_whole_invoice_and_lines_of_the_same_invoice_are_refused()
    {
        var invoice = ThreeLineInvoice();

        AssertRefused(
            "Dispute.WholeInvoiceAndLines",
            new DisputeBuilder().Claiming(invoice, 100.00m).ClaimingLine(invoice, invoice.Lines[0], 20.00m),
            invoice);
    }

    [Fact]
    public void A_line_of_another_invoice_is_refused()
    {
        var invoice = ThreeLineInvoice();
        var other = ThreeLineInvoice();

        AssertRefused("Dispute.LineNotOnInvoice", new DisputeBuilder().ClaimingLine(invoice, other.Lines[0], 10.00m), invoice, other);
    }

    [Fact]
    public void Invoices_in_different_currencies_are_refused()
    {
        var euros = new InvoiceBuilder().Build();
        var pounds = new InvoiceBuilder().InCurrency("GBP").Build();

        AssertRefused("Dispute.MixedCurrencies", new DisputeBuilder().Claiming(euros).Claiming(pounds), euros, pounds);
    }

    [Theory]
    [InlineData(DisputeStatus.Resolved)]
    [InlineData(DisputeStatus.Rejected)]
    [InlineData(DisputeStatus.Withdrawn)]
    public void Ending_a_dispute_lifts_its_blocks(DisputeStatus end)
    {
        var whole = new InvoiceBuilder().Build();
        var partial = ThreeLineInvoice();
        var builder = new DisputeBuilder().Claiming(whole, 70.00m).ClaimingLine(partial, partial.Lines[0]);

        var dispute = builder.In(end);

        foreach (var invoice in new[] { whole, partial })
        {
            Assert.Equal(0m, invoice.BlockedAmount);
            Assert.False(invoice.IsBlocked);
            Assert.Equal(invoice.OpenBalance, invoice.DunnableBalance);
            var block = Assert.Single(invoice.DunningBlocks);
            Assert.False(block.IsActive);
            Assert.Equal(dispute.EndedAt, block.LiftedAt);
        }

        Assert.Equal(120.00m, whole.DunnableBalance);
        Assert.Equal(443.61m, partial.DunnableBalance);
    }

    [Fact]
    public void Closing_a_resolved_dispute_keeps_its_blocks_lifted()
    {
        var invoice = new InvoiceBuilder().Build();

        new DisputeBuilder().Claiming(invoice).In(DisputeStatus.Closed);

        Assert.Equal(0m, invoice.BlockedAmount);
        Assert.Equal(120.00m, invoice.DunnableBalance);
    }

    [Fact]
    public void Reopening_blocks_the_claim_again()
    {
        var invoice = new InvoiceBuilder().Build();
        var builder = new DisputeBuilder().Claiming(invoice, 80.00m);
        var dispute = builder.In(DisputeStatus.Rejected);

        dispute.Reopen(Actors.CustomerOfCompany1, "Nouvelle preuve.", Transitions.ReopenWindow, builder.Clock.GetUtcNow());

        Assert.Equal(80.00m, invoice.BlockedAmount);
        Assert.Equal(2, invoice.DunningBlocks.Count);
        Assert.Equal(builder.Clock.GetUtcNow(), invoice.DunningBlocks.Single(b => b.IsActive).PlacedAt);
    }

    [Fact]
    public void Reopening_after_a_credit_note_blocks_at_most_what_is_left_to_pay()
    {
        var invoice = new InvoiceBuilder().Build();
        var builder = new DisputeBuilder().Claiming(invoice);
        var dispute = builder.In(DisputeStatus.Resolved);
        invoice.ApplyCredit(100.00m);

        dispute.Reopen(Actors.Agent, "Avoir partiel seulement.", Transitions.ReopenWindow, builder.Clock.GetUtcNow());

        Assert.Equal(20.00m, invoice.OpenBalance);
        Assert.Equal(20.00m, invoice.BlockedAmount);
        Assert.Equal(0m, invoice.DunnableBalance);
        Assert.Equal(20.00m, invoice.DunningBlocks.Single(b => b.IsActive).Amount);
    }

    [Fact]
    public void Reopening_a_dispute_on_a_settled_invoice_blocks_nothing()
    {
        var invoice = new InvoiceBuilder().Build();
        var builder = new DisputeBuilder().Claiming(invoice);
        var dispute = builder.In(DisputeStatus.Resolved);
        invoice.ApplyCredit(120.00m);

        dispute.Reopen(Actors.Agent, "Contestation de l'avoir.", Transitions.ReopenWindow, builder.Clock.GetUtcNow());

        Assert.Equal(DisputeStatus.InReview, dispute.Status);
        Assert.Equal(0m, invoice.BlockedAmount);
        Assert.DoesNotContain(invoice.DunningBlocks, b => b.IsActive);
    }

    [Fact]
    public void Reopening_blocks_no_more_than_another_dispute_left_dunnable()
    {
        var invoice = ThreeLineInvoice();
        var firstBuilder = new DisputeBuilder().ClaimingLine(invoice, invoice.Lines[2]);
        var first = firstBuilder.In(DisputeStatus.Rejected);
        new DisputeBuilder().Claiming(invoice, 400.00m).Open();

        first.Reopen(Actors.Agent, "Nouvel élément.", Transitions.ReopenWindow, firstBuilder.Clock.GetUtcNow());

        Assert.Equal(443.61m, invoice.BlockedAmount);
        Assert.Equal(43.61m, invoice.DunningBlocks.Single(b => b.IsActive && ReferenceEquals(b.Dispute, first)).Amount);
        Assert.Equal(0m, invoice.DunnableBalance);
    }

    [Fact]
    public void Two_disputes_on_different_lines_each_block_their_part_and_lifting_one_leaves_the_other()
    {
        var invoice = ThreeLineInvoice();
        var first = new DisputeBuilder().ClaimingLine(invoice, invoice.Lines[0]).Open();
        var secondBuilder = new DisputeBuilder().ClaimingLine(invoice, invoice.Lines[1], 30.00m);
        var second = secondBuilder.Open();

        Assert.Equal(174.00m, invoice.BlockedAmount);
        Assert.Equal(2, invoice.DunningBlocks.Count(b => b.IsActive));

        second.DriveTo(DisputeStatus.Withdrawn, secondBuilder.Clock);

        Assert.Equal(144.00m, invoice.BlockedAmount);
        Assert.Equal(443.61m - 144.00m, invoice.DunnableBalance);
        var remaining = Assert.Single(invoice.DunningBlocks, b => b.IsActive);
        Assert.Same(first, remaining.Dispute);
        Assert.Equal(DisputeStatus.Submitted, first.Status);
    }

    [Fact]
    public void A_payment_below_the_blocked_amount_caps_the_block_at_the_balance()
    {
        var invoice = new InvoiceBuilder().Build();
        var builder = new DisputeBuilder().Claiming(invoice, 100.00m);
        var dispute = builder.In(DisputeStatus.InReview);

        invoice.RecordPayment(50.00m, PaidOn, "VIR-2");

        Assert.Equal(70.00m, invoice.OpenBalance);
        Assert.Equal(70.00m, invoice.BlockedAmount);
        Assert.Equal(0m, invoice.DunnableBalance);

        dispute.Reject(Actors.Agent, "Prix conforme au contrat.", builder.Clock.GetUtcNow());

        Assert.Equal(0m, invoice.BlockedAmount);
        Assert.Equal(70.00m, invoice.DunnableBalance);
    }

    [Fact]
    public void A_payment_above_the_dunnable_part_leaves_the_block_whole()
    {
        var invoice = new InvoiceBuilder().Build();
        new DisputeBuilder().Claiming(invoice, 30.00m).Open();

        invoice.RecordPayment(90.00m, PaidOn, "VIR-3");

        Assert.Equal(30.00m, invoice.OpenBalance);
        Assert.Equal(30.00m, invoice.BlockedAmount);
        Assert.Equal(0m, invoice.DunnableBalance);
    }

    private static void AssertRefused(string code, DisputeBuilder builder, params Invoice[] invoices)
    {
        var refused = Assert.Throws<DomainException>(builder.Open);

        Assert.Equal(code, refused.Code);
        Assert.All(invoices, invoice =>
        {
            Assert.Equal(0m, invoice.BlockedAmount);
            Assert.Empty(invoice.DunningBlocks);
            Assert.Equal(invoice.OpenBalance, invoice.DunnableBalance);
        });
    }
}
