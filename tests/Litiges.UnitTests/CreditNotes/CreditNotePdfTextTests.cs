using System.Diagnostics;
using System.Globalization;
using Litiges.CreditNotes;
using Litiges.Customers;
using Litiges.Invoices;
using UglyToad.PdfPig;

namespace Litiges.UnitTests.CreditNotes;

/// <summary>
/// The credit note's PDF as a text reader, a search or a screen reader gets it: whole words,
/// accents included, both through PdfPig and through poppler's pdftotext (what most tools use),
/// with the reform's mentions (category of operation, VAT-on-debits option, delivery address, SIRET).
/// </summary>
public sealed class CreditNotePdfTextTests
{
    private static readonly CultureInfo French = CultureInfo.GetCultureInfo("fr-FR");

    private static readonly string[] Phrases =
    [
        "Avoir AV-2026-000051",
        "Date d'émission",
        "Facture rectifiée",
        "Catégorie de l'opération",
        "Livraison de biens et prestation de services",
        "Option pour le paiement de la taxe d'après les débits",
        "Adresse de livraison",
        "Entrepôt 4, ZI des Vignes, 69200 Vénissieux, France",
        "SIRET",
        "12345678200010",
        "Litiges Démo SAS",
        "Palettes cassées",
        "TVA par taux",
    ];

    private static byte[] Pdf(SellerOptions seller, CultureInfo culture)
    {
        var invoice = new Invoice("FA-2026-0051", 7, new DateOnly(2026, 10, 1), new DateOnly(2026, 10, 31));
        invoice.AddLine("Palettes", 10, 100m, 0.20m);
        invoice.AddLine("Pose", 2, 80m, 0.20m);
        var buyer = new PartyIdentity("Alpha Industries", new PostalAddress("1 rue de la République", null, "69002", "Lyon", "France"), "552100554", "FR96552100554");
        var note = CreditNote.Issue(
            "AV-2026-000051",
            new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero),
            "Fanny Finance",
            seller.ToIdentity(),
            buyer,
            invoice,
            [new CreditLine("Palettes cassées", 2, 100m, 0.20m), new CreditLine("Pose reprise", 1, 80m, 0.20m)],
            "Litige LIT-2026-000051 : palettes cassées à la livraison",
            51,
            seller.OperationCategory,
            new PostalAddress("Entrepôt 4, ZI des Vignes", null, "69200", "Vénissieux", "France"));
        using var stream = new MemoryStream();
        CreditNoteDocument.Write(stream, note, seller, culture);
        return stream.ToArray();
    }

    private static SellerOptions OptedSeller() => new() { TaxOnDebits = true, OperationCategory = OperationCategory.Mixed };

    [Fact]
    public void Pdfpig_reads_whole_words_with_their_accents()
    {
        using var document = PdfDocument.Open(Pdf(OptedSeller(), French));
        var words = document.GetPages().SelectMany(p => p.GetWords()).Select(w => w.Text).ToHashSet(StringComparer.Ordinal);
        var text = string.Join('\n', document.GetPages().Select(p => p.Text));

        foreach (var word in new[] { "Date", "d'émission", "Litiges", "Démo", "Catégorie", "l'opération", "débits", "Entrepôt", "rectifiée", "cassées" })
        {
            Assert.True(words.Contains(word), $"PdfPig does not read the word “{word}”; words: {string.Join(" | ", words.Take(80))}");
        }

        Assert.DoesNotContain("Dat e", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Pdftotext_extracts_every_phrase_intact()
    {
        var text = PdfToText(Pdf(OptedSeller(), French));
        if (text is null)
        {
            return;
        }

        var lines = text.Split('\n').Select(l => string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries))).ToList();
        var flowing = string.Join('\n', lines);
        foreach (var phrase in Phrases)
        {
            Assert.True(flowing.Contains(phrase, StringComparison.Ordinal), $"pdftotext does not give “{phrase}”:\n{text}");
        }
    }

    [Fact]
    public void The_vat_on_debits_option_is_printed_only_when_the_seller_took_it()
    {
        using var opted = PdfDocument.Open(Pdf(OptedSeller(), French));
        using var notOpted = PdfDocument.Open(Pdf(new SellerOptions { TaxOnDebits = false }, French));

        Assert.Contains("débits", string.Concat(opted.GetPages().Select(p => p.Text)), StringComparison.Ordinal);
        Assert.DoesNotContain("débits", string.Concat(notOpted.GetPages().Select(p => p.Text)), StringComparison.Ordinal);
    }

    [Fact]
    public void In_english_the_category_is_translated_and_the_vat_option_keeps_its_legal_french_words()
    {
        var text = PdfToText(Pdf(OptedSeller(), CultureInfo.GetCultureInfo("en-GB")));
        if (text is null)
        {
            return;
        }

        Assert.Contains("Supply of goods and services", text, StringComparison.Ordinal);
        Assert.Contains("Option pour le paiement de la taxe d'après les débits", text, StringComparison.Ordinal);
        Assert.Contains("Delivery address", text, StringComparison.Ordinal);
    }

    /// <summary>pdftotext's text (poppler-utils, installed by scripts/services.sh), or null without it outside CI.</summary>
    private static string? PdfToText(byte[] pdf)
    {
        var tool = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, "pdftotext"))
            .FirstOrDefault(File.Exists);
        if (tool is null)
        {
            Assert.False(Environment.GetEnvironmentVariable("CI") == "true", "pdftotext is not on PATH: install Debian's poppler-utils (scripts/services.sh does).");
            return null;
        }

        var path = Path.Combine(Path.GetTempPath(), $"litiges-text-{Guid.NewGuid():N}.pdf");
        try
        {
            File.WriteAllBytes(path, pdf);
            using var process = Process.Start(new ProcessStartInfo(tool, ["-enc", "UTF-8", path, "-"]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var errors = process.StandardError.ReadToEndAsync();
            var text = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, "pdftotext failed: " + errors.Result);
            return text;
        }
        finally
        {
            File.Delete(path);
        }
    }
}
