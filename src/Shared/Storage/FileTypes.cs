using System.Buffers.Binary;
using System.Text;

namespace Litiges.Storage;

/// <summary>How a file of a type is recognised from its first bytes.</summary>
public enum FileSignature
{
    Pdf,
    Png,
    Jpeg,
    Gif,
    Webp,
    Tiff,

    /// <summary>DOCX, XLSX, PPTX: a ZIP package whose first entry is an OOXML part.</summary>
    OfficeOpenXml,

    /// <summary>ODT, ODS: a ZIP package whose first entry is the stored "mimetype".</summary>
    OpenDocument,

    /// <summary>DOC, XLS, MSG: an OLE compound file.</summary>
    OleCompound,

    /// <summary>TXT, CSV: text, checked over the whole file.</summary>
    Text,

    /// <summary>EML: text that starts with a mail header.</summary>
    Email,
}

/// <summary>A kind of file customers may send: its extension, the content type it is served with and how it is recognised.</summary>
public sealed record FileType(string Extension, string ContentType, FileSignature Signature, string? OpenDocumentMimeType = null)
{
    public bool IsText => Signature is FileSignature.Text or FileSignature.Email;
}

/// <summary>
/// The evidence types the product accepts, recognised by extension AND by content, so that a
/// program renamed "invoice.pdf" is refused. Content types are ours, never the browser's.
/// </summary>
public static class FileTypes
{
    /// <summary>How many first bytes are read to recognise a file.</summary>
    public const int HeadLength = 8192;

    private static readonly byte[] PngMagic = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
    private static readonly byte[] OleMagic = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    private static readonly byte[] ZipMagic = "PK\u0003\u0004"u8.ToArray();
    private static readonly string[] OfficeOpenXmlParts = ["[Content_Types].xml", "_rels/", "docProps/", "word/", "xl/", "ppt/", "customXml/"];

    public static IReadOnlyDictionary<string, FileType> Known { get; } = new[]
    {
        new FileType("pdf", "application/pdf", FileSignature.Pdf),
        new FileType("png", "image/png", FileSignature.Png),
        new FileType("jpg", "image/jpeg", FileSignature.Jpeg),
        new FileType("jpeg", "image/jpeg", FileSignature.Jpeg),
        new FileType("gif", "image/gif", FileSignature.Gif),
        new FileType("webp", "image/webp", FileSignature.Webp),
        new FileType("tif", "image/tiff", FileSignature.Tiff),
        new FileType("tiff", "image/tiff", FileSignature.Tiff),
        new FileType("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", FileSignature.OfficeOpenXml),
        new FileType("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", FileSignature.OfficeOpenXml),
        new FileType("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation", FileSignature.OfficeOpenXml),
        new FileType("odt", "application/vnd.oasis.opendocument.text", FileSignature.OpenDocument, "application/vnd.oasis.opendocument.text"),
        new FileType("ods", "application/vnd.oasis.opendocument.spreadsheet", FileSignature.OpenDocument, "application/vnd.oasis.opendocument.spreadsheet"),
        new FileType("doc", "application/msword", FileSignature.OleCompound),
        new FileType("xls", "application/vnd.ms-excel", FileSignature.OleCompound),
        new FileType("msg", "application/vnd.ms-outlook", FileSignature.OleCompound),
        new FileType("txt", "text/plain; charset=utf-8", FileSignature.Text),
        new FileType("csv", "text/csv; charset=utf-8", FileSignature.Text),
        new FileType("eml", "message/rfc822", FileSignature.Email),
    }.ToDictionary(t => t.Extension, StringComparer.Ordinal);

    /// <summary>The type named by the file name's extension, if the product knows it.</summary>
    public static FileType? ByFileName(string fileName)
    {
        var extension = Path.GetExtension(fileName).TrimStart('.').ToLowerInvariant();
        return Known.GetValueOrDefault(extension);
    }

    /// <summary>True when <paramref name="head"/> (the first bytes, up to <see cref="HeadLength"/>) is what the type says.</summary>
    public static bool Matches(FileType type, ReadOnlySpan<byte> head) => type.Signature switch
    {
        // At byte 0, as browsers sniff: "%PDF-" further in would let an HTML page pass for a PDF.
        FileSignature.Pdf => head.StartsWith("%PDF-"u8),
        FileSignature.Png => head.StartsWith(PngMagic),
        FileSignature.Jpeg => head.Length >= 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF,
        FileSignature.Gif => head.StartsWith("GIF87a"u8) || head.StartsWith("GIF89a"u8),
        FileSignature.Webp => head.Length >= 12 && head.StartsWith("RIFF"u8) && head[8..12].SequenceEqual("WEBP"u8),
        FileSignature.Tiff => head.StartsWith("II*\0"u8) || head.StartsWith("MM\0*"u8),
        FileSignature.OfficeOpenXml => FirstZipEntry(head) is { } entry && OfficeOpenXmlParts.Any(part => entry.Name.StartsWith(part, StringComparison.Ordinal)),
        FileSignature.OpenDocument => FirstZipEntry(head) is { Name: "mimetype" } entry && entry.StoredContent.SequenceEqual(Encoding.ASCII.GetBytes(type.OpenDocumentMimeType ?? string.Empty)),
        FileSignature.OleCompound => head.StartsWith(OleMagic),
        FileSignature.Text => TextCheck.LooksLikeText(head),
        FileSignature.Email => TextCheck.LooksLikeText(head) && StartsWithMailHeader(head),
        _ => false,
    };

    // The first local file header of a ZIP: its name, and its bytes when stored uncompressed.
    private static (string Name, byte[] StoredContent)? FirstZipEntry(ReadOnlySpan<byte> head)
    {
        if (head.Length < 30 || !head.StartsWith(ZipMagic))
        {
            return null;
        }

        var method = BinaryPrimitives.ReadUInt16LittleEndian(head[8..]);
        var compressedSize = (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(head[18..]), 256);
        var nameLength = BinaryPrimitives.ReadUInt16LittleEndian(head[26..]);
        var extraLength = BinaryPrimitives.ReadUInt16LittleEndian(head[28..]);
        if (30 + nameLength > head.Length)
        {
            return null;
        }

        var name = Encoding.UTF8.GetString(head.Slice(30, nameLength));
        var dataStart = 30 + nameLength + extraLength;
        var stored = method == 0 && dataStart + compressedSize <= head.Length ? head.Slice(dataStart, compressedSize).ToArray() : [];
        return (name, stored);
    }

    // "Received: ...", "From: ...", "MIME-Version: ...": a field name of printable characters, then a colon.
    private static bool StartsWithMailHeader(ReadOnlySpan<byte> head)
    {
        var text = head.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? head[3..] : head;
        var length = 0;
        foreach (var b in text)
        {
            if (b == (byte)':')
            {
                return length > 0;
            }

            if (b is < 33 or > 126)
            {
                return false;
            }

            length++;
        }

        return false;
    }
}
