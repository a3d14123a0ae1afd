using System.Globalization;
using Litiges.Disputes;
using Litiges.Documents;
using Litiges.Localization;
using Litiges.UnitTests.Builders;
using SkiaSharp;
using UglyToad.PdfPig;

namespace Litiges.UnitTests.Documents;

public class DisputeSummaryDocumentTests
{
    private static readonly CultureInfo French = CultureInfo.GetCultureInfo("fr-FR");

    [Fact]
    public void Summary_reads_back_with_its_reference_accents_and_every_history_entry()
    {
        var builder = new DisputeBuilder().Described("Écart de prix sur la pompe à chaleur : facturée 4 890 € au lieu de 4 590 €.");
        var dispute = builder.In(DisputeStatus.InReview);
        dispute.AddInternalNote(Actors.Agent, "Vérifier le tarif négocié avec M. Lefèvre.", builder.Clock.GetUtcNow());

        var text = Render(dispute, out _);

        Assert.Contains(dispute.Reference, text, StringComparison.Ordinal);
        Assert.Contains("Écart de prix sur la pompe à chaleur", text, StringComparison.Ordinal);
        Assert.Contains("Vérifier le tarif négocié avec M. Lefèvre.", text, StringComparison.Ordinal);
        Assert.Contains("Accusé de réception", text, StringComparison.Ordinal);
        Assert.Contains("Historique complet", text, StringComparison.Ordinal);
        Assert.All(dispute.History, entry => Assert.Contains(entry.Hash, text, StringComparison.Ordinal));
        Assert.Contains("les 3 entrées de l'historique sont intactes", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_long_history_breaks_onto_numbered_pages_without_losing_a_line()
    {
        var builder = new DisputeBuilder();
        var dispute = builder.In(DisputeStatus.InReview);
        for (var i = 1; i <= 120; i++)
        {
            builder.Clock.Advance(TimeSpan.FromMinutes(1));
            dispute.AddInternalNote(Actors.Agent, $"Relance interne numéro {i} : le dépôt de Vénissieux n'a toujours pas répondu à notre demande de reprise de la palette.", builder.Clock.GetUtcNow());
        }

        var text = Render(dispute, out var pages);

        Assert.True(pages > 5, $"Only {pages} pages.");
        for (var i = 1; i <= 120; i++)
        {
            Assert.Contains($"Relance interne numéro {i} :", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void English_summary_uses_english_labels()
    {
        var dispute = new DisputeBuilder().In(DisputeStatus.Submitted);
        using var output = new MemoryStream();
        DisputeSummaryDocument.Write(output, dispute, Facts(), CultureInfo.GetCultureInfo("en-GB"));
        using var pdf = PdfDocument.Open(output.ToArray());
        var text = string.Join(' ', pdf.GetPages().Select(p => p.Text));
        Assert.Contains("Dispute file", text, StringComparison.Ordinal);
        Assert.Contains("Full history", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Wrapping_keeps_every_word_and_cuts_words_longer_than_the_line()
    {
        using var font = new SKFont(DocumentFonts.Regular, 10);
        var hash = new string('a', 200);
        var lines = PdfComposer.Wrap("Première ligne assez longue pour être coupée\nDeuxième " + hash, font, 120);

        Assert.All(lines, line => Assert.True(font.MeasureText(line) <= 120, line));
        static string Letters(string text) => string.Concat(text.Where(c => !char.IsWhiteSpace(c)));
        Assert.Equal(Letters("Première ligne assez longue pour être coupée Deuxième " + hash), Letters(string.Concat(lines)));
        Assert.True(lines.Count >= 4);
    }

    private static string Render(Dispute dispute, out int pages)
    {
        using var output = new MemoryStream();
        DisputeSummaryDocument.Write(output, dispute, Facts(), French);
        var bytes = output.ToArray();
        Assert.Equal("%PDF", System.Text.Encoding.ASCII.GetString(bytes, 0, 4));
        using var pdf = PdfDocument.Open(bytes);
        pages = pdf.NumberOfPages;
        return string.Join('\n', pdf.GetPages().Select(PageText));
    }

    // Words joined by single spaces, so assertions read as the sentence does.
    private static string PageText(UglyToad.PdfPig.Content.Page page) =>
        string.Join(' ', page.GetWords().Select(w => w.Text));

    private static DisputeSummaryFacts Facts() =>
        new(
            "Boulangeries Martin",
            "C000001",
            new LocalizedText("Erreur de facturation", "Billing error"),
            new LocalizedText("Facturation", "Billing"),
            null,
            new Dictionary<int, LocalizedText> { [ReasonCodeBuilder.BillingDepartment] = new("Facturation", "Billing") },
            [],
            DisputeBuilder.Submitted.AddDays(3),
            "Sophie Agent");
}
