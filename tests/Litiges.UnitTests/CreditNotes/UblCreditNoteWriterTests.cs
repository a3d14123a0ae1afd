using System.Xml.Linq;
using Litiges.CreditNotes;
using Litiges.Customers;
using Litiges.Invoices;

namespace Litiges.UnitTests.CreditNotes;

public sealed class UblCreditNoteWriterTests
{
    private static readonly XNamespace Root = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2";
    private static readonly XNamespace Cac = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2";
    private static readonly XNamespace Cbc = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2";

    private static (CreditNote Note, Invoice Invoice) Issue()
    {
        var invoice = new Invoice("FA-2026-0042", 7, new DateOnly(2026, 10, 1), new DateOnly(2026, 10, 31));
        invoice.AddLine("Palettes", 10, 100m, 0.20m);
        invoice.AddLine("Ouvrage technique", 3, 19.99m, 0.055m);
        var seller = new SellerOptions().ToIdentity();
        var buyer = new PartyIdentity("Alpha Industries", new PostalAddress("1 rue de Lyon", null, "69001", "Lyon", "France"), "552100554", "FR96552100554");
        var note = CreditNote.Issue(
            "AV-2026-000001",
            new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero),
            "Fanny Finance",
            seller,
            buyer,
            invoice,
            [new CreditLine("Palettes cassées", 2, 100m, 0.20m), new CreditLine("Ouvrage abîmé", 1, 19.99m, 0.055m)],
            "Litige LIT-2026-000007 : marchandise endommagée",
            disputeId: 7,
            OperationCategory.Goods,
            new PostalAddress("Entrepôt 4, ZI des Vignes", null, "69200", "Vénissieux", "France"));
        return (note, invoice);
    }

    private static XDocument Write(CreditNote note)
    {
        using var stream = new MemoryStream();
        UblCreditNoteWriter.Write(note, stream);
        stream.Position = 0;
        return XDocument.Load(stream);
    }

    [Fact]
    public void Credit_note_totals_are_rounded_per_line_and_reduce_the_invoice_balance()
    {
        var (note, invoice) = Issue();
        Assert.Equal(219.99m, note.TotalNet);
        Assert.Equal(40m + 1.10m, note.TotalVat);
        Assert.Equal(261.09m, note.TotalGross);
        Assert.Equal(invoice.TotalGross - 261.09m, invoice.OpenBalance);
        Assert.Equal(261.09m, invoice.CreditedAmount);
        Assert.Equal(new DateOnly(2026, 11, 23), note.IssueDate);
    }

    [Fact]
    public void Ubl_document_is_a_381_credit_note_referring_to_the_invoice()
    {
        var xml = Write(Issue().Note).Root!;
        Assert.Equal(Root + "CreditNote", xml.Name);
        Assert.Equal("urn:cen.eu:en16931:2017", xml.Element(Cbc + "CustomizationID")!.Value);
        Assert.Equal("AV-2026-000001", xml.Element(Cbc + "ID")!.Value);
        Assert.Equal("2026-11-23", xml.Element(Cbc + "IssueDate")!.Value);
        Assert.Equal("381", xml.Element(Cbc + "CreditNoteTypeCode")!.Value);
        Assert.Equal("EUR", xml.Element(Cbc + "DocumentCurrencyCode")!.Value);
        var reference = xml.Element(Cac + "BillingReference")!.Element(Cac + "InvoiceDocumentReference")!;
        Assert.Equal("FA-2026-0042", reference.Element(Cbc + "ID")!.Value);
        Assert.Equal("2026-10-01", reference.Element(Cbc + "IssueDate")!.Value);
    }

    [Fact]
    public void Ubl_document_names_both_parties_with_siren_and_vat_numbers()
    {
        var xml = Write(Issue().Note).Root!;
        var seller = xml.Element(Cac + "AccountingSupplierParty")!.Element(Cac + "Party")!;
        var buyer = xml.Element(Cac + "AccountingCustomerParty")!.Element(Cac + "Party")!;
        Assert.Equal("FR11123456782", seller.Element(Cac + "PartyTaxScheme")!.Element(Cbc + "CompanyID")!.Value);
        Assert.Equal("123456782", seller.Element(Cac + "PartyLegalEntity")!.Element(Cbc + "CompanyID")!.Value);
        Assert.Equal("0002", seller.Element(Cac + "PartyLegalEntity")!.Element(Cbc + "CompanyID")!.Attribute("schemeID")!.Value);
        Assert.Equal("Alpha Industries", buyer.Element(Cac + "PartyLegalEntity")!.Element(Cbc + "RegistrationName")!.Value);
        Assert.Equal("FR96552100554", buyer.Element(Cac + "PartyTaxScheme")!.Element(Cbc + "CompanyID")!.Value);
        Assert.Equal("FR", buyer.Element(Cac + "PostalAddress")!.Element(Cac + "Country")!.Element(Cbc + "IdentificationCode")!.Value);
    }

    [Fact]
    public void Ubl_document_carries_the_reform_mentions_electronic_addresses_siret_category_delivery_and_payment_means()
    {
        var xml = Write(Issue().Note).Root!;
        var seller = xml.Element(Cac + "AccountingSupplierParty")!.Element(Cac + "Party")!;
        var buyer = xml.Element(Cac + "AccountingCustomerParty")!.Element(Cac + "Party")!;

        // BT-34 / BT-49: the directory's electronic addresses, scheme 0225, on the SIREN.
        Assert.Equal(("0225", "123456782"), (seller.Element(Cbc + "EndpointID")!.Attribute("schemeID")!.Value, seller.Element(Cbc + "EndpointID")!.Value));
        Assert.Equal(("0225", "552100554"), (buyer.Element(Cbc + "EndpointID")!.Attribute("schemeID")!.Value, buyer.Element(Cbc + "EndpointID")!.Value));
        Assert.Equal("EndpointID", seller.Elements().First().Name.LocalName);

        // BT-29: the issuing establishment's SIRET, ICD 0009; the buyer has none on record.
        var siret = seller.Element(Cac + "PartyIdentification")!.Element(Cbc + "ID")!;
        Assert.Equal(("0009", "12345678200010"), (siret.Attribute("schemeID")!.Value, siret.Value));
        Assert.Null(buyer.Element(Cac + "PartyIdentification"));

        // BT-23: goods, in the reform's billing framework; no Peppol profile is claimed.
        Assert.Equal("B1", xml.Element(Cbc + "ProfileID")!.Value);
        Assert.DoesNotContain("peppol", xml.ToString(), StringComparison.OrdinalIgnoreCase);

        var delivery = xml.Element(Cac + "Delivery")!.Element(Cac + "DeliveryLocation")!.Element(Cac + "Address")!;
        Assert.Equal(["Entrepôt 4, ZI des Vignes", "Vénissieux", "69200", "FR"], delivery.Descendants().Where(e => !e.HasElements).Select(e => e.Value));

        var payment = xml.Element(Cac + "PaymentMeans")!;
        Assert.Equal("97", payment.Element(Cbc + "PaymentMeansCode")!.Value);
        Assert.Equal("FA-2026-0042", payment.Element(Cbc + "PaymentID")!.Value);
    }

    [Theory]
    [InlineData(OperationCategory.Goods, "B1")]
    [InlineData(OperationCategory.Services, "S1")]
    [InlineData(OperationCategory.Mixed, "M1")]
    public void Business_process_is_the_operation_category(OperationCategory category, string code)
    {
        Assert.Equal(code, UblCreditNoteWriter.BusinessProcess(category));
    }

    [Fact]
    public void Ubl_document_breaks_vat_down_per_rate_and_totals_add_up()
    {
        var xml = Write(Issue().Note).Root!;
        var taxTotal = xml.Element(Cac + "TaxTotal")!;
        Assert.Equal("41.10", taxTotal.Element(Cbc + "TaxAmount")!.Value);
        var subtotals = taxTotal.Elements(Cac + "TaxSubtotal")
            .Select(s => (Percent: s.Element(Cac + "TaxCategory")!.Element(Cbc + "Percent")!.Value, Base: s.Element(Cbc + "TaxableAmount")!.Value, Tax: s.Element(Cbc + "TaxAmount")!.Value))
            .ToList();
        Assert.Equal([("5.5", "19.99", "1.10"), ("20", "200.00", "40.00")], subtotals);
        var totals = xml.Element(Cac + "LegalMonetaryTotal")!;
        Assert.Equal("219.99", totals.Element(Cbc + "LineExtensionAmount")!.Value);
        Assert.Equal("219.99", totals.Element(Cbc + "TaxExclusiveAmount")!.Value);
        Assert.Equal("261.09", totals.Element(Cbc + "TaxInclusiveAmount")!.Value);
        Assert.Equal("261.09", totals.Element(Cbc + "PayableAmount")!.Value);
        Assert.Equal(2, xml.Elements(Cac + "CreditNoteLine").Count());
        Assert.Equal("C62", xml.Elements(Cac + "CreditNoteLine").First().Element(Cbc + "CreditedQuantity")!.Attribute("unitCode")!.Value);
    }

    [Fact]
    public void Ubl_elements_come_in_the_order_the_schema_requires()
    {
        var order = Write(Issue().Note).Root!.Elements().Select(e => e.Name.LocalName).Distinct().ToList();
        Assert.Equal(
            ["CustomizationID", "ProfileID", "ID", "IssueDate", "CreditNoteTypeCode", "Note", "DocumentCurrencyCode", "BillingReference", "AccountingSupplierParty", "AccountingCustomerParty", "Delivery", "PaymentMeans", "PaymentTerms", "TaxTotal", "LegalMonetaryTotal", "CreditNoteLine"],
            order);
    }

    [Fact]
    public void Credit_above_the_open_balance_is_refused()
    {
        var invoice = new Invoice("FA-1", 1, new DateOnly(2026, 1, 1), new DateOnly(2026, 2, 1));
        invoice.AddLine("Service", 1, 100m, 0.20m);
        var error = Assert.Throws<DomainException>(() => CreditNote.Issue("AV-2026-000002", DateTimeOffset.UtcNow, "F", new SellerOptions().ToIdentity(), new SellerOptions().ToIdentity(), invoice, [new CreditLine("Trop", 1, 101m, 0.20m)], "Test", null));
        Assert.Equal("Invoice.CreditExceedsBalance", error.Code);
        Assert.Equal(120m, invoice.OpenBalance);
    }

    [Fact]
    public void Issued_documents_cannot_be_replaced()
    {
        var (note, _) = Issue();
        note.AttachDocuments("a.pdf", "00", "a.xml", "11");
        var error = Assert.Throws<DomainException>(() => note.AttachDocuments("b.pdf", "22", "b.xml", "33"));
        Assert.Equal("CreditNote.Immutable", error.Code);
    }
}
