using System.Diagnostics;
using System.Globalization;
using System.Xml.Linq;
using Litiges.CreditNotes;
using Litiges.Customers;
using Litiges.Invoices;
using UglyToad.PdfPig;

namespace Litiges.UnitTests.CreditNotes;

/// <summary>
/// A partial credit note mixing the four French VAT rates (20 %, 10 %, 5.5 %, 2.1 %) with
/// fractional quantities and prices: its amounts to the cent, its PDF read back, and its UBL
/// checked against the EN 16931 business rules.
/// </summary>
public sealed class MixedVatCreditNoteTests
{
    private static readonly XNamespace Cac = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2";
    private static readonly XNamespace Cbc = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2";
    private static readonly CultureInfo French = CultureInfo.GetCultureInfo("fr-FR");

    // Each line's net is rounded to the cent (half away from zero), then its VAT on that net.
    private static readonly CreditLine[] Lines =
    [
        new("Palettes (3 sur 10)", 3m, 33.335m, 0.20m),       // 100.005 → 100.01; VAT 20.002 → 20.00
        new("Transport (partiel)", 1.5m, 12.99m, 0.10m),      // 19.485 → 19.49; VAT 1.949 → 1.95
        new("Livres scolaires", 7m, 2.37m, 0.055m),           // 16.59; VAT 0.91245 → 0.91
        new("Presse, un trimestre", 0.25m, 19.90m, 0.021m),   // 4.975 → 4.98; VAT 0.10458 → 0.10
        new("Main-d'œuvre", 2.5m, 41.67m, 0.20m),             // 104.175 → 104.18; VAT 20.836 → 20.84
        new("Fournitures", 1m, 9.09m, 0.055m),                // 9.09; VAT 0.49995 → 0.50
    ];

    private static readonly PartyIdentity Buyer = new("Alpha Industries", new PostalAddress("1 rue de Lyon", null, "69001", "Lyon", "France"), "552100554", "FR96552100554");

    private static readonly PostalAddress Delivery = new("Quai 3, 12 rue de l'Industrie", null, "33130", "Bègles", "France");

    private static (CreditNote Note, Invoice Invoice) Issue()
    {
        var invoice = new Invoice("FA-2026-0777", 7, new DateOnly(2026, 9, 15), new DateOnly(2026, 10, 15));
        foreach (var line in Lines)
        {
            invoice.AddLine(line.Description, line.Quantity * 4, line.UnitPrice, line.VatRate);
        }

        var note = CreditNote.Issue("AV-2026-000042", new DateTimeOffset(2026, 11, 23, 9, 30, 0, TimeSpan.Zero), "Fanny Finance", new SellerOptions().ToIdentity(), Buyer, invoice, Lines, "Litige LIT-2026-000077 : livraison partielle", 77, OperationCategory.Mixed, Delivery);
        return (note, invoice);
    }

    [Fact]
    public void Amounts_are_right_to_the_cent_per_line_per_rate_and_in_total()
    {
        var (note, invoice) = Issue();

        Assert.Equal([100.01m, 19.49m, 16.59m, 4.98m, 104.18m, 9.09m], note.Lines.Select(l => l.NetAmount));
        Assert.Equal([20.00m, 1.95m, 0.91m, 0.10m, 20.84m, 0.50m], note.Lines.Select(l => l.VatAmount));
        Assert.Equal(
            [(0.021m, 4.98m, 0.10m), (0.055m, 25.68m, 1.41m), (0.10m, 19.49m, 1.95m), (0.20m, 204.19m, 40.84m)],
            note.VatBreakdown().Select(v => (v.Rate, v.NetAmount, v.VatAmount)));
        Assert.Equal(254.34m, note.TotalNet);
        Assert.Equal(44.30m, note.TotalVat);
        Assert.Equal(298.64m, note.TotalGross);
        Assert.Equal(note.TotalGross, note.VatBreakdown().Sum(v => v.GrossAmount));
        Assert.Equal(invoice.TotalGross - 298.64m, invoice.OpenBalance);
    }

    [Fact]
    public void A_line_credited_in_full_has_exactly_the_amounts_the_invoice_printed()
    {
        var invoice = new Invoice("FA-2026-0778", 7, new DateOnly(2026, 9, 15), new DateOnly(2026, 10, 15));
        var printed = Lines.Select(l => invoice.AddLine(l.Description, l.Quantity, l.UnitPrice, l.VatRate)).ToList();

        var note = CreditNote.Issue("AV-2026-000043", DateTimeOffset.UtcNow, "Fanny Finance", new SellerOptions().ToIdentity(), Buyer, invoice, Lines, "Avoir total", null);

        Assert.Equal(printed.Select(l => (l.NetAmount, l.VatAmount)), note.Lines.Select(l => (l.NetAmount, l.VatAmount)));
        Assert.Equal(invoice.TotalNet, note.TotalNet);
        Assert.Equal(invoice.TotalVat, note.TotalVat);
        Assert.Equal(0m, invoice.OpenBalance);
    }

    [Fact]
    public void Ubl_breaks_the_four_rates_down_with_the_same_amounts()
    {
        var xml = Ubl(Issue().Note).Root!;

        var subtotals = xml.Element(Cac + "TaxTotal")!.Elements(Cac + "TaxSubtotal")
            .Select(s => (s.Element(Cac + "TaxCategory")!.Element(Cbc + "ID")!.Value, s.Element(Cac + "TaxCategory")!.Element(Cbc + "Percent")!.Value, s.Element(Cbc + "TaxableAmount")!.Value, s.Element(Cbc + "TaxAmount")!.Value))
            .ToList();
        Assert.Equal([("S", "2.1", "4.98", "0.10"), ("S", "5.5", "25.68", "1.41"), ("S", "10", "19.49", "1.95"), ("S", "20", "204.19", "40.84")], subtotals);
        Assert.Equal("44.30", xml.Element(Cac + "TaxTotal")!.Element(Cbc + "TaxAmount")!.Value);
        Assert.Equal("298.64", xml.Element(Cac + "LegalMonetaryTotal")!.Element(Cbc + "PayableAmount")!.Value);
        Assert.Equal(["3", "1.5", "7", "0.25", "2.5", "1"], xml.Elements(Cac + "CreditNoteLine").Select(l => l.Element(Cbc + "CreditedQuantity")!.Value));
        Assert.Equal("33.335", xml.Elements(Cac + "CreditNoteLine").First().Element(Cac + "Price")!.Element(Cbc + "PriceAmount")!.Value);
    }

    [Fact]
    public void En16931_rules_checked_are_these()
    {
        Assert.Equal(
            [
                "BR-01", "BR-02", "BR-03", "BR-04", "BR-05", "BR-06", "BR-07", "BR-08", "BR-09", "BR-10", "BR-11",
                "BR-12", "BR-13", "BR-14", "BR-15", "BR-16", "BR-21", "BR-22", "BR-23", "BR-24", "BR-25", "BR-26", "BR-27", "BR-55",
                "BR-CO-04", "BR-CO-09", "BR-CO-10", "BR-CO-13", "BR-CO-14", "BR-CO-15", "BR-CO-16", "BR-CO-17", "BR-CO-18", "BR-CO-25", "BR-CO-26",
                "BR-S-01", "BR-S-02", "BR-S-05", "BR-S-08", "BR-S-09", "BR-Z-05", "BR-Z-08",
            ],
            En16931Rules.All.Select(r => r.Id));
    }

    [Fact]
    public void Ubl_credit_note_meets_every_en16931_rule_checked()
    {
        Assert.Empty(En16931Rules.Violations(Ubl(Issue().Note)));
    }

    [Fact]
    public void Ubl_credit_note_with_a_zero_rated_line_meets_the_rules_too()
    {
        var invoice = new Invoice("FA-2026-0779", 7, new DateOnly(2026, 9, 15), new DateOnly(2026, 10, 15));
        invoice.AddLine("Formation", 2, 500m, 0m);
        invoice.AddLine("Support", 1, 80m, 0.20m);
        var note = CreditNote.Issue("AV-2026-000044", DateTimeOffset.UtcNow, "Fanny Finance", new SellerOptions().ToIdentity(), Buyer, invoice, [new("Formation annulée", 1, 500m, 0m), new("Support", 0.5m, 80m, 0.20m)], "Annulation", null);

        Assert.Empty(En16931Rules.Violations(Ubl(note)));
    }

    [Fact]
    public void Ubl_credit_note_passes_the_official_en16931_validation_without_a_fatal_error()
    {
        if (OfficialEn16931Validation.SaxonJar is null)
        {
            // CI installs Saxon-HE and Java (scripts/services.sh); without them the check cannot run.
            Assert.False(Environment.GetEnvironmentVariable("CI") == "true", "Saxon-HE is not installed: install Debian's libsaxonhe-java (scripts/services.sh does).");
            return;
        }

        var invoice = new Invoice("FA-2026-0780", 7, new DateOnly(2026, 9, 15), new DateOnly(2026, 10, 15));
        invoice.AddLine("Formation", 2, 500m, 0m);
        invoice.AddLine("Support", 1, 80m, 0.20m);
        var withZeroRate = CreditNote.Issue("AV-2026-000045", DateTimeOffset.UtcNow, "Fanny Finance", new SellerOptions().ToIdentity(), Buyer, invoice, [new("Formation annulée", 1, 500m, 0m), new("Support", 0.5m, 80m, 0.20m)], "Annulation", null, OperationCategory.Services);
        var withDelivery = Issue().Note;

        foreach (var note in new[] { withDelivery, withZeroRate })
        {
            var findings = OfficialEn16931Validation.Validate(Ubl(note));
            Assert.True(findings.All(f => f.Flag != "fatal"), string.Join("\n", findings.Select(f => $"{f.Flag} {f.Id}: {f.Text}")));
        }
    }

    [Fact]
    public void Official_en16931_validation_reports_a_broken_document_as_fatal()
    {
        if (OfficialEn16931Validation.SaxonJar is null)
        {
            Assert.False(Environment.GetEnvironmentVariable("CI") == "true", "Saxon-HE is not installed: install Debian's libsaxonhe-java (scripts/services.sh does).");
            return;
        }

        var document = Ubl(Issue().Note);
        document.Root!.Element(Cac + "LegalMonetaryTotal")!.Element(Cbc + "TaxInclusiveAmount")!.Value = "298.65";
        document.Root.Element(Cac + "AccountingSupplierParty")!.Descendants(Cbc + "EndpointID").Single().Attribute("schemeID")!.Value = "9999";

        var fatal = OfficialEn16931Validation.Validate(document).Where(f => f.Flag == "fatal").Select(f => f.Id).ToList();

        Assert.Contains("BR-CO-15", fatal);
        Assert.Contains("BR-CL-25", fatal);
    }

    [Fact]
    public void Rule_checks_catch_a_document_whose_totals_do_not_add_up()
    {
        var document = Ubl(Issue().Note);
        var totals = document.Root!.Element(Cac + "LegalMonetaryTotal")!;
        totals.Element(Cbc + "TaxInclusiveAmount")!.Value = "298.65";
        document.Root.Element(Cac + "TaxTotal")!.Elements(Cac + "TaxSubtotal").First().Element(Cbc + "TaxableAmount")!.Value = "5.00";
        document.Root.Elements(Cac + "CreditNoteLine").First().Element(Cac + "Item")!.Element(Cbc + "Name")!.Remove();
        document.Root.Element(Cac + "PaymentTerms")!.Remove();

        Assert.Equal(["BR-25", "BR-CO-15", "BR-CO-16", "BR-CO-17", "BR-CO-25", "BR-S-08", "BR-S-09"], En16931Rules.Violations(document));
    }

    [Fact]
    public void Pdf_reads_back_with_every_mention_the_law_requires()
    {
        var (note, _) = Issue();
        var seller = new SellerOptions();

        var text = Compact(string.Concat(ReadText(Pdf(note, seller))));

        Assert.Contains(Compact("AV-2026-000042"), text, StringComparison.Ordinal);
        Assert.Contains(Compact("Avoir"), text, StringComparison.Ordinal);
        Assert.Contains(Compact("23/11/2026"), text, StringComparison.Ordinal);
        Assert.Contains(Compact("FA-2026-0777"), text, StringComparison.Ordinal);
        Assert.Contains(Compact("15/09/2026"), text, StringComparison.Ordinal);
        foreach (var mention in new[] { seller.LegalName, seller.Siren, seller.VatNumber, seller.ShareCapital, seller.AddressLine1, "Alpha Industries", "552100554", "FR96552100554", "1 rue de Lyon" })
        {
            Assert.Contains(Compact(mention), text, StringComparison.Ordinal);
        }

        foreach (var rate in new[] { "2,1 %", "5,5 %", "10 %", "20 %" })
        {
            Assert.Contains(Compact(rate), text, StringComparison.Ordinal);
        }

        foreach (var amount in new[] { 4.98m, 0.10m, 25.68m, 1.41m, 19.49m, 1.95m, 204.19m, 40.84m, 254.34m, 44.30m, 298.64m })
        {
            Assert.Contains(Compact(amount.ToString("N2", French)), text, StringComparison.Ordinal);
        }

        Assert.Contains(Compact("livraison partielle"), text, StringComparison.Ordinal);
        Assert.Contains(Compact(seller.LegalFooter), text, StringComparison.Ordinal);
    }

    [Fact]
    public void Pdf_passes_qpdf_structure_check()
    {
        // ./test.sh installs qpdf (scripts/services.sh, ensure_chromium); without it the check fails rather than passing unchecked.
        var qpdf = FindOnPath("qpdf") ?? throw new InvalidOperationException("qpdf is not on PATH: run the tests with ./test.sh, which installs Debian's qpdf package.");

        var path = Path.Combine(Path.GetTempPath(), $"litiges-credit-note-{Guid.NewGuid():N}.pdf");
        try
        {
            File.WriteAllBytes(path, Pdf(Issue().Note, new SellerOptions()));
            using var process = Process.Start(new ProcessStartInfo(qpdf, ["--check", path]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
            process.WaitForExit();

            Assert.True(process.ExitCode == 0, "qpdf --check failed:\n" + output);
            Assert.Contains("No syntax or stream encoding errors found", output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static XDocument Ubl(CreditNote note)
    {
        using var stream = new MemoryStream();
        UblCreditNoteWriter.Write(note, stream, French);
        stream.Position = 0;
        return XDocument.Load(stream);
    }

    private static byte[] Pdf(CreditNote note, SellerOptions seller)
    {
        using var stream = new MemoryStream();
        CreditNoteDocument.Write(stream, note, seller, French);
        return stream.ToArray();
    }

    private static IEnumerable<string> ReadText(byte[] pdf)
    {
        using var document = PdfDocument.Open(pdf);
        return [.. document.GetPages().Select(p => p.Text)];
    }

    // PDF text extraction does not keep every space, and French amounts use narrow no-break spaces.
    private static string Compact(string text) => string.Concat(text.Where(c => !char.IsWhiteSpace(c) && c != '\u202F' && c != '\u00A0'));

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, name))
            .FirstOrDefault(File.Exists);
}
