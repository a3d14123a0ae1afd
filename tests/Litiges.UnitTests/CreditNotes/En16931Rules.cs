using System.Globalization;
using System.Xml.Linq;

namespace Litiges.UnitTests.CreditNotes;

/// <summary>
/// The EN 16931 business rules a UBL 2.1 credit note of ours is checked against, written from the
/// standard's rule texts (BR-xx: mandatory content; BR-CO-xx: totals arithmetic and consistency;
/// BR-S-xx: standard-rated VAT; BR-Z-xx: zero-rated VAT). No network, no Schematron engine: each
/// rule is a predicate over the document; <see cref="Violations"/> names the ones that fail.
/// </summary>
internal static class En16931Rules
{
    private static readonly XNamespace Cac = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2";
    private static readonly XNamespace Cbc = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2";

    public static readonly IReadOnlyList<Rule> All =
    [
        new("BR-01", "A specification identifier (BT-24) is present", d => Has(d, Cbc + "CustomizationID")),
        new("BR-02", "An invoice number (BT-1) is present", d => Has(d, Cbc + "ID")),
        new("BR-03", "An issue date (BT-2) is present, as YYYY-MM-DD", d => DateOnly.TryParseExact(Text(d, Cbc + "IssueDate"), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _)),
        new("BR-04", "A type code (BT-3) is present: 381, credit note", d => Text(d, Cbc + "CreditNoteTypeCode") == "381"),
        new("BR-05", "A currency code (BT-5) is present", d => Text(d, Cbc + "DocumentCurrencyCode")?.Length == 3),
        new("BR-06", "The seller's name (BT-27) is present", d => Has(Party(d, "AccountingSupplierParty"), Cac + "PartyLegalEntity", Cbc + "RegistrationName")),
        new("BR-07", "The buyer's name (BT-44) is present", d => Has(Party(d, "AccountingCustomerParty"), Cac + "PartyLegalEntity", Cbc + "RegistrationName")),
        new("BR-08", "The seller's postal address (BG-5) is present", d => Party(d, "AccountingSupplierParty")?.Element(Cac + "PostalAddress") is not null),
        new("BR-09", "The seller's country code (BT-40) is present", d => Has(Party(d, "AccountingSupplierParty"), Cac + "PostalAddress", Cac + "Country", Cbc + "IdentificationCode")),
        new("BR-10", "The buyer's postal address (BG-8) is present", d => Party(d, "AccountingCustomerParty")?.Element(Cac + "PostalAddress") is not null),
        new("BR-11", "The buyer's country code (BT-55) is present", d => Has(Party(d, "AccountingCustomerParty"), Cac + "PostalAddress", Cac + "Country", Cbc + "IdentificationCode")),
        new("BR-12", "The sum of line net amounts (BT-106) is present", d => Total(d, "LineExtensionAmount") is not null),
        new("BR-13", "The total without VAT (BT-109) is present", d => Total(d, "TaxExclusiveAmount") is not null),
        new("BR-14", "The total with VAT (BT-112) is present", d => Total(d, "TaxInclusiveAmount") is not null),
        new("BR-15", "The amount due (BT-115) is present", d => Total(d, "PayableAmount") is not null),
        new("BR-16", "There is at least one line (BG-25)", d => Lines(d).Any()),
        new("BR-21", "Each line has an identifier (BT-126)", d => Lines(d).All(l => Has(l, Cbc + "ID"))),
        new("BR-22", "Each line has a quantity (BT-129)", d => Lines(d).All(l => Amount(l.Element(Cbc + "CreditedQuantity")) is not null)),
        new("BR-23", "Each line's quantity has a unit of measure (BT-130)", d => Lines(d).All(l => !string.IsNullOrEmpty(l.Element(Cbc + "CreditedQuantity")?.Attribute("unitCode")?.Value))),
        new("BR-24", "Each line has a net amount (BT-131)", d => Lines(d).All(l => Amount(l.Element(Cbc + "LineExtensionAmount")) is not null)),
        new("BR-25", "Each line has an item name (BT-153)", d => Lines(d).All(l => Has(l, Cac + "Item", Cbc + "Name"))),
        new("BR-26", "Each line has a net price (BT-146)", d => Lines(d).All(l => Amount(l.Element(Cac + "Price")?.Element(Cbc + "PriceAmount")) is not null)),
        new("BR-27", "No line's net price is negative", d => Lines(d).All(l => Amount(l.Element(Cac + "Price")?.Element(Cbc + "PriceAmount")) >= 0)),
        new("BR-55", "Each preceding invoice reference (BG-3) has the invoice number (BT-25)", d => d.Elements(Cac + "BillingReference").All(r => Has(r, Cac + "InvoiceDocumentReference", Cbc + "ID"))),
        new("BR-CO-04", "Each line has a VAT category code (BT-151)", d => Lines(d).All(l => Has(l, Cac + "Item", Cac + "ClassifiedTaxCategory", Cbc + "ID"))),
        new("BR-CO-09", "VAT identifiers start with an ISO 3166 country prefix", d => d.Descendants(Cac + "PartyTaxScheme").All(s => s.Element(Cbc + "CompanyID")?.Value is { Length: > 2 } id && char.IsAsciiLetterUpper(id[0]) && char.IsAsciiLetterUpper(id[1]))),
        new("BR-CO-10", "Sum of line net amounts (BT-106) = Σ line net amounts (BT-131)", d => Total(d, "LineExtensionAmount") == Lines(d).Sum(l => Amount(l.Element(Cbc + "LineExtensionAmount")) ?? 0m)),
        new("BR-CO-13", "Total without VAT (BT-109) = Σ line net amounts − allowances + charges (none here)", d => Total(d, "TaxExclusiveAmount") == Total(d, "LineExtensionAmount") - (Total(d, "AllowanceTotalAmount") ?? 0m) + (Total(d, "ChargeTotalAmount") ?? 0m)),
        new("BR-CO-14", "Total VAT (BT-110) = Σ VAT category tax amounts (BT-117)", d => TaxAmount(d) == Subtotals(d).Sum(s => s.Tax)),
        new("BR-CO-15", "Total with VAT (BT-112) = total without VAT (BT-109) + total VAT (BT-110)", d => Total(d, "TaxInclusiveAmount") == Total(d, "TaxExclusiveAmount") + TaxAmount(d)),
        new("BR-CO-16", "Amount due (BT-115) = total with VAT (BT-112) − paid amount (BT-113) + rounding (BT-114)", d => Total(d, "PayableAmount") == Total(d, "TaxInclusiveAmount") - (Total(d, "PrepaidAmount") ?? 0m) + (Total(d, "PayableRoundingAmount") ?? 0m)),
        new("BR-CO-17", "Each VAT category tax amount (BT-117) = taxable amount (BT-116) × rate (BT-119) / 100, rounded to the cent", d => Subtotals(d).All(s => s.Tax == Math.Round(s.Base * s.Percent / 100m, 2, MidpointRounding.AwayFromZero))),
        new("BR-CO-18", "There is at least one VAT breakdown group (BG-23)", d => Subtotals(d).Count > 0),
        new("BR-CO-25", "A positive amount due (BT-115) comes with a due date (BT-9) or payment terms (BT-20)", d => Total(d, "PayableAmount") <= 0 || Has(d, Cbc + "DueDate") || Has(d, Cac + "PaymentTerms", Cbc + "Note")),
        new("BR-CO-26", "The seller is identified by its registration (BT-30) or VAT identifier (BT-31)", d => Has(Party(d, "AccountingSupplierParty"), Cac + "PartyLegalEntity", Cbc + "CompanyID") || Has(Party(d, "AccountingSupplierParty"), Cac + "PartyTaxScheme", Cbc + "CompanyID")),
        new("BR-S-01", "A line at standard rate (S) means a VAT breakdown group S", d => !LineCategories(d).Any(c => c.Id == "S") || Subtotals(d).Any(s => s.Category == "S")),
        new("BR-S-02", "A line at standard rate (S) needs the seller's VAT identifier (BT-31)", d => !LineCategories(d).Any(c => c.Id == "S") || Has(Party(d, "AccountingSupplierParty"), Cac + "PartyTaxScheme", Cbc + "CompanyID")),
        new("BR-S-05", "A line at standard rate (S) has a rate above zero", d => LineCategories(d).Where(c => c.Id == "S").All(c => c.Percent > 0)),
        new("BR-S-08", "For each standard rate, the taxable amount (BT-116) = Σ net amounts of the lines at that rate", d => Subtotals(d).Where(s => s.Category == "S").All(s => s.Base == Lines(d).Where(l => Category(l) == ("S", s.Percent)).Sum(l => Amount(l.Element(Cbc + "LineExtensionAmount")) ?? 0m))),
        new("BR-S-09", "For each standard rate, the tax amount (BT-117) = taxable amount × rate, rounded to the cent", d => Subtotals(d).Where(s => s.Category == "S").All(s => s.Tax == Math.Round(s.Base * s.Percent / 100m, 2, MidpointRounding.AwayFromZero))),
        new("BR-Z-05", "A line at zero rate (Z) has a rate of 0", d => LineCategories(d).Where(c => c.Id == "Z").All(c => c.Percent == 0)),
        new("BR-Z-08", "The zero-rated taxable amount = Σ net amounts of zero-rated lines", d => Subtotals(d).Where(s => s.Category == "Z").All(s => s.Base == Lines(d).Where(l => Category(l).Id == "Z").Sum(l => Amount(l.Element(Cbc + "LineExtensionAmount")) ?? 0m))),
    ];

    /// <summary>The identifiers of the rules <paramref name="document"/> breaks.</summary>
    public static IReadOnlyList<string> Violations(XDocument document) =>
        [.. All.Where(rule => !rule.Holds(document.Root!)).Select(rule => rule.Id)];

    private static bool Has(XElement? element, params XName[] path) =>
        !string.IsNullOrWhiteSpace(path.Aggregate(element, (current, name) => current?.Element(name))?.Value);

    private static string? Text(XElement element, XName name) => element.Element(name)?.Value;

    private static XElement? Party(XElement document, string role) => document.Element(Cac + role)?.Element(Cac + "Party");

    private static IEnumerable<XElement> Lines(XElement document) => document.Elements(Cac + "CreditNoteLine");

    private static decimal? Amount(XElement? element) =>
        decimal.TryParse(element?.Value, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value : null;

    private static decimal? Total(XElement document, string name) => Amount(document.Element(Cac + "LegalMonetaryTotal")?.Element(Cbc + name));

    private static decimal? TaxAmount(XElement document) => Amount(document.Element(Cac + "TaxTotal")?.Element(Cbc + "TaxAmount"));

    private static (string? Id, decimal? Percent) Category(XElement line)
    {
        var category = line.Element(Cac + "Item")?.Element(Cac + "ClassifiedTaxCategory");
        return (category?.Element(Cbc + "ID")?.Value, Amount(category?.Element(Cbc + "Percent")));
    }

    private static IEnumerable<(string? Id, decimal? Percent)> LineCategories(XElement document) => Lines(document).Select(Category);

    private static List<(string? Category, decimal Percent, decimal Base, decimal Tax)> Subtotals(XElement document) =>
        [.. (document.Element(Cac + "TaxTotal")?.Elements(Cac + "TaxSubtotal") ?? []).Select(s => (
            s.Element(Cac + "TaxCategory")?.Element(Cbc + "ID")?.Value,
            Amount(s.Element(Cac + "TaxCategory")?.Element(Cbc + "Percent")) ?? -1m,
            Amount(s.Element(Cbc + "TaxableAmount")) ?? -1m,
            Amount(s.Element(Cbc + "TaxAmount")) ?? -1m))];

    internal sealed record Rule(string Id, string Text, Func<XElement, bool> Holds);
}
