using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Litiges.Disputes;
using Litiges.Documents;
using Litiges.Localization;
using Litiges.UnitTests.Builders;

namespace Litiges.UnitTests.Documents;

public class CaseFileArchiveTests
{
    [Fact]
    public async Task Archive_holds_the_summary_each_file_and_a_manifest_of_their_fingerprints()
    {
        var (dispute, files) = DisputeWithEvidence(("bon, signé.pdf", "%PDF-1.4 bon"), ("photo.png", "PNG bytes"));
        using var output = new SyncWritesForbidden();

        var manifest = await CaseFileArchive.WriteAsync(output, dispute, Facts(), CultureInfo.GetCultureInfo("fr-FR"), Open(files), CancellationToken.None);

        using var zip = new ZipArchive(new MemoryStream(output.ToArray()), ZipArchiveMode.Read);
        Assert.Equal(
            [
                $"{dispute.Reference}.pdf", "evidence/001-bon, signé.pdf", "evidence/002-photo.png",
                CaseFileArchive.AcceptanceName, CaseFileArchive.EntriesName, CaseFileArchive.ScriptName, CaseFileArchive.InstructionsName, "manifest.csv",
            ],
            zip.Entries.Select(e => e.FullName));
        var written = CaseFileArchive.ReadManifest(Encoding.UTF8.GetString(Read(zip.GetEntry("manifest.csv")!)));
        Assert.Equal(manifest, written);
        foreach (var entry in written)
        {
            var bytes = Read(zip.GetEntry(entry.Path)!);
            Assert.Equal((bytes.Length, Convert.ToHexStringLower(SHA256.HashData(bytes))), (entry.Bytes, entry.Sha256));
        }

        Assert.Equal("%PDF-1.4 bon", Encoding.UTF8.GetString(Read(zip.GetEntry("evidence/001-bon, signé.pdf")!)));
    }

    [Fact]
    public async Task Names_that_would_escape_the_folder_or_repeat_are_made_safe()
    {
        var (dispute, files) = DisputeWithEvidence(("../../etc/passwd.txt", "x"), ("a.txt", "1"), ("a.txt", "2"));
        using var output = new MemoryStream();

        var manifest = await CaseFileArchive.WriteAsync(output, dispute, Facts(), CultureInfo.GetCultureInfo("en-GB"), Open(files), CancellationToken.None);

        Assert.Equal(["evidence/001-passwd.txt", "evidence/002-a.txt", "evidence/003-a.txt"], manifest.Skip(1).Take(3).Select(m => m.Path));
    }

    [Fact]
    public async Task Missing_file_is_listed_without_bytes_or_fingerprint()
    {
        var (dispute, _) = DisputeWithEvidence(("perdu.pdf", "x"));
        using var output = new MemoryStream();

        var manifest = await CaseFileArchive.WriteAsync(output, dispute, Facts(), CultureInfo.GetCultureInfo("fr-FR"), (_, _) => Task.FromResult<Stream?>(null), CancellationToken.None);

        var missing = manifest.Single(m => m.Path.EndsWith("perdu.pdf", StringComparison.Ordinal));
        Assert.Equal((0L, CaseFileArchive.MissingFile), (missing.Bytes, missing.Sha256));
        using var zip = new ZipArchive(new MemoryStream(output.ToArray()), ZipArchiveMode.Read);
        Assert.Null(zip.GetEntry(missing.Path));
    }

    private static (Dispute Dispute, Dictionary<string, byte[]> Files) DisputeWithEvidence(params (string Name, string Content)[] evidence)
    {
        var builder = new DisputeBuilder();
        var dispute = builder.In(DisputeStatus.InReview);
        var files = new Dictionary<string, byte[]>();
        foreach (var (name, content) in evidence)
        {
            var bytes = Encoding.UTF8.GetBytes(content);
            var blob = "evidence/test/" + Guid.NewGuid().ToString("N");
            files[blob] = bytes;
            builder.Clock.Advance(TimeSpan.FromMinutes(1));
            dispute.AttachEvidence(Actors.Agent, new StoredFile(blob, name, "application/octet-stream", bytes.Length, Convert.ToHexStringLower(SHA256.HashData(bytes))), EvidenceVisibility.Internal, 1_000_000, builder.Clock.GetUtcNow());
        }

        return (dispute, files);
    }

    private static Func<Evidence, CancellationToken, Task<Stream?>> Open(Dictionary<string, byte[]> files) =>
        (evidence, _) => Task.FromResult<Stream?>(new MemoryStream(files[evidence.BlobName]));

    private static byte[] Read(ZipArchiveEntry entry)
    {
        using var stream = entry.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static DisputeSummaryFacts Facts() =>
        new("Boulangeries Martin", "C000001", new LocalizedText("Erreur de facturation", "Billing error"), new LocalizedText("Facturation", "Billing"), null, new Dictionary<int, LocalizedText>(), [], DisputeBuilder.Submitted.AddDays(1), "Sophie Agent");

    /// <summary>Like a response body: refuses synchronous writes.</summary>
    private sealed class SyncWritesForbidden : Stream
    {
        private readonly MemoryStream _bytes = new();

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public byte[] ToArray() => _bytes.ToArray();

        public override void Write(byte[] buffer, int offset, int count) => throw new InvalidOperationException("Synchronous write.");

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            _bytes.Write(buffer.Span);
            return ValueTask.CompletedTask;
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush() => throw new InvalidOperationException("Synchronous flush.");

        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _bytes.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
