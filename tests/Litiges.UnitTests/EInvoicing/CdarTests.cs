using Litiges.EInvoicing;
using Litiges.Finance;

namespace Litiges.UnitTests.EInvoicing;

/// <summary>Reading the PA's CDAR statuses (hand-written samples under Samples/) and writing the seller's own.</summary>
public sealed class CdarTests
{
    public static string Sample(string name, string message = "MSG-1", string invoice = "FA-2026-0042") =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "EInvoicing", "Samples", name))
            .Replace("{{message}}", message, StringComparison.Ordinal)
            .Replace("{{invoice}}", invoice, StringComparison.Ordinal);

    [Fact]
    public void A_dispute_on_a_line_gives_its_status_reason_line_and_amount()
    {
        var (status, problem) = Cdar.Read(Sample("207-en-litige-ligne.xml"));

        Assert.Null(problem);
        Assert.Equal("MSG-1", status!.MessageId);
        Assert.Equal("FA-2026-0042", status.InvoiceNumber);
        Assert.Equal(LifecycleStatus.InDispute, status.StatusCode);
        Assert.Equal("123456782", status.SellerSiren);
        Assert.Equal(new DateTimeOffset(2026, 12, 3, 10, 15, 0, TimeSpan.Zero), status.IssuedAt);
        Assert.Equal([new CdarReason("QTE_ERR", "2 palettes facturées en trop")], status.Reasons);
        var amount = Assert.Single(status.Amounts);
        Assert.Equal(("1", 240.00m), (amount.LineId, amount.Amount));
    }

    [Fact]
    public void The_status_code_may_sit_in_the_document_status_only()
    {
        var (status, _) = Cdar.Read(Sample("208-suspendue.xml"));

        Assert.Equal(LifecycleStatus.Suspended, status!.StatusCode);
        Assert.Equal("JUSTIF_ABS", Assert.Single(status.Reasons).Code);
        Assert.Empty(status.Amounts);
    }

    [Theory]
    [InlineData("malformed.xml", "EInvoicing.Park.Malformed")]
    [InlineData("<Invoice xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:Invoice-2\"/>", "EInvoicing.Park.NotCdar")]
    [InlineData("<rsm:CrossDomainAcknowledgementAndResponse xmlns:rsm=\"urn:un:unece:uncefact:data:standard:CrossDomainAcknowledgementAndResponse:100\"/>", "EInvoicing.Park.MissingField")]
    [InlineData("", "EInvoicing.Park.Malformed")]
    public void What_is_not_a_readable_status_says_why(string input, string reason)
    {
        var content = input.EndsWith(".xml", StringComparison.Ordinal) ? Sample(input) : input;

        var (status, problem) = Cdar.Read(content);

        Assert.Null(status);
        Assert.Equal(reason, problem!.Key);
    }

    [Fact]
    public void A_document_type_declaration_is_refused_so_no_entity_is_ever_expanded()
    {
        var content = """
            <?xml version="1.0"?>
            <!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>
            <rsm:CrossDomainAcknowledgementAndResponse xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossDomainAcknowledgementAndResponse:100">&x;</rsm:CrossDomainAcknowledgementAndResponse>
            """;

        var (status, problem) = Cdar.Read(content);

        Assert.Null(status);
        Assert.Equal("EInvoicing.Park.Malformed", problem!.Key);
    }

    [Fact]
    public void A_status_code_outside_the_profile_is_read_and_left_to_the_intake_to_refuse()
    {
        var (status, _) = Cdar.Read(Sample("228-statut-non-traite.xml"));

        Assert.Equal(228, status!.StatusCode);
        Assert.False(LifecycleStatus.IsKnown(228));
    }

    [Theory]
    [InlineData(206, StatusEffect.Dispute)]
    [InlineData(207, StatusEffect.Dispute)]
    [InlineData(208, StatusEffect.Dispute)]
    [InlineData(210, StatusEffect.Dispute)]
    [InlineData(205, StatusEffect.Progress)]
    [InlineData(209, StatusEffect.Progress)]
    [InlineData(211, StatusEffect.Progress)]
    [InlineData(212, StatusEffect.Progress)]
    [InlineData(200, StatusEffect.InvoiceOnly)]
    [InlineData(213, StatusEffect.InvoiceOnly)]
    public void Each_status_code_has_its_effect(int code, StatusEffect effect) => Assert.Equal(effect, LifecycleStatus.EffectOf(code));

    [Theory]
    [InlineData("QTE_ERR", "FAC")]
    [InlineData("LIVR_INCOMP", "LIV")]
    [InlineData("QUALITE_ERR", "QUA")]
    [InlineData("CMD_ERR", "COM")]
    [InlineData("AUTRE", "EXT")]
    [InlineData("NOT_A_CODE", "EXT")]
    public void Status_reasons_point_to_the_dispute_reason_codes(string reason, string code) =>
        Assert.Equal(code, StatusReasons.DisputeReasonCodeFor([reason]));

    [Fact]
    public void A_payment_received_is_written_as_212_split_by_vat_rate_to_the_cent_and_reads_back()
    {
        var subject = new SellerStatusSubject("123456782", "552100554", "FA-2026-0042", new DateOnly(2026, 11, 2), "EUR");
        VatLine[] vat = [new(0.20m, 1000m, 200m), new(0.055m, 100m, 5.50m)];

        var xml = CdarWriter.PaymentReceived("123456782-212-7", new DateTimeOffset(2026, 12, 3, 9, 0, 0, TimeSpan.Zero), subject, 500m, vat);

        var (status, problem) = Cdar.Read(xml);
        Assert.Null(problem);
        Assert.Equal(("123456782-212-7", "FA-2026-0042", 212, "123456782"), (status!.MessageId, status.InvoiceNumber, status.StatusCode, status.SellerSiren));
        Assert.Equal(500m, status.Amounts.Sum(a => a.Amount));
        Assert.Equal([(5.50m, 40.41m), (20.00m, 459.59m)], status.Amounts.Select(a => (a.Percent!.Value, a.Amount)));
        Assert.Contains("<ram:ProcessCondition>Encaissée</ram:ProcessCondition>", xml, StringComparison.Ordinal);
        Assert.Contains("<ram:TypeCode>MEN</ram:TypeCode>", xml, StringComparison.Ordinal);
        Assert.Contains("urn.cpro.gouv.fr:1p0:CDV:invoice", xml, StringComparison.Ordinal);
    }
}
