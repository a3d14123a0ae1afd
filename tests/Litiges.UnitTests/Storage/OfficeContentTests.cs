using System.IO.Compression;
using System.Text;
using Litiges.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Litiges.UnitTests.Storage;

/// <summary>
/// What is inside a document is checked too, once it is whole: a PDF starts as a PDF, Office
/// packages are real packages without macros or programs, legacy Office files carry no VBA; a
/// refused file leaves no blob. The files are built here, byte by byte.
/// </summary>
public sealed class OfficeContentTests : IDisposable
{
    private const string ContentTypes = "<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/></Types>";

    private readonly string _root = Directory.CreateTempSubdirectory("litiges-office-").FullName;
    private readonly EvidenceIntake _intake;

    public OfficeContentTests()
    {
        _intake = new EvidenceIntake(
            new LocalFolderBlobStore(_root),
            Options.Create(new EvidenceOptions()),
            new ClamAvScanner(Options.Create(new ClamAvOptions())),
            new FakeTimeProvider(new DateTimeOffset(2026, 6, 1, 8, 0, 0, TimeSpan.Zero)),
            NullLogger<EvidenceIntake>.Instance);
    }

    public static TheoryData<string, byte[]> CleanDocuments => new()
    {
        { "contrat.docx", Zip(("[Content_Types].xml", ContentTypes), ("_rels/.rels", "<Relationships/>"), ("word/document.xml", "<w:document/>"), ("word/media/image1.png", "png")) },
        { "releve.xlsx", Zip(("[Content_Types].xml", ContentTypes), ("xl/workbook.xml", "<workbook/>")) },
        { "lettre.odt", Zip(("mimetype", "application/vnd.oasis.opendocument.text"), ("META-INF/manifest.xml", "<manifest/>"), ("content.xml", "<office/>")) },
        { "ancien.doc", Ole("Root Entry", "WordDocument", "1Table", "\u0005SummaryInformation") },
        { "courriel.msg", Ole("Root Entry", "__substg1.0_0037001F", "__attach_version1.0_#00000000") },
    };

    public static TheoryData<string, byte[], string> RefusedDocuments => new()
    {
        { "facture.pdf", Encoding.ASCII.GetBytes("<html><body><script>fetch('/Account/Manage')</script><!-- %PDF-1.7\n1 0 obj --></body></html>"), "Upload.ContentMismatch" },
        { "contrat.docx", Zip(("[Content_Types].xml", ContentTypes), ("word/document.xml", "<w:document/>"), ("word/vbaProject.bin", "VBA")), "Upload.ActiveContent" },
        { "contrat.docx", Zip(("[Content_Types].xml", ContentTypes), ("word/document.xml", "<w:document/>"), ("word/embeddings/setup.exe", "MZ")), "Upload.ActiveContent" },
        { "contrat.docx", Zip(("[Content_Types].xml", ContentTypes), ("word/document.xml", "<w:document/>"), ("customXml/run.js", "WScript.Shell")), "Upload.ActiveContent" },
        { "releve.xlsx", Zip(("[Content_Types].xml", ContentTypes), ("xl/workbook.xml", "<workbook/>"), ("xl/activeX/activeX1.bin", "ctl")), "Upload.ActiveContent" },
        { "releve.xlsx", Zip(("[Content_Types].xml", "<Types><Default ContentType=\"application/vnd.ms-excel.sheet.macroEnabled.main+xml\"/></Types>"), ("xl/workbook.xml", "<workbook/>")), "Upload.ActiveContent" },
        { "contrat.docx", Zip(("word/document.xml", "<w:document/>"), ("docProps/app.xml", "<Properties/>")), "Upload.ContentMismatch" },
        { "lettre.odt", Zip(("mimetype", "application/vnd.oasis.opendocument.text"), ("content.xml", "<office/>"), ("Basic/Standard/Module1.xml", "Sub Main")), "Upload.ActiveContent" },
        { "lettre.odt", Zip(("mimetype", "application/vnd.oasis.opendocument.text"), ("content.xml", "<office/>"), ("Scripts/python/run.py", "import os")), "Upload.ActiveContent" },
        { "ancien.doc", Ole("Root Entry", "WordDocument", "Macros", "VBA", "dir"), "Upload.ActiveContent" },
        { "tableau.xls", Ole("Root Entry", "Workbook", "_VBA_PROJECT_CUR", "VBA"), "Upload.ActiveContent" },
    };

    [Theory]
    [MemberData(nameof(CleanDocuments))]
    public async Task A_clean_document_is_accepted(string name, byte[] content)
    {
        var stored = await _intake.StoreAsync(name, new MemoryStream(content), 0, CancellationToken.None);

        Assert.Equal(content.Length, stored.Length);
        Assert.Single(Directory.EnumerateFiles(_root, "*", SearchOption.AllDirectories));
    }

    [Theory]
    [MemberData(nameof(RefusedDocuments))]
    public async Task A_document_that_is_not_what_it_says_or_carries_code_is_refused_and_leaves_no_blob(string name, byte[] content, string code)
    {
        var refused = await Assert.ThrowsAsync<DomainException>(() => _intake.StoreAsync(name, new MemoryStream(content), 0, CancellationToken.None));

        Assert.Equal(code, refused.Code);
        Assert.Equal(name, refused.Arguments[0]);
        Assert.Empty(Directory.EnumerateFiles(_root, "*", SearchOption.AllDirectories));
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    // The mimetype of an ODF package comes first and uncompressed, as LibreOffice writes it.
    private static byte[] Zip(params (string Name, string Content)[] entries)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in entries)
            {
                using var writer = new StreamWriter(zip.CreateEntry(name, name == "mimetype" ? CompressionLevel.NoCompression : CompressionLevel.Optimal).Open(), new UTF8Encoding(false));
                writer.Write(content);
            }
        }

        return buffer.ToArray();
    }

    // A compound file: the 512-byte header, then one directory sector of 128-byte entries
    // (UTF-16 name, its length in bytes with the terminator, its kind: 5 root, 1 storage, 2 stream).
    private static byte[] Ole(params string[] names)
    {
        var file = new byte[512 + (512 * ((names.Length + 3) / 4))];
        ((ReadOnlySpan<byte>)[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]).CopyTo(file);
        file[0x1E] = 9;
        for (var i = 0; i < names.Length; i++)
        {
            var entry = file.AsSpan(512 + (128 * i), 128);
            var name = Encoding.Unicode.GetBytes(names[i]);
            name.CopyTo(entry);
            entry[64] = (byte)(name.Length + 2);
            entry[66] = (byte)(i == 0 ? 5 : names[i] is "Macros" or "VBA" or "_VBA_PROJECT_CUR" ? 1 : 2);
        }

        return file;
    }
}
