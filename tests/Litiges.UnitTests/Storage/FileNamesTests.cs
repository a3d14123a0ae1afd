using Litiges.Storage;

namespace Litiges.UnitTests.Storage;

/// <summary>The name a browser sends is cleaned before it is shown or offered back as a download name.</summary>
public sealed class FileNamesTests
{
    [Theory]
    [InlineData("Bon de livraison n°42.pdf", "Bon de livraison n°42.pdf")]
    [InlineData(@"C:\Users\dupont\Documents\facture.pdf", "facture.pdf")]
    [InlineData("/home/dupont/facture.pdf", "facture.pdf")]
    [InlineData("../../etc/passwd", "passwd")]
    [InlineData("..\\..\\web.config", "web.config")]
    [InlineData("  devis   2026 .pdf  ", "devis 2026.pdf")]
    [InlineData("a<b>c:d\"e|f?g*h.pdf", "a_b_c_d_e_f_g_h.pdf")]
    [InlineData("ligne1\r\nContent-Type: text.pdf", "ligne1Content-Type_ text.pdf")]
    [InlineData(".htaccess", "htaccess")]
    [InlineData("...", "document")]
    [InlineData("", "document")]
    [InlineData(null, "document")]
    [InlineData(".pdf", "pdf")]
    [InlineData("CON.txt", "_CON.txt")]
    [InlineData("lpt1.pdf", "_lpt1.pdf")]
    [InlineData("facture.pdf.", "facture.pdf")]
    public void Names_are_cleaned(string? sent, string expected) =>
        Assert.Equal(expected, FileNames.Sanitize(sent));

    [Fact]
    public void Direction_overrides_cannot_disguise_an_extension()
    {
        // "facture\u202Efdp.exe" shows as "factureexe.pdf" in a right-to-left override.
        Assert.Equal("facturefdp.exe", FileNames.Sanitize("facture\u202Efdp.exe"));
        Assert.Equal("photo.png", FileNames.Sanitize("pho\u200Bto\u2060.png"));
    }

    [Fact]
    public void Decomposed_accents_are_composed()
    {
        Assert.Equal("re\u0301clamation.pdf".Normalize(System.Text.NormalizationForm.FormC), FileNames.Sanitize("re\u0301clamation.pdf"));
        Assert.Equal("réclamation.pdf", FileNames.Sanitize("re\u0301clamation.pdf"));
    }

    [Fact]
    public void Long_names_are_cut_keeping_the_extension_and_whole_characters()
    {
        var name = FileNames.Sanitize(new string('é', 300) + "😀😀.pdf");
        Assert.True(name.Length <= FileNames.MaxLength);
        Assert.EndsWith(".pdf", name, StringComparison.Ordinal);

        var emoji = FileNames.Sanitize(string.Concat(Enumerable.Repeat("😀", 100)) + ".png");
        Assert.True(emoji.Length <= FileNames.MaxLength);
        Assert.EndsWith("😀.png", emoji, StringComparison.Ordinal);
    }

    [Fact]
    public void Lone_surrogates_are_dropped()
    {
        Assert.Equal("ab.txt", FileNames.Sanitize("a\uD800b.txt"));
    }
}
