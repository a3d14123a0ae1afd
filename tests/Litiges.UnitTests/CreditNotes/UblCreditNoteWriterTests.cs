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
        var buyer = new PartyIdentity("Alpha Industries", new PostalAddress("1 rue de Lyon", null, "69001", "Lyon", "France"), "552100554", "FR40552100554");
        var note = CreditNote.Issue(
            "AV-2026-000001",
            new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero),
            "Fanny Finance",
            seller,
            buyer,
            invoice,
            [new CreditLine("Palettes cassées", 2, 100m, 0.20m), new CreditLine("Ouvrage abîmé", 1, 19.99m, 0.055m)],
            "Litige LIT-2026-000007 : marchandise endommagée",
            disputeId: 7);
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
        Assert.Equal("FR32123456782", seller.Element(Cac + "PartyTaxScheme")!.Element(Cbc + "CompanyID")!.Value);
        Assert.Equal("123456782", seller.Element(Cac + "PartyLegalEntity")!.Element(Cbc + "CompanyID")!.Value);
        Assert.Equal("0002", seller.Element(Cac + "PartyLegalEntity")!.Element(Cbc + "CompanyID")!.Attribute("schemeID")!.Value);
        Assert.Equal("Alpha Industries", buyer.Element(Cac + "PartyLegalEntity")!.Element(Cbc + "RegistrationName")!.Value);
        Assert.Equal("FR40552100554", buyer.Element(Cac + "PartyTaxScheme")!.Element(Cbc + "CompanyID")!.Value);
        Assert.Equal("FR", buyer.Element(Cac + "PostalAddress")!.Element(Cac + "Country")!.Element(Cbc + "IdentificationCode")!.Value);
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
            ["CustomizationID", "ProfileID", "ID", "IssueDate", "CreditNoteTypeCode", "Note", "DocumentCurrencyCode", "BillingReference", "AccountingSupplierParty", "AccountingCustomerParty", "PaymentTerms", "TaxTotal", "LegalMonetaryTotal", "CreditNoteLine"],
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
