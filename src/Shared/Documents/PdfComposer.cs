using System.Globalization;
using System.Text;
using SkiaSharp;

namespace Litiges.Documents;

/// <summary>
/// Lays text out on A4 pages with SkiaSharp's PDF backend: headings, wrapped paragraphs,
/// label/value rows and simple tables, breaking pages where the text runs out of room and
/// numbering them. The embedded DejaVu font is subset into the file, so accents render anywhere.
/// It records the role of every text it draws (title, heading, paragraph, table cell) and, on
/// close, <see cref="PdfTagging"/> turns SkiaSharp's output into a tagged PDF with that structure.
/// </summary>
public sealed class PdfComposer : IDisposable
{
    public const float PageWidth = 595.28f;  // A4 in points
    public const float PageHeight = 841.89f;
    public const float Margin = 50f;

    private const float BodySize = 9.5f;
    private const float FooterSize = 7.5f;
    private const float LineSpacing = 1.35f;

    private const string ColumnHeader = "<</O /Table /Scope /Column>>";

    private readonly Stream _output;
    private readonly MemoryStream _untagged = new();
    private readonly SKManagedWStream _stream;
    private readonly SKDocument _document;
    private readonly SKFont _regular;
    private readonly SKFont _bold;
    private readonly SKPaint _ink = new() { Color = SKColors.Black, IsAntialias = true };
    private readonly SKPaint _muted = new() { Color = new SKColor(0x55, 0x55, 0x55), IsAntialias = true };
    private readonly SKPaint _rule = new() { Color = new SKColor(0xBB, 0xBB, 0xBB), StrokeWidth = 0.6f, IsAntialias = true };
    private readonly string _footer;
    private readonly string _language;
    private readonly StructureElement _structure = new("Document", null);
    private readonly List<List<StructureElement?>> _runs = [];
    private SKCanvas? _canvas;
    private float _y;
    private bool _closed;

    /// <param name="footer">Printed at the foot of every page before the page number, e.g. the dispute reference.</param>
    /// <param name="language">The document's language, declared in the PDF for screen readers and search.</param>
    /// <param name="archival">Asks SkiaSharp for PDF/A (fonts embedded, metadata as XMP), for documents kept for years such as credit notes.</param>
    public PdfComposer(Stream output, string title, string footer, DateTimeOffset createdAt, CultureInfo language, bool archival = false)
    {
        _output = output;
        _language = language.Name;

        // SkiaSharp writes into memory; Close adds the structure and copies the result to the output.
        _stream = new SKManagedWStream(_untagged);
        _document = SKDocument.CreatePdf(_stream, new SKDocumentPdfMetadata
        {
            Title = title,
            Creator = "Litiges",
            Producer = "Litiges (SkiaSharp)",
            Creation = createdAt.UtcDateTime,
            Modified = createdAt.UtcDateTime,
            RasterDpi = 72,
            PdfA = archival,
        }) ?? throw new InvalidOperationException("SkiaSharp could not start a PDF document.");
        _regular = TextFont(DocumentFonts.Regular, BodySize);
        _bold = TextFont(DocumentFonts.Bold, BodySize);
        _footer = footer;
    }

    public int Pages { get; private set; }

    private static float ContentWidth => PageWidth - (2 * Margin);

    private static float Bottom => PageHeight - Margin - 14;

    public void Title(string text)
    {
        Text("H1", text, bold: true, size: 16, spaceBefore: 0, spaceAfter: 6);
    }

    public void Heading(string text)
    {
        // Keep a heading with at least two lines of what follows it.
        EnsureRoom((13 * LineSpacing) + (2 * BodySize * LineSpacing) + 10);
        Text("H2", text, bold: true, size: 12, spaceBefore: 10, spaceAfter: 3);
        Page.DrawLine(Margin, _y, PageWidth - Margin, _y, _rule);
        _y += 5;
    }

    public void Paragraph(string? text, bool bold = false, bool muted = false, float size = BodySize) =>
        Text("P", text ?? string.Empty, bold, size, spaceBefore: 0, spaceAfter: 4, muted);

    /// <summary>A label in bold on the left, its value wrapped on the right; read as one paragraph, label first.</summary>
    public void Field(string label, string? value)
    {
        const float labelWidth = 150f;
        var lines = Wrap(value ?? string.Empty, _regular, ContentWidth - labelWidth);
        var labelLines = Wrap(label, _bold, labelWidth - 8);
        var height = Math.Max(lines.Count, labelLines.Count) * LineHeight(BodySize);
        EnsureRoom(Math.Min(height, LineHeight(BodySize) * 3));
        var rows = Math.Max(lines.Count, labelLines.Count);
        var field = _structure.Add("P");
        for (var i = 0; i < rows; i++)
        {
            EnsureRoom(LineHeight(BodySize));
            var baseline = _y + BodySize;
            if (i < labelLines.Count)
            {
                Run(labelLines[i], Margin, baseline, SKTextAlign.Left, _bold, _ink, field);
            }

            if (i < lines.Count)
            {
                Run(lines[i], Margin + labelWidth, baseline, SKTextAlign.Left, _regular, _ink, field);
            }

            _y += LineHeight(BodySize);
        }

        _y += 1;
    }

    /// <summary>
    /// A table whose columns share the width by the given weights; cells wrap and a row never
    /// splits across pages (unless it is taller than a page). The header repeats on each new page;
    /// the repetitions are marked as artifacts so that a screen reader meets the header row once.
    /// </summary>
    public void Table(IReadOnlyList<string> headers, IReadOnlyList<float> weights, IEnumerable<IReadOnlyList<string>> rows, IReadOnlySet<int>? rightAligned = null)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(weights.Count, headers.Count);
        var total = weights.Sum();
        var widths = weights.Select(w => ContentWidth * w / total).ToArray();
        var right = rightAligned ?? new HashSet<int>();

        var table = _structure.Add("Table");
        void Header(bool repeated)
        {
            var row = repeated ? null : table.Add("TR");
            DrawRow(headers, widths, _bold, right, [.. headers.Select(_ => row?.Add("TH", ColumnHeader))]);
            Page.DrawLine(Margin, _y, PageWidth - Margin, _y, _rule);
            _y += 3;
        }

        EnsureRoom(LineHeight(BodySize) * 3);
        Header(repeated: false);
        foreach (var row in rows)
        {
            var height = RowHeight(row, widths, _regular);
            if (_y + height > Bottom && height < Bottom - Margin)
            {
                NewPage();
                Header(repeated: true);
            }

            var tr = table.Add("TR");
            DrawRow(row, widths, _regular, right, [.. row.Select(_ => tr.Add("TD"))]);
            _y += 2;
        }

        _y += 4;
    }

    public void Space(float points = 6) => _y += points;

    public void Close()
    {
        if (_closed)
        {
            return;
        }

        if (_canvas is null)
        {
            NewPage();
        }

        FinishPage();
        _document.Close();
        _stream.Flush();
        _output.Write(PdfTagging.Apply(_untagged.ToArray(), _structure, _runs, _language));
        _closed = true;
    }

    public void Dispose()
    {
        Close();
        _regular.Dispose();
        _bold.Dispose();
        _ink.Dispose();
        _muted.Dispose();
        _rule.Dispose();
        _document.Dispose();
        _stream.Dispose();
        _untagged.Dispose();
    }

    /// <summary>Splits text into lines no wider than <paramref name="width"/>, on spaces where possible.</summary>
    public static IReadOnlyList<string> Wrap(string text, SKFont font, float width)
    {
        var lines = new List<string>();
        foreach (var paragraph in Clean(text).Split('\n'))
        {
            var line = new StringBuilder();
            foreach (var word in paragraph.Split(' '))
            {
                var candidate = line.Length == 0 ? word : line + " " + word;
                if (font.MeasureText(candidate) <= width)
                {
                    line.Clear().Append(candidate);
                    continue;
                }

                if (line.Length > 0)
                {
                    lines.Add(line.ToString());
                    line.Clear();
                }

                // A word longer than the line (a hash, a URL): cut it where it overflows.
                var rest = word;
                while (font.MeasureText(rest) > width && rest.Length > 1)
                {
                    var fit = Fit(rest, font, width);
                    lines.Add(rest[..fit]);
                    rest = rest[fit..];
                }

                line.Append(rest);
            }

            lines.Add(line.ToString());
        }

        return lines;
    }

    private static int Fit(string word, SKFont font, float width)
    {
        var count = 1;
        while (count < word.Length && font.MeasureText(word[..(count + 1)]) <= width)
        {
            count++;
        }

        return count;
    }

    // Tabs and control characters have no glyph; line ends are normalised to \n.
    private static string Clean(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n'))
        {
            builder.Append(c switch
            {
                '\n' => '\n',
                '\t' => ' ',
                _ when char.IsControl(c) => ' ',
                _ => c,
            });
        }

        return builder.ToString();
    }

    private static float LineHeight(float size) => size * LineSpacing;

    /// <summary>
    /// A font laid out with the font's own advances, unhinted. Hinted advances (the default) are
    /// rounded to the pixel grid at each size, so they differ from the glyph widths the PDF
    /// declares, and SkiaSharp then positions every glyph with its own offset: text extractors read
    /// those offsets as gaps ("Dat e d 'é mission"). With linear metrics, each string drawn is one
    /// run whose glyphs follow the declared widths, and it extracts as the words it is.
    /// </summary>
    public static SKFont TextFont(SKTypeface typeface, float size) =>
        new(typeface, size) { Hinting = SKFontHinting.None, LinearMetrics = true, Subpixel = true };

    private SKCanvas Page => _canvas ?? NewPage();

    private void Text(string role, string text, bool bold, float size, float spaceBefore, float spaceAfter, bool muted = false)
    {
        using var font = TextFont(bold ? DocumentFonts.Bold : DocumentFonts.Regular, size);
        _y += _canvas is null ? 0 : spaceBefore;
        var element = string.IsNullOrWhiteSpace(text) ? null : _structure.Add(role);
        foreach (var line in Wrap(text, font, ContentWidth))
        {
            EnsureRoom(LineHeight(size));
            Run(line, Margin, _y + size, SKTextAlign.Left, font, muted ? _muted : _ink, element);
            _y += LineHeight(size);
        }

        _y += spaceAfter;
    }

    /// <summary>
    /// Draws one run of text (SkiaSharp writes it as one BT…ET text object) and records whose
    /// content it is, null for an artifact. Blank runs are not drawn: they show nothing and
    /// SkiaSharp may write no text object for them, which would shift the tagging.
    /// </summary>
    private void Run(string text, float x, float y, SKTextAlign align, SKFont font, SKPaint paint, StructureElement? owner)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return;
        }

        Page.DrawText(text, x, y, align, font, paint);
        _runs[^1].Add(owner);
    }

    private float RowHeight(IReadOnlyList<string> cells, float[] widths, SKFont font) =>
        cells.Select((cell, i) => Wrap(cell, font, widths[i] - 6).Count).DefaultIfEmpty(1).Max() * LineHeight(BodySize);

    private void DrawRow(IReadOnlyList<string> cells, float[] widths, SKFont font, IReadOnlySet<int> right, IReadOnlyList<StructureElement?> owners)
    {
        var wrapped = cells.Select((cell, i) => Wrap(cell, font, widths[i] - 6)).ToList();
        var lines = wrapped.Select(w => w.Count).DefaultIfEmpty(1).Max();
        for (var line = 0; line < lines; line++)
        {
            EnsureRoom(LineHeight(BodySize));
            var x = Margin;
            for (var column = 0; column < wrapped.Count; column++)
            {
                if (line < wrapped[column].Count)
                {
                    var alignRight = right.Contains(column);
                    Run(
                        wrapped[column][line],
                        alignRight ? x + widths[column] - 6 : x,
                        _y + BodySize,
                        alignRight ? SKTextAlign.Right : SKTextAlign.Left,
                        font,
                        _ink,
                        owners[column]);
                }

                x += widths[column];
            }

            _y += LineHeight(BodySize);
        }
    }

    private void EnsureRoom(float height)
    {
        if (_canvas is null || _y + height > Bottom)
        {
            NewPage();
        }
    }

    private SKCanvas NewPage()
    {
        if (_canvas is not null)
        {
            FinishPage();
        }

        Pages++;
        _canvas = _document.BeginPage(PageWidth, PageHeight);
        _runs.Add([]);
        _y = Margin;
        return _canvas;
    }

    private void FinishPage()
    {
        if (_canvas is null)
        {
            return;
        }

        using var font = TextFont(DocumentFonts.Regular, FooterSize);
        var footerY = PageHeight - Margin + 10;
        // The footer repeats on every page: artifacts, not content a screen reader should read each time.
        _canvas.DrawLine(Margin, footerY - 10, PageWidth - Margin, footerY - 10, _rule);
        Run(_footer, Margin, footerY, SKTextAlign.Left, font, _muted, null);
        Run(Pages.ToString(CultureInfo.InvariantCulture), PageWidth - Margin, footerY, SKTextAlign.Right, font, _muted, null);
        _document.EndPage();
        _canvas = null;
    }
}

/// <summary>DejaVu Sans (regular and bold), shipped in the assembly under its free licence (Fonts/LICENSE).</summary>
public static class DocumentFonts
{
    private static readonly Lazy<SKTypeface> LazyRegular = new(() => Load("DejaVuSans.ttf"));
    private static readonly Lazy<SKTypeface> LazyBold = new(() => Load("DejaVuSans-Bold.ttf"));

    public static SKTypeface Regular => LazyRegular.Value;

    public static SKTypeface Bold => LazyBold.Value;

    private static SKTypeface Load(string file)
    {
        var name = "Litiges.Fonts." + file;
        using var stream = typeof(DocumentFonts).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The font {name} is not embedded.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        using var data = SKData.CreateCopy(copy.ToArray());
        return SKTypeface.FromData(data) ?? throw new InvalidOperationException($"The font {name} cannot be read.");
    }
}
