using System.Security.Cryptography;
using System.Text;
using Litiges.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Litiges.UnitTests.Storage;

/// <summary>Taking a file into storage: checks, fingerprint, and nothing left behind when refused.</summary>
public sealed class EvidenceIntakeTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("litiges-blobs-").FullName;
    private readonly LocalFolderBlobStore _store;
    private readonly EvidenceIntake _intake;

    public EvidenceIntakeTests()
    {
        _store = new LocalFolderBlobStore(_root);
        _intake = Intake(_store);
    }

    [Fact]
    public async Task A_file_is_streamed_to_the_store_with_its_sha256()
    {
        var content = Pdf(200_000);

        var stored = await _intake.StoreAsync("C:\\scans\\Bon n°42.pdf", new OneByteAtATimeStream(content), 0, CancellationToken.None);

        Assert.Equal("Bon n°42.pdf", stored.FileName);
        Assert.Equal("application/pdf", stored.ContentType);
        Assert.Equal(content.Length, stored.Length);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), stored.Sha256);
        Assert.Matches("^evidence/2026/06/[0-9a-f]{32}$", stored.BlobName);
        await using var read = await _store.OpenReadAsync(stored.BlobName, CancellationToken.None);
        using var copy = new MemoryStream();
        await read!.CopyToAsync(copy);
        Assert.Equal(content, copy.ToArray());
    }

    [Theory]
    [InlineData("programme.exe", "Upload.TypeNotAllowed")]
    [InlineData("facture.pdf", "Upload.ContentMismatch")]
    public async Task A_file_of_the_wrong_type_is_refused_before_anything_is_stored(string name, string code)
    {
        var refused = await Assert.ThrowsAsync<DomainException>(() => _intake.StoreAsync(name, new MemoryStream([0x4D, 0x5A, 0x90, 0x00]), 0, CancellationToken.None));

        Assert.Equal(code, refused.Code);
        Assert.Equal(name, refused.Arguments[0]);
        Assert.Empty(Directory.EnumerateFiles(_root, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task An_empty_file_is_refused()
    {
        var refused = await Assert.ThrowsAsync<DomainException>(() => _intake.StoreAsync("vide.txt", new MemoryStream(), 0, CancellationToken.None));
        Assert.Equal("Upload.Empty", refused.Code);
    }

    [Fact]
    public async Task A_file_over_the_limit_is_stopped_where_it_crosses_it_and_its_partial_blob_removed()
    {
        var source = new CountingStream(Pdf(5_000_000));

        var refused = await Assert.ThrowsAsync<DomainException>(() => _intake.StoreAsync("gros.pdf", source, 0, CancellationToken.None));

        Assert.Equal("Upload.TooLarge", refused.Code);
        Assert.Equal(new FileSize(1024 * 1024), refused.Arguments[1]);
        Assert.True(source.BytesRead < 1024 * 1024 + 200_000, $"Read {source.BytesRead} bytes of a file refused at 1 MB.");
        Assert.Empty(Directory.EnumerateFiles(_root, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task The_dispute_total_counts_what_is_already_there()
    {
        var refused = await Assert.ThrowsAsync<DomainException>(() => _intake.StoreAsync("trois.pdf", new MemoryStream(Pdf(600_000)), (2 * 1024 * 1024) + (600 * 1024), CancellationToken.None));
        Assert.Equal("Upload.DisputeTotalExceeded", refused.Code);

        var full = await Assert.ThrowsAsync<DomainException>(() => _intake.StoreAsync("quatre.pdf", new MemoryStream(Pdf(10)), 3 * 1024 * 1024, CancellationToken.None));
        Assert.Equal("Upload.DisputeTotalExceeded", full.Code);
        Assert.Empty(Directory.EnumerateFiles(_root, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Binary_bytes_late_in_a_text_file_are_caught()
    {
        var text = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("Référence;Quantité\n", 2000)));
        var content = (byte[])[.. text, 0x00, 0x01, 0x02];

        var refused = await Assert.ThrowsAsync<DomainException>(() => _intake.StoreAsync("export.csv", new MemoryStream(content), 0, CancellationToken.None));

        Assert.Equal("Upload.ContentMismatch", refused.Code);
        Assert.Empty(Directory.EnumerateFiles(_root, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task A_store_that_fails_is_reported_as_unavailable_and_leaves_no_file()
    {
        var blocked = Path.Combine(_root, "a-file");
        await File.WriteAllTextAsync(blocked, "in the way");
        var intake = Intake(new LocalFolderBlobStore(Path.Combine(blocked, "blobs")));

        await Assert.ThrowsAsync<StorageUnavailableException>(() => intake.StoreAsync("devis.pdf", new MemoryStream(Pdf(1000)), 0, CancellationToken.None));
    }

    [Fact]
    public async Task A_client_that_goes_away_is_not_a_store_failure_and_leaves_no_file()
    {
        var source = new FailingStream(Pdf(100_000), failAfter: 50_000);

        await Assert.ThrowsAsync<IOException>(() => _intake.StoreAsync("devis.pdf", source, 0, CancellationToken.None));

        Assert.Empty(Directory.EnumerateFiles(_root, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Only_allowed_extensions_are_taken_when_configured()
    {
        var options = new EvidenceOptions();
        options.AllowedExtensions.Add("pdf");
        var intake = new EvidenceIntake(_store, Options.Create(options), NoScanner, TimeProvider.System, NullLogger<EvidenceIntake>.Instance);

        var refused = await Assert.ThrowsAsync<DomainException>(() => intake.StoreAsync("photo.png", new MemoryStream([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]), 0, CancellationToken.None));

        Assert.Equal("Upload.TypeNotAllowed", refused.Code);
        Assert.Equal("PDF", refused.Arguments[1]);
        Assert.Equal(".pdf", options.AcceptAttribute);
    }

    [Fact]
    public void Sizes_read_as_people_write_them()
    {
        Assert.Equal("25 Mo", new FileSize(25 * 1024 * 1024).ToString(null, new System.Globalization.CultureInfo("fr-FR")));
        Assert.Equal("25 MB", new FileSize(25 * 1024 * 1024).ToString(null, new System.Globalization.CultureInfo("en-GB")));
        Assert.Equal("1,5 Ko", new FileSize(1536).ToString(null, new System.Globalization.CultureInfo("fr-FR")));
        Assert.Equal("800 B", new FileSize(800).ToString(null, new System.Globalization.CultureInfo("en-GB")));
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

    private static readonly ClamAvScanner NoScanner = new(Options.Create(new ClamAvOptions()));

    private static EvidenceIntake Intake(IBlobStore store) =>
        new(
            store,
            Options.Create(new EvidenceOptions { MaxFileBytes = 1024 * 1024, MaxDisputeBytes = 3 * 1024 * 1024 }),
            NoScanner,
            new FakeTimeProvider(new DateTimeOffset(2026, 6, 1, 8, 0, 0, TimeSpan.Zero)),
            NullLogger<EvidenceIntake>.Instance);

    private static byte[] Pdf(int size)
    {
        var bytes = new byte[size];
        Random.Shared.NextBytes(bytes);
        "%PDF-1.7\n"u8.CopyTo(bytes);
        return bytes;
    }

    /// <summary>A network stream at its worst: one byte per read.</summary>
    private sealed class OneByteAtATimeStream(byte[] content) : MemoryStream(content)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(1, buffer.Length)], cancellationToken);
    }

    private sealed class CountingStream(byte[] content) : MemoryStream(content)
    {
        public long BytesRead { get; private set; }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await base.ReadAsync(buffer, cancellationToken);
            BytesRead += read;
            return read;
        }
    }

    private sealed class FailingStream(byte[] content, int failAfter) : MemoryStream(content)
    {
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (Position >= failAfter)
            {
                throw new IOException("The client disconnected.");
            }

            return await base.ReadAsync(buffer, cancellationToken);
        }
    }
}
