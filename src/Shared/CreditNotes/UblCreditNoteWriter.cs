using System.Globalization;
using System.Xml;
using Litiges.Customers;
using Litiges.Localization;

namespace Litiges.CreditNotes;

/// <summary>
/// Writes a credit note as an EN 16931 UBL 2.1 <c>CreditNote</c> (type code 381), with the
/// <c>BillingReference</c> to the corrected invoice, both parties' identifiers and electronic
/// addresses, the VAT breakdown per rate and the totals. Elements follow the order the UBL schema
/// requires. It claims EN 16931 only (BT-24): no Peppol BIS or French CIUS customization, whose
/// extra rules it is not checked against; the business process (BT-23) carries the reform's
/// operation category instead.
/// </summary>
public static class UblCreditNoteWriter
{
    private const string Root = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2";
    private const string Cac = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2";
    private const string Cbc = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2";

    /// <param name="culture">The buyer's language, for the payment terms note; French when not given.</param>
    public static void Write(CreditNote note, Stream output, CultureInfo? culture = null)
    {
        var settings = new XmlWriterSettings { Indent = true, Encoding = new System.Text.UTF8Encoding(false), Async = false };
        using var xml = XmlWriter.Create(output, settings);
        xml.WriteStartDocument();
        xml.WriteStartElement("CreditNote", Root);
        xml.WriteAttributeString("xmlns", "cac", null, Cac);
        xml.WriteAttributeString("xmlns", "cbc", null, Cbc);

        Basic(xml, "CustomizationID", "urn:cen.eu:en16931:2017");
        if (note.OperationCategory is { } category)
        {
            Basic(xml, "ProfileID", BusinessProcess(category));
        }

        Basic(xml, "ID", note.Number);
        Basic(xml, "IssueDate", Date(note.IssueDate));
        Basic(xml, "CreditNoteTypeCode", "381");
        Basic(xml, "Note", note.Reason);
        Basic(xml, "DocumentCurrencyCode", note.Currency);

        xml.WriteStartElement("cac", "BillingReference", Cac);
        xml.WriteStartElement("cac", "InvoiceDocumentReference", Cac);
        Basic(xml, "ID", note.InvoiceNumber);
        Basic(xml, "IssueDate", Date(note.InvoiceIssueDate));
        xml.WriteEndElement();
        xml.WriteEndElement();

        Party(xml, "AccountingSupplierParty", note.Seller, seller: true);
        Party(xml, "AccountingCustomerParty", note.Buyer, seller: false);

        if (note.DeliveryAddress is { } delivery)
        {
            // BG-13/BG-15: the deliver-to address (BT-75..BT-80).
            xml.WriteStartElement("cac", "Delivery", Cac);
            xml.WriteStartElement("cac", "DeliveryLocation", Cac);
            Address(xml, delivery, "Address");
            xml.WriteEndElement();
            xml.WriteEndElement();
        }

        // BG-16: 97 "clearing between partners" (UNTDID 4461): the credit is offset against the
        // invoice it corrects, whose open balance always covers it, so nothing is paid out.
        xml.WriteStartElement("cac", "PaymentMeans", Cac);
        Basic(xml, "PaymentMeansCode", "97");
        Basic(xml, "PaymentID", note.InvoiceNumber);
        xml.WriteEndElement();

        // BR-CO-25: an amount due needs payment terms; a credit note is settled against the invoice it corrects.
        culture ??= CultureInfo.GetCultureInfo("fr-FR");
        TextCatalog.Instance.TryGet("CreditNote.PaymentTerms", culture, out var terms);
        xml.WriteStartElement("cac", "PaymentTerms", Cac);
        Basic(xml, "Note", string.Format(culture, terms, note.InvoiceNumber));
        xml.WriteEndElement();

        var breakdown = note.VatBreakdown();
        xml.WriteStartElement("cac", "TaxTotal", Cac);
        Amount(xml, "TaxAmount", note.TotalVat, note.Currency);
        foreach (var vat in breakdown)
        {
            xml.WriteStartElement("cac", "TaxSubtotal", Cac);
            Amount(xml, "TaxableAmount", vat.NetAmount, note.Currency);
            Amount(xml, "TaxAmount", vat.VatAmount, note.Currency);
            TaxCategory(xml, "TaxCategory", vat.Rate);
            xml.WriteEndElement();
        }

        xml.WriteEndElement();

        xml.WriteStartElement("cac", "LegalMonetaryTotal", Cac);
        Amount(xml, "LineExtensionAmount", note.TotalNet, note.Currency);
        Amount(xml, "TaxExclusiveAmount", note.TotalNet, note.Currency);
        Amount(xml, "TaxInclusiveAmount", note.TotalGross, note.Currency);
        Amount(xml, "PayableAmount", note.TotalGross, note.Currency);
        xml.WriteEndElement();

        foreach (var line in note.Lines)
        {
            xml.WriteStartElement("cac", "CreditNoteLine", Cac);
            Basic(xml, "ID", line.LineNumber.ToString(CultureInfo.InvariantCulture));
            xml.WriteStartElement("cbc", "CreditedQuantity", Cbc);
            xml.WriteAttributeString("unitCode", "C62");
            xml.WriteString(line.Quantity.ToString("0.####", CultureInfo.InvariantCulture));
            xml.WriteEndElement();
            Amount(xml, "LineExtensionAmount", line.NetAmount, note.Currency);
            xml.WriteStartElement("cac", "Item", Cac);
            Basic(xml, "Name", line.Description);
            TaxCategory(xml, "ClassifiedTaxCategory", line.VatRate);
            xml.WriteEndElement();
            xml.WriteStartElement("cac", "Price", Cac);
            Amount(xml, "PriceAmount", line.UnitPrice, note.Currency, decimals: 4);
            xml.WriteEndElement();
            xml.WriteEndElement();
        }

        xml.WriteEndElement();
        xml.WriteEndDocument();
    }

    /// <summary>ISO 3166 code for the country names our addresses carry.</summary>
    public static string CountryCode(string country) => country.Trim().ToUpperInvariant() switch
    {
        "FRANCE" or "FR" => "FR",
        "BELGIQUE" or "BELGIUM" or "BE" => "BE",
        "LUXEMBOURG" or "LU" => "LU",
        "SUISSE" or "SWITZERLAND" or "CH" => "CH",
        "ALLEMAGNE" or "GERMANY" or "DE" => "DE",
        "ESPAGNE" or "SPAIN" or "ES" => "ES",
        "ITALIE" or "ITALY" or "IT" => "IT",
        "ROYAUME-UNI" or "UNITED KINGDOM" or "GB" or "UK" => "GB",
        var other when other.Length == 2 => other,
        _ => "FR",
    };

    /// <summary>BT-23 as the French reform's billing framework: a plain deposit (1) of goods, services or both.</summary>
    public static string BusinessProcess(OperationCategory category) => category switch
    {
        OperationCategory.Goods => "B1",
        OperationCategory.Services => "S1",
        _ => "M1",
    };

    private static void Party(XmlWriter xml, string role, PartyIdentity party, bool seller)
    {
        xml.WriteStartElement("cac", role, Cac);
        xml.WriteStartElement("cac", "Party", Cac);
        if (!string.IsNullOrEmpty(party.Siren))
        {
            // BT-34 / BT-49: the electronic address of the French e-invoicing directory, scheme
            // 0225 (EAS), whose base identifier is the company's SIREN.
            xml.WriteStartElement("cbc", "EndpointID", Cbc);
            xml.WriteAttributeString("schemeID", "0225");
            xml.WriteString(party.Siren);
            xml.WriteEndElement();
        }

        if (!string.IsNullOrEmpty(party.Siret))
        {
            // BT-29 (seller) / BT-46 (buyer): the establishment's SIRET, ICD 0009.
            xml.WriteStartElement("cac", "PartyIdentification", Cac);
            xml.WriteStartElement("cbc", "ID", Cbc);
            xml.WriteAttributeString("schemeID", "0009");
            xml.WriteString(party.Siret);
            xml.WriteEndElement();
            xml.WriteEndElement();
        }

        Address(xml, party.Address);
        if (!string.IsNullOrEmpty(party.VatNumber))
        {
            xml.WriteStartElement("cac", "PartyTaxScheme", Cac);
            Basic(xml, "CompanyID", party.VatNumber);
            xml.WriteStartElement("cac", "TaxScheme", Cac);
            Basic(xml, "ID", "VAT");
            xml.WriteEndElement();
            xml.WriteEndElement();
        }

        xml.WriteStartElement("cac", "PartyLegalEntity", Cac);
        Basic(xml, "RegistrationName", party.LegalName);
        if (!string.IsNullOrEmpty(party.Siren))
        {
            // ICD 0002: the French SIRENE register.
            xml.WriteStartElement("cbc", "CompanyID", Cbc);
            xml.WriteAttributeString("schemeID", "0002");
            xml.WriteString(party.Siren);
            xml.WriteEndElement();
        }

        // BT-33, the seller's additional legal information; UBL-CR-254 warns on it for a buyer.
        if (seller && !string.IsNullOrEmpty(party.LegalForm))
        {
            Basic(xml, "CompanyLegalForm", string.Join(" — ", new[] { party.LegalForm, party.ShareCapital }.Where(s => !string.IsNullOrEmpty(s))));
        }

        xml.WriteEndElement();
        xml.WriteEndElement();
        xml.WriteEndElement();
    }

    private static void Address(XmlWriter xml, PostalAddress address, string element = "PostalAddress")
    {
        xml.WriteStartElement("cac", element, Cac);
        Basic(xml, "StreetName", address.Line1);
        if (!string.IsNullOrWhiteSpace(address.Line2))
        {
            Basic(xml, "AdditionalStreetName", address.Line2);
        }

        Basic(xml, "CityName", address.City);
        Basic(xml, "PostalZone", address.PostalCode);
        xml.WriteStartElement("cac", "Country", Cac);
        Basic(xml, "IdentificationCode", CountryCode(address.Country));
        xml.WriteEndElement();
        xml.WriteEndElement();
    }

    private static void TaxCategory(XmlWriter xml, string element, decimal rate)
    {
        xml.WriteStartElement("cac", element, Cac);
        Basic(xml, "ID", rate > 0 ? "S" : "Z");
        Basic(xml, "Percent", (rate * 100).ToString("0.##", CultureInfo.InvariantCulture));
        xml.WriteStartElement("cac", "TaxScheme", Cac);
        Basic(xml, "ID", "VAT");
        xml.WriteEndElement();
        xml.WriteEndElement();
    }

    private static void Basic(XmlWriter xml, string name, string value) => xml.WriteElementString("cbc", name, Cbc, value);

    private static void Amount(XmlWriter xml, string name, decimal amount, string currency, int decimals = 2)
    {
        xml.WriteStartElement("cbc", name, Cbc);
        xml.WriteAttributeString("currencyID", currency);
        xml.WriteString(amount.ToString(decimals == 2 ? "0.00" : "0.00##", CultureInfo.InvariantCulture));
        xml.WriteEndElement();
    }

    private static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
