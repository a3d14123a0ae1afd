using System.IO.Compression;
using System.Text;
using Litiges.Storage;

namespace Litiges.UnitTests.Storage;

/// <summary>Evidence types are recognised by their first bytes, so that a renamed file is caught.</summary>
public sealed class FileTypesTests
{
    public static TheoryData<string, byte[]> GenuineFiles => new()
    {
        { "pdf", Ascii("%PDF-1.7\n%\u00e2\u00e3\n1 0 obj") },
        { "png", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13] },
        { "jpg", [0xFF, 0xD8, 0xFF, 0xE0, 0, 16, .. Ascii("JFIF")] },
        { "jpeg", [0xFF, 0xD8, 0xFF, 0xE1] },
        { "gif", Ascii("GIF89a\u0001\u0000") },
        { "webp", [.. Ascii("RIFF"), 0x24, 0, 0, 0, .. Ascii("WEBPVP8 ")] },
        { "tif", [0x49, 0x49, 0x2A, 0x00, 8, 0, 0, 0] },
        { "tiff", [0x4D, 0x4D, 0x00, 0x2A, 0, 0, 0, 8] },
        { "docx", Zip(("[Content_Types].xml", "<Types/>", CompressionLevel.Optimal), ("word/document.xml", "<w:document/>", CompressionLevel.Optimal)) },
        { "xlsx", Zip(("_rels/.rels", "<Relationships/>", CompressionLevel.Optimal), ("xl/workbook.xml", "<workbook/>", CompressionLevel.Optimal)) },
        { "pptx", Zip(("[Content_Types].xml", "<Types/>", CompressionLevel.Optimal)) },
        { "odt", Zip(("mimetype", "application/vnd.oasis.opendocument.text", CompressionLevel.NoCompression), ("content.xml", "<office/>", CompressionLevel.Optimal)) },
        { "ods", Zip(("mimetype", "application/vnd.oasis.opendocument.spreadsheet", CompressionLevel.NoCompression)) },
        { "doc", [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0] },
        { "xls", [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] },
        { "msg", [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] },
        { "txt", Encoding.UTF8.GetBytes("Bon de livraison n° 42 — reçu le 3 mars\r\nSigné : M. Dupont\t(réserves)\n") },
        { "csv", Encoding.Latin1.GetBytes("Référence;Quantité;Prix\nPAL-1;10;76,00\n") },
        { "csv", [0xFF, 0xFE, .. Encoding.Unicode.GetBytes("Ligne;Montant\r\n1;10,00\r\n")] },
        { "eml", Ascii("Received: from mail.example.com\r\nFrom: dupont@example.com\r\nSubject: Palettes\r\n\r\nBonjour") },
        { "eml", Ascii("MIME-Version: 1.0\r\nContent-Type: text/plain\r\n") },
    };

    public static TheoryData<string, byte[]> Impostors => new()
    {
        { "pdf", [0x4D, 0x5A, 0x90, 0x00, 0x03] },
        { "pdf", [.. Ascii("\r\n\r\n"), .. Ascii("%PDF-1.4")] },
        { "pdf", Ascii("<html><script>alert(document.cookie)</script><!--\n%PDF-1.7\n1 0 obj -->") },
        { "pdf", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] },
        { "png", Ascii("%PDF-1.7") },
        { "jpg", Ascii("<html><script>alert(1)</script>") },
        { "gif", Ascii("GIF90a") },
        { "webp", [.. Ascii("RIFF"), 0, 0, 0, 0, .. Ascii("WAVEfmt ")] },
        { "docx", Zip(("payload.exe", "MZ", CompressionLevel.Optimal)) },
        { "docx", [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] },
        { "odt", Zip(("mimetype", "application/vnd.oasis.opendocument.spreadsheet", CompressionLevel.NoCompression)) },
        { "ods", Zip(("content.xml", "<office/>", CompressionLevel.Optimal)) },
        { "doc", Zip(("[Content_Types].xml", "<Types/>", CompressionLevel.Optimal)) },
        { "txt", [0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01, 0x01, 0x00] },
        { "csv", [0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00] },
        { "eml", Ascii("Bonjour, voici le bon") },
        { "eml", [.. Ascii("From: x\r\n"), 0x00, 0x01] },
    };

    [Theory]
    [MemberData(nameof(GenuineFiles))]
    public void A_genuine_file_matches_its_extension(string extension, byte[] head) =>
        Assert.True(FileTypes.Matches(FileTypes.Known[extension], head), $"A genuine .{extension} was not recognised.");

    [Theory]
    [MemberData(nameof(Impostors))]
    public void A_file_whose_content_is_not_what_its_extension_says_is_caught(string extension, byte[] head) =>
        Assert.False(FileTypes.Matches(FileTypes.Known[extension], head), $"A fake .{extension} was taken for real.");

    [Theory]
    [InlineData("facture.PDF", "pdf")]
    [InlineData("photo.Jpeg", "jpeg")]
    [InlineData("archive.tar.gz", null)]
    [InlineData("programme.exe", null)]
    [InlineData("macro.docm", null)]
    [InlineData("sans extension", null)]
    public void The_type_comes_from_the_extension_whatever_its_case(string fileName, string? extension) =>
        Assert.Equal(extension, FileTypes.ByFileName(fileName)?.Extension);

    [Fact]
    public void Content_types_are_ours_and_text_is_utf8()
    {
        Assert.Equal("application/pdf", FileTypes.Known["pdf"].ContentType);
        Assert.Equal("text/csv; charset=utf-8", FileTypes.Known["csv"].ContentType);
        Assert.True(FileTypes.Known["eml"].IsText);
        Assert.False(FileTypes.Known["msg"].IsText);
    }

    [Fact]
    public void Text_is_checked_as_it_streams_past()
    {
        var check = new TextCheck();
        check.Append(Encoding.UTF8.GetBytes("Quantité;Prix\n"));
        Assert.True(check.IsText);
        check.Append([0x31, 0x3B, 0x00]);
        Assert.False(check.IsText);

        var utf16 = new TextCheck();
        var bytes = (byte[])[0xFF, 0xFE, .. Encoding.Unicode.GetBytes("Montant;10\r\n")];
        utf16.Append(bytes.AsSpan(0, 5));
        utf16.Append(bytes.AsSpan(5));
        Assert.True(utf16.IsText);
        utf16.Append([0x01, 0x00]);
        Assert.False(utf16.IsText);
    }

    private static byte[] Ascii(string text) => Encoding.Latin1.GetBytes(text);

    private static byte[] Zip(params (string Name, string Content, CompressionLevel Level)[] entries)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content, level) in entries)
            {
                using var writer = new StreamWriter(zip.CreateEntry(name, level).Open(), new UTF8Encoding(false));
                writer.Write(content);
            }
        }

        return buffer.ToArray();
    }
}
