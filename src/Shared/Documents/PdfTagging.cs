using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace Litiges.Documents;

/// <summary>
/// A logical element of the document (H1, H2, P, Table, TR, TH, TD) as <see cref="PdfComposer"/>
/// records it while drawing; its marked content is the text runs drawn for it, in drawing order.
/// </summary>
internal sealed class StructureElement(string role, StructureElement? parent)
{
    public string Role => role;

    public StructureElement? Parent => parent;

    public List<StructureElement> Children { get; } = [];

    /// <summary>Extra attributes written as the element's /A dictionary, e.g. a header cell's scope.</summary>
    public string? Attributes { get; init; }

    public StructureElement Add(string childRole, string? attributes = null)
    {
        var child = new StructureElement(childRole, this) { Attributes = attributes };
        Children.Add(child);
        return child;
    }
}

/// <summary>
/// Turns SkiaSharp's untagged PDF into a tagged one. SkiaSharp 3.119 does not bind Skia's
/// structure-tree API (ADR 0003), so the composer records the element each text run belongs to
/// and this class appends an incremental update: each page's content stream rewritten with every
/// text object (BT…ET, one per run drawn) wrapped in <c>/Role &lt;&lt;/MCID n&gt;&gt; BDC … EMC</c>
/// and every other drawing (rules, repeated headers, footers) marked as an artifact, the pages with
/// /StructParents, a StructTreeRoot with its ParentTree, and a catalog that says the file is marked,
/// its language and to show its title. The original bytes are kept unchanged before the update.
/// </summary>
internal static class PdfTagging
{
    private static readonly Encoding Latin1 = Encoding.Latin1;

    private static readonly HashSet<string> PathOperators = ["m", "l", "c", "v", "y", "h", "re", "W", "W*"];

    private static readonly HashSet<string> PaintOperators = ["S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "n", "sh", "Do"];

    /// <param name="pdf">SkiaSharp's output: one classic xref table, one content stream per page.</param>
    /// <param name="pages">For each page, the owner of each text run in drawing order; null marks an artifact.</param>
    public static byte[] Apply(byte[] pdf, StructureElement document, IReadOnlyList<IReadOnlyList<StructureElement?>> pages, string language)
    {
        var file = new PdfFile(pdf);
        var pageRefs = file.Pages();
        if (pageRefs.Count != pages.Count)
        {
            throw new InvalidOperationException($"The PDF has {pageRefs.Count} pages, the composer drew {pages.Count}.");
        }

        var update = new Update(file.Size);
        var documentRef = update.Reserve();
        var treeRootRef = update.Reserve();
        var parentTreeRef = update.Reserve();
        var elementRefs = new Dictionary<StructureElement, int>(ReferenceEqualityComparer.Instance) { [document] = documentRef };
        void Number(StructureElement element)
        {
            foreach (var child in element.Children)
            {
                elementRefs[child] = update.Reserve();
                Number(child);
            }
        }

        Number(document);

        // Marked content: MCIDs numbered per page in drawing order, owned by their element.
        var contents = new Dictionary<StructureElement, List<(int Page, int Mcid)>>(ReferenceEqualityComparer.Instance);
        var parentTree = new StringBuilder("<</Nums [");
        for (var index = 0; index < pageRefs.Count; index++)
        {
            var pageRef = pageRefs[index];
            var page = file.Object(pageRef);
            var contentRef = page.Dictionary["Contents"] as PdfRef
                ?? throw new InvalidOperationException($"Page {index + 1} has no single content stream.");
            var stream = file.Object(contentRef.Number);
            var decoded = Inflate(stream.Stream!, stream.Dictionary);
            var owners = pages[index];
            var (marked, count) = Mark(decoded, owners);
            if (count != owners.Count)
            {
                throw new InvalidOperationException($"Page {index + 1} has {count} text objects, the composer drew {owners.Count} runs: tagging would not match the text.");
            }

            parentTree.Append(CultureInfo.InvariantCulture, $"{index} [");
            var mcid = 0;
            foreach (var owner in owners.OfType<StructureElement>())
            {
                parentTree.Append(CultureInfo.InvariantCulture, $"{elementRefs[owner]} 0 R ");
                if (!contents.TryGetValue(owner, out var list))
                {
                    contents[owner] = list = [];
                }

                list.Add((pageRef, mcid++));
            }

            parentTree.Append("] ");
            update.Stream(contentRef.Number, "/Filter /FlateDecode", Deflate(marked));
            page.Dictionary["StructParents"] = new PdfRaw(index.ToString(CultureInfo.InvariantCulture));
            page.Dictionary["Tabs"] = new PdfName("S");
            update.Object(pageRef, PdfFile.Write(page.Dictionary));
        }

        parentTree.Append("]>>");
        update.Object(parentTreeRef, parentTree.ToString());
        update.Object(treeRootRef, $"<</Type /StructTreeRoot /K {documentRef} 0 R /ParentTree {parentTreeRef} 0 R /ParentTreeNextKey {pageRefs.Count}>>");
        foreach (var (element, number) in elementRefs)
        {
            var parent = element.Parent is null ? treeRootRef : elementRefs[element.Parent];
            var kids = new StringBuilder();
            int? firstPage = null;
            foreach (var (page, mcid) in contents.GetValueOrDefault(element) ?? [])
            {
                firstPage ??= page;
                kids.Append(page == firstPage
                    ? string.Create(CultureInfo.InvariantCulture, $"{mcid} ")
                    : string.Create(CultureInfo.InvariantCulture, $"<</Type /MCR /Pg {page} 0 R /MCID {mcid}>> "));
            }

            foreach (var child in element.Children)
            {
                kids.Append(CultureInfo.InvariantCulture, $"{elementRefs[child]} 0 R ");
            }

            var body = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"<</Type /StructElem /S /{element.Role} /P {parent} 0 R"));
            if (firstPage is { } pg)
            {
                body.Append(CultureInfo.InvariantCulture, $" /Pg {pg} 0 R");
            }

            if (element.Attributes is { } attributes)
            {
                body.Append(" /A ").Append(attributes);
            }

            body.Append(" /K [").Append(kids.ToString().TrimEnd()).Append("]>>");
            update.Object(number, body.ToString());
        }

        var catalog = file.Object(file.RootNumber);
        catalog.Dictionary["MarkInfo"] = new PdfRaw("<</Marked true>>");
        catalog.Dictionary["StructTreeRoot"] = new PdfRef(treeRootRef);
        if (language.Length > 0)
        {
            catalog.Dictionary["Lang"] = new PdfRaw(PdfFile.Text(language));
        }

        catalog.Dictionary["ViewerPreferences"] = new PdfRaw("<</DisplayDocTitle true>>");
        update.Object(file.RootNumber, PdfFile.Write(catalog.Dictionary));
        return update.AppendTo(pdf, file);
    }

    /// <summary>
    /// Wraps each text object in a marked-content sequence for its owner (or an artifact) and each
    /// painted path in an artifact; returns the new stream and the number of text objects seen.
    /// </summary>
    internal static (byte[] Content, int TextObjects) Mark(byte[] content, IReadOnlyList<StructureElement?> owners)
    {
        var source = Latin1.GetString(content);
        var output = new StringBuilder(source.Length + (owners.Count * 32));
        var copied = 0;
        var texts = 0;
        var mcid = 0;
        var inText = false;
        var inPath = false;
        var operandStart = -1;
        foreach (var (start, end, isOperator) in ContentTokens(source))
        {
            if (!isOperator)
            {
                operandStart = operandStart < 0 ? start : operandStart;
                continue;
            }

            var op = source[start..end];
            var opStart = operandStart < 0 ? start : operandStart;
            operandStart = -1;
            if (op == "BI")
            {
                throw new NotSupportedException("Inline images are not expected in the composer's pages.");
            }

            if (op == "BT")
            {
                output.Append(source, copied, opStart - copied);
                copied = opStart;
                var owner = texts < owners.Count ? owners[texts] : null;
                output.Append(owner is null ? "/Artifact BMC\n" : string.Create(CultureInfo.InvariantCulture, $"/{owner.Role} <</MCID {mcid++}>> BDC\n"));
                inText = true;
                texts++;
            }
            else if (op == "ET" && inText)
            {
                output.Append(source, copied, end - copied).Append("\nEMC");
                copied = end;
                inText = false;
            }
            else if (!inText && !inPath && PathOperators.Contains(op))
            {
                output.Append(source, copied, opStart - copied).Append("/Artifact BMC\n");
                copied = opStart;
                inPath = true;
            }
            else if (!inText && PaintOperators.Contains(op))
            {
                if (!inPath)
                {
                    output.Append(source, copied, opStart - copied).Append("/Artifact BMC\n");
                    copied = opStart;
                }

                output.Append(source, copied, end - copied).Append("\nEMC");
                copied = end;
                inPath = false;
            }
        }

        output.Append(source, copied, source.Length - copied);
        return (Latin1.GetBytes(output.ToString()), texts);
    }

    /// <summary>The tokens of a content stream: (start, end, whether it is an operator).</summary>
    private static IEnumerable<(int Start, int End, bool IsOperator)> ContentTokens(string s)
    {
        var i = 0;
        while (i < s.Length)
        {
            var c = s[i];
            if (PdfFile.IsWhite(c))
            {
                i++;
                continue;
            }

            var start = i;
            switch (c)
            {
                case '%':
                    while (i < s.Length && s[i] != '\n' && s[i] != '\r')
                    {
                        i++;
                    }

                    continue;
                case '(':
                    i = PdfFile.SkipLiteral(s, i);
                    break;
                case '<' when i + 1 < s.Length && s[i + 1] == '<':
                case '>' when i + 1 < s.Length && s[i + 1] == '>':
                    i += 2;
                    break;
                case '<':
                    i = s.IndexOf('>', i) + 1;
                    break;
                case '[' or ']' or '{' or '}':
                    i++;
                    break;
                case '/':
                    i++;
                    while (i < s.Length && !PdfFile.IsWhite(s[i]) && !PdfFile.IsDelimiter(s[i]))
                    {
                        i++;
                    }

                    break;
                default:
                    while (i < s.Length && !PdfFile.IsWhite(s[i]) && !PdfFile.IsDelimiter(s[i]))
                    {
                        i++;
                    }

                    var word = s.AsSpan(start, i - start);
                    var isOperator = (char.IsAsciiLetter(c) || c is '\'' or '"') && word is not "true" and not "false" and not "null";
                    yield return (start, Math.Max(i, start + 1), isOperator);
                    i = Math.Max(i, start + 1);
                    continue;
            }

            yield return (start, i, false);
        }
    }

    private static byte[] Inflate(byte[] data, Dictionary<string, object> dictionary)
    {
        var filter = dictionary.GetValueOrDefault("Filter");
        if (filter is null)
        {
            return data;
        }

        if (filter is not PdfName { Value: "FlateDecode" } || dictionary.ContainsKey("DecodeParms"))
        {
            throw new NotSupportedException("Only Flate-compressed content streams are expected.");
        }

        using var input = new ZLibStream(new MemoryStream(data), CompressionMode.Decompress);
        using var result = new MemoryStream();
        input.CopyTo(result);
        return result.ToArray();
    }

    private static byte[] Deflate(byte[] data)
    {
        using var result = new MemoryStream();
        using (var output = new ZLibStream(result, CompressionLevel.Optimal, leaveOpen: true))
        {
            output.Write(data);
        }

        return result.ToArray();
    }

    /// <summary>The objects of an incremental update, written after the original file with their own xref section.</summary>
    private sealed class Update(int size)
    {
        private readonly SortedDictionary<int, byte[]> _objects = [];
        private int _next = size;

        public int Reserve() => _next++;

        public void Object(int number, string body) =>
            _objects[number] = Latin1.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{number} 0 obj\n{body}\nendobj\n"));

        public void Stream(int number, string dictionary, byte[] data)
        {
            var head = Latin1.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{number} 0 obj\n<<{dictionary} /Length {data.Length}>> stream\n"));
            _objects[number] = [.. head, .. data, .. Latin1.GetBytes("\nendstream\nendobj\n")];
        }

        public byte[] AppendTo(byte[] original, PdfFile file)
        {
            using var output = new MemoryStream(original.Length + _objects.Values.Sum(o => o.Length) + 1024);
            output.Write(original);
            output.WriteByte((byte)'\n');
            var offsets = new SortedDictionary<int, long>();
            foreach (var (number, bytes) in _objects)
            {
                offsets[number] = output.Position;
                output.Write(bytes);
            }

            var xrefAt = output.Position;
            var xref = new StringBuilder("xref\n");
            var numbers = offsets.Keys.ToList();
            for (var i = 0; i < numbers.Count;)
            {
                var run = 1;
                while (i + run < numbers.Count && numbers[i + run] == numbers[i] + run)
                {
                    run++;
                }

                xref.Append(CultureInfo.InvariantCulture, $"{numbers[i]} {run}\n");
                for (var k = i; k < i + run; k++)
                {
                    xref.Append(CultureInfo.InvariantCulture, $"{offsets[numbers[k]]:D10} 00000 n \n");
                }

                i += run;
            }

            var trailer = new Dictionary<string, object>(file.Trailer)
            {
                ["Size"] = new PdfRaw(_next.ToString(CultureInfo.InvariantCulture)),
                ["Prev"] = new PdfRaw(file.StartXref.ToString(CultureInfo.InvariantCulture)),
            };
            xref.Append("trailer\n").Append(PdfFile.Write(trailer)).Append(CultureInfo.InvariantCulture, $"\nstartxref\n{xrefAt}\n%%EOF\n");
            output.Write(Latin1.GetBytes(xref.ToString()));
            return output.ToArray();
        }
    }
}

internal sealed record PdfName(string Value);

internal sealed record PdfRef(int Number, int Generation = 0);

/// <summary>A value kept as written: a number, a string, a boolean, or a small dictionary we write ourselves.</summary>
internal sealed record PdfRaw(string Text);

internal sealed record PdfObject(Dictionary<string, object> Dictionary, byte[]? Stream);

/// <summary>
/// Just enough of a PDF reader for SkiaSharp's output: a classic xref table, indirect objects
/// read by offset, dictionaries, arrays, names, references, and the rest kept as written.
/// </summary>
internal sealed class PdfFile
{
    private readonly byte[] _bytes;
    private readonly string _text;
    private readonly Dictionary<int, int> _offsets = [];

    public PdfFile(byte[] bytes)
    {
        _bytes = bytes;
        _text = Encoding.Latin1.GetString(bytes);
        var marker = _text.LastIndexOf("startxref", StringComparison.Ordinal);
        if (marker < 0)
        {
            throw new NotSupportedException("No startxref: not a PDF this reader understands.");
        }

        var position = marker + "startxref".Length;
        StartXref = int.Parse(Token(ref position), CultureInfo.InvariantCulture);
        position = StartXref;
        if (Token(ref position) != "xref")
        {
            throw new NotSupportedException("Only a classic xref table is expected (no xref stream).");
        }

        while (true)
        {
            var first = Token(ref position);
            if (first == "trailer")
            {
                break;
            }

            var count = int.Parse(Token(ref position), CultureInfo.InvariantCulture);
            for (var k = 0; k < count; k++)
            {
                var offset = int.Parse(Token(ref position), CultureInfo.InvariantCulture);
                Token(ref position);
                if (Token(ref position) == "n")
                {
                    _offsets[int.Parse(first, CultureInfo.InvariantCulture) + k] = offset;
                }
            }
        }

        Trailer = (Dictionary<string, object>)Value(ref position);
        if (Trailer.ContainsKey("Prev") || Trailer.ContainsKey("Encrypt"))
        {
            throw new NotSupportedException("Only a single-section, unencrypted PDF is expected.");
        }
    }

    public int StartXref { get; }

    public Dictionary<string, object> Trailer { get; }

    public int Size => int.Parse(((PdfRaw)Trailer["Size"]).Text, CultureInfo.InvariantCulture);

    public int RootNumber => ((PdfRef)Trailer["Root"]).Number;

    public static bool IsWhite(char c) => c is ' ' or '\n' or '\r' or '\t' or '\f' or '\0';

    public static bool IsDelimiter(char c) => c is '(' or ')' or '<' or '>' or '[' or ']' or '{' or '}' or '/' or '%';

    /// <summary>The index just after the literal string starting at <paramref name="i"/> (balanced parentheses, escapes).</summary>
    public static int SkipLiteral(string s, int i)
    {
        var depth = 0;
        for (; i < s.Length; i++)
        {
            switch (s[i])
            {
                case '\\':
                    i++;
                    break;
                case '(':
                    depth++;
                    break;
                case ')' when --depth == 0:
                    return i + 1;
            }
        }

        throw new FormatException("Unterminated string in PDF.");
    }

    /// <summary>A PDF text string: as written when plain ASCII (a language tag), else UTF-16BE with its byte-order mark, in hex.</summary>
    public static string Text(string value) => value.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')
        ? "(" + value + ")"
        : "<FEFF" + Convert.ToHexString(Encoding.BigEndianUnicode.GetBytes(value)) + ">";

    public static string Write(object value) => value switch
    {
        PdfName name => "/" + name.Value,
        PdfRef reference => string.Create(CultureInfo.InvariantCulture, $"{reference.Number} {reference.Generation} R"),
        PdfRaw raw => raw.Text,
        List<object> array => "[" + string.Join(' ', array.Select(Write)) + "]",
        Dictionary<string, object> dictionary => "<<" + string.Join(' ', dictionary.Select(e => "/" + e.Key + " " + Write(e.Value))) + ">>",
        _ => throw new ArgumentOutOfRangeException(nameof(value)),
    };

    /// <summary>The page objects' numbers in page order, walking the page tree from the catalog.</summary>
    public List<int> Pages()
    {
        var pages = new List<int>();
        void Walk(int number)
        {
            var node = Object(number).Dictionary;
            if (node["Type"] is PdfName { Value: "Pages" })
            {
                foreach (var kid in (List<object>)node["Kids"])
                {
                    Walk(((PdfRef)kid).Number);
                }
            }
            else
            {
                pages.Add(number);
            }
        }

        Walk(((PdfRef)Object(RootNumber).Dictionary["Pages"]).Number);
        return pages;
    }

    public PdfObject Object(int number)
    {
        var position = _offsets.TryGetValue(number, out var offset) ? offset : throw new FormatException($"Object {number} is not in the xref table.");
        Token(ref position);
        Token(ref position);
        if (Token(ref position) != "obj")
        {
            throw new FormatException($"Object {number} is not where the xref table says.");
        }

        var value = Value(ref position);
        var dictionary = value as Dictionary<string, object> ?? throw new NotSupportedException($"Object {number} is not a dictionary.");
        var after = position;
        if (Token(ref after) != "stream")
        {
            return new PdfObject(dictionary, null);
        }

        after += _text[after] == '\r' ? 2 : 1;
        var length = dictionary["Length"] switch
        {
            PdfRaw raw => int.Parse(raw.Text, CultureInfo.InvariantCulture),
            PdfRef reference => Number(reference.Number),
            _ => throw new FormatException("Stream without a length."),
        };
        return new PdfObject(dictionary, _bytes.AsSpan(after, length).ToArray());
    }

    private int Number(int number)
    {
        var position = _offsets[number];
        Token(ref position);
        Token(ref position);
        Token(ref position);
        return int.Parse(Token(ref position), CultureInfo.InvariantCulture);
    }

    private string Token(ref int i)
    {
        while (i < _text.Length && (IsWhite(_text[i]) || _text[i] == '%'))
        {
            if (_text[i] == '%')
            {
                while (i < _text.Length && _text[i] != '\n' && _text[i] != '\r')
                {
                    i++;
                }
            }
            else
            {
                i++;
            }
        }

        var start = i;
        if (i < _text.Length && IsDelimiter(_text[i]))
        {
            i += (_text[i] is '<' or '>') && i + 1 < _text.Length && _text[i + 1] == _text[i] ? 2 : 1;
            return _text[start..i];
        }

        while (i < _text.Length && !IsWhite(_text[i]) && !IsDelimiter(_text[i]))
        {
            i++;
        }

        return _text[start..i];
    }

    private object Value(ref int i)
    {
        var start = i;
        var token = Token(ref i);
        switch (token)
        {
            case "<<":
                var dictionary = new Dictionary<string, object>(StringComparer.Ordinal);
                while (true)
                {
                    // A key is the "/" delimiter followed by the name.
                    if (Token(ref i) == ">>")
                    {
                        return dictionary;
                    }

                    var key = Token(ref i);
                    dictionary[key] = Value(ref i);
                }

            case "[":
                var array = new List<object>();
                while (true)
                {
                    var before = i;
                    if (Token(ref i) == "]")
                    {
                        return array;
                    }

                    i = before;
                    array.Add(Value(ref i));
                }

            case "/":
                return new PdfName(Token(ref i));
            case "(":
                var tokenStart = _text.IndexOf('(', start);
                i = SkipLiteral(_text, tokenStart);
                return new PdfRaw(_text[tokenStart..i]);
            case "<":
                var hexStart = _text.IndexOf('<', start);
                i = _text.IndexOf('>', hexStart) + 1;
                return new PdfRaw(_text[hexStart..i]);
        }

        // A number, possibly the start of a reference "n g R".
        if (int.TryParse(token, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number))
        {
            var look = i;
            if (int.TryParse(Token(ref look), NumberStyles.Integer, CultureInfo.InvariantCulture, out var generation) && Token(ref look) == "R")
            {
                i = look;
                return new PdfRef(number, generation);
            }
        }

        return new PdfRaw(token);
    }
}
