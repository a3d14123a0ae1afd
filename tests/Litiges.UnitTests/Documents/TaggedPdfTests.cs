using System.Diagnostics;
using System.Globalization;
using Litiges.CreditNotes;
using Litiges.Customers;
using Litiges.Disputes;
using Litiges.Documents;
using Litiges.Invoices;
using Litiges.Localization;
using Litiges.UnitTests.Builders;
using SkiaSharp;
using UglyToad.PdfPig;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Tokens;

namespace Litiges.UnitTests.Documents;

/// <summary>
/// The PDFs are tagged (issue 17): a structure tree a screen reader follows, read back with PdfPig
/// and checked against the marked content of the pages, and accepted by poppler (pdfinfo) and qpdf.
/// SkiaSharp cannot tag; <see cref="PdfTagging"/> does it after SkiaSharp (ADR 0003).
/// </summary>
public sealed class TaggedPdfTests
{
    private static readonly CultureInfo French = CultureInfo.GetCultureInfo("fr-FR");
    private static readonly CultureInfo English = CultureInfo.GetCultureInfo("en-GB");

    [Fact]
    public void Credit_note_structure_starts_with_its_title_and_has_tables_of_rows_and_cells()
    {
        var pdf = CreditNotePdf(French);

        var structure = Structure(pdf);

        Assert.Equal("fr-FR", structure.Language);
        Assert.Equal("Document", structure.Roles[0]);
        Assert.Equal("H1", structure.Roles[1]);
        Assert.Contains("H2", structure.Roles);
        Assert.Contains("P", structure.Roles);
        Assert.Equal(2, structure.Roles.Count(r => r == "Table"));

        // Lines table: a header row of five TH, then one TR of five TD per line of the note.
        var table = structure.Tables[0];
        Assert.Equal(["TH", "TH", "TH", "TH", "TH"], table[0]);
        Assert.Equal(3, table.Count);
        Assert.All(table.Skip(1), row => Assert.Equal(["TD", "TD", "TD", "TD", "TD"], row));
        Assert.Equal("Avoir AV-2026-000061", structure.TextOfFirst("H1"));
    }

    [Fact]
    public void English_credit_note_declares_english()
    {
        var structure = Structure(CreditNotePdf(English));

        Assert.Equal("en-GB", structure.Language);
        Assert.Equal("H1", structure.Roles[1]);
    }

    [Fact]
    public void A_table_over_several_pages_is_one_table_whose_repeated_headers_are_artifacts()
    {
        using var output = new MemoryStream();
        using (var composer = new PdfComposer(output, "Test", "Pied", DateTimeOffset.UnixEpoch, English))
        {
            composer.Title("Long table");
            composer.Heading("Rows");
            composer.Table(["Item", "Amount"], [3, 1], Enumerable.Range(1, 150).Select(i => (IReadOnlyList<string>)[$"Item {i} with a description", $"{i},00"]));
            composer.Paragraph("After the table.");
            composer.Close();
            Assert.True(composer.Pages > 2);
        }

        var structure = Structure(output.ToArray());

        Assert.Equal(["Document", "H1", "H2", "Table"], structure.Roles.Take(4));
        var table = Assert.Single(structure.Tables);
        Assert.Equal(151, table.Count);
        Assert.Equal(["TH", "TH"], table[0]);
        Assert.All(table.Skip(1), row => Assert.Equal(["TD", "TD"], row));
        Assert.Equal("P", structure.Roles[^1]);
    }

    [Fact]
    public void Long_dispute_summary_is_tagged_on_every_page()
    {
        var builder = new DisputeBuilder();
        var dispute = builder.In(DisputeStatus.InReview);
        for (var i = 1; i <= 60; i++)
        {
            builder.Clock.Advance(TimeSpan.FromMinutes(1));
            dispute.AddInternalNote(Actors.Agent, $"Relance interne numéro {i} : le dépôt de Vénissieux n'a toujours pas répondu.", builder.Clock.GetUtcNow());
        }

        using var output = new MemoryStream();
        DisputeSummaryDocument.Write(output, dispute, new DisputeSummaryFacts(
            "Boulangeries Martin",
            "C000001",
            new LocalizedText("Erreur de facturation", "Billing error"),
            new LocalizedText("Facturation", "Billing"),
            null,
            new Dictionary<int, LocalizedText> { [ReasonCodeBuilder.BillingDepartment] = new("Facturation", "Billing") },
            [],
            DisputeBuilder.Submitted.AddDays(3),
            "Sophie Agent"), French);

        var structure = Structure(output.ToArray());

        Assert.True(structure.Pages > 2);
        Assert.Equal("H1", structure.Roles[1]);
        Assert.Contains("Table", structure.Roles);
        AssertTools(output.ToArray());
    }

    [Fact]
    public void Credit_note_is_reported_tagged_by_pdfinfo_and_passes_qpdf_check()
    {
        AssertTools(CreditNotePdf(French));
    }

    [Fact]
    public void SkiaSharp_alone_writes_an_untagged_pdf_the_checks_reject()
    {
        using var output = new MemoryStream();
        using (var stream = new SKManagedWStream(output))
        using (var document = SKDocument.CreatePdf(stream))
        {
            var canvas = document.BeginPage(PdfComposer.PageWidth, PdfComposer.PageHeight);
            using var font = PdfComposer.TextFont(DocumentFonts.Regular, 12);
            using var ink = new SKPaint();
            canvas.DrawText("Avoir", 50, 50, SKTextAlign.Left, font, ink);
            document.EndPage();
            document.Close();
        }

        using var pdf = PdfDocument.Open(output.ToArray());
        Assert.False(pdf.Structure.Catalog.CatalogDictionary.Data.ContainsKey("StructTreeRoot"));
        if (Tool("pdfinfo") is { } pdfinfo)
        {
            Assert.Matches(@"(?m)^Tagged:\s+no$", Run(pdfinfo, output.ToArray()).Output);
        }
    }

    private static void AssertTools(byte[] pdf)
    {
        if (Tool("pdfinfo") is { } pdfinfo)
        {
            var (code, text) = Run(pdfinfo, pdf);
            Assert.True(code == 0, text);
            Assert.Matches(@"(?m)^Tagged:\s+yes$", text);
        }

        if (Tool("qpdf") is { } qpdf)
        {
            var (code, text) = Run(qpdf, pdf, "--check");
            Assert.True(code == 0, "qpdf --check failed:\n" + text);
            Assert.Contains("No syntax or stream encoding errors found", text, StringComparison.Ordinal);
            Assert.DoesNotContain("WARNING", text, StringComparison.Ordinal);
        }
    }

    private static byte[] CreditNotePdf(CultureInfo culture)
    {
        var invoice = new Invoice("FA-2026-0061", 7, new DateOnly(2026, 10, 1), new DateOnly(2026, 10, 31));
        invoice.AddLine("Palettes", 10, 100m, 0.20m);
        var seller = new SellerOptions { TaxOnDebits = true, OperationCategory = OperationCategory.Mixed };
        var buyer = new PartyIdentity("Alpha Industries", new PostalAddress("1 rue de la République", null, "69002", "Lyon", "France"), "552100554", "FR96552100554");
        var note = CreditNote.Issue(
            "AV-2026-000061",
            new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero),
            "Fanny Finance",
            seller.ToIdentity(),
            buyer,
            invoice,
            [new CreditLine("Palettes cassées", 2, 100m, 0.20m), new CreditLine("Pose reprise", 1, 80m, 0.20m)],
            "Palettes cassées à la livraison",
            61,
            seller.OperationCategory,
            null);
        using var stream = new MemoryStream();
        CreditNoteDocument.Write(stream, note, seller, culture);
        return stream.ToArray();
    }

    /// <summary>
    /// Reads the structure tree with PdfPig and checks it against the pages: every MCID an element
    /// names is a marked-content sequence with that MCID on that page, and every marked-content
    /// sequence of the pages that is not an artifact belongs to exactly one element.
    /// </summary>
    private static Tagged Structure(byte[] bytes)
    {
        using var pdf = PdfDocument.Open(bytes);
        IToken Resolve(IToken token) => token is IndirectReferenceToken reference ? pdf.Structure.GetObject(reference.Data).Data : token;
        DictionaryToken Dictionary(IToken token) => Assert.IsType<DictionaryToken>(Resolve(token));

        var catalog = pdf.Structure.Catalog.CatalogDictionary;
        Assert.True(catalog.Data.ContainsKey("StructTreeRoot"), "The catalog has no StructTreeRoot.");
        Assert.Equal("true", Dictionary(catalog.Data["MarkInfo"]).Data["Marked"].ToString(), ignoreCase: true);
        Assert.Equal("true", Dictionary(catalog.Data["ViewerPreferences"]).Data["DisplayDocTitle"].ToString(), ignoreCase: true);
        var language = Assert.IsType<StringToken>(Resolve(catalog.Data["Lang"])).Data;

        // Page object number -> page number, walking the page tree.
        var pageNumbers = new Dictionary<long, int>();
        void Walk(IToken node)
        {
            var dictionary = Dictionary(node);
            if (((NameToken)dictionary.Data["Type"]).Data == "Pages")
            {
                foreach (var kid in ((ArrayToken)Resolve(dictionary.Data["Kids"])).Data)
                {
                    Walk(kid);
                }
            }
            else
            {
                pageNumbers[((IndirectReferenceToken)node).Data.ObjectNumber] = pageNumbers.Count + 1;
            }
        }

        Walk(catalog.Data["Pages"]);

        var roles = new List<string>();
        var tables = new List<List<List<string>>>();
        var referenced = new HashSet<(int Page, int Mcid)>();
        var mcidsOf = new Dictionary<string, List<(int Page, int Mcid)>>();
        void Element(DictionaryToken element, int? inheritedPage)
        {
            var role = ((NameToken)element.Data["S"]).Data;
            roles.Add(role);
            var page = element.Data.TryGetValue("Pg", out var pg) ? pageNumbers[((IndirectReferenceToken)pg).Data.ObjectNumber] : inheritedPage;
            if (role == "Table")
            {
                tables.Add([]);
            }
            else if (role == "TR")
            {
                tables[^1].Add([]);
            }
            else if (role is "TH" or "TD")
            {
                tables[^1][^1].Add(role);
            }

            var kids = element.Data.TryGetValue("K", out var k) ? Resolve(k) is ArrayToken array ? array.Data : [Resolve(k)] : [];
            foreach (var kid in kids)
            {
                var mcid = (Page: 0, Mcid: -1);
                if (kid is NumericToken number)
                {
                    mcid = (page ?? throw new InvalidOperationException($"{role} has an MCID but no page."), number.Int);
                }
                else if (Resolve(kid) is DictionaryToken child && child.Data.TryGetValue("Type", out var type) && type is NameToken { Data: "MCR" })
                {
                    mcid = (pageNumbers[((IndirectReferenceToken)child.Data["Pg"]).Data.ObjectNumber], ((NumericToken)child.Data["MCID"]).Int);
                }
                else
                {
                    Element(Dictionary(kid), page);
                    continue;
                }

                Assert.True(referenced.Add(mcid), $"MCID {mcid} is claimed twice.");
                if (!mcidsOf.TryGetValue(role, out var list))
                {
                    mcidsOf[role] = list = [];
                }

                list.Add(mcid);
            }
        }

        var root = Dictionary(catalog.Data["StructTreeRoot"]);
        Assert.Equal("StructTreeRoot", ((NameToken)root.Data["Type"]).Data);
        Assert.True(root.Data.ContainsKey("ParentTree"));
        Element(Dictionary(root.Data["K"]), null);

        var marked = new HashSet<(int Page, int Mcid)>();
        var texts = new Dictionary<(int Page, int Mcid), string>();
        foreach (var page in pdf.GetPages())
        {
            foreach (var content in page.GetMarkedContents())
            {
                if (content.IsArtifact)
                {
                    continue;
                }

                Assert.True(content.MarkedContentIdentifier >= 0, $"Untagged, non-artifact content on page {page.Number}: {content.Tag}");
                Assert.True(marked.Add((page.Number, content.MarkedContentIdentifier)), "MCID used twice on a page.");
                texts[(page.Number, content.MarkedContentIdentifier)] = string.Concat(content.Letters.Select(l => l.Value));
            }
        }

        Assert.Equal(marked.OrderBy(m => m), referenced.OrderBy(m => m));
        return new Tagged(language, roles, tables, pdf.NumberOfPages, role => string.Concat(mcidsOf[role].Take(1).Select(m => texts[m])));
    }

    private static string? Tool(string name)
    {
        var tool = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, name))
            .FirstOrDefault(File.Exists);
        Assert.False(tool is null && Environment.GetEnvironmentVariable("CI") == "true", $"{name} is not on PATH: scripts/services.sh installs qpdf and poppler-utils.");
        return tool;
    }

    private static (int Code, string Output) Run(string tool, byte[] pdf, params string[] options)
    {
        var path = Path.Combine(Path.GetTempPath(), $"litiges-tagged-{Guid.NewGuid():N}.pdf");
        try
        {
            File.WriteAllBytes(path, pdf);
            using var process = Process.Start(new ProcessStartInfo(tool, [.. options, path]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var errors = process.StandardError.ReadToEndAsync();
            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, output + errors.Result);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private sealed record Tagged(string Language, List<string> Roles, List<List<List<string>>> Tables, int Pages, Func<string, string> TextOfFirst);
}
