using System.Buffers;
using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Litiges.Audit;
using Litiges.Disputes;

namespace Litiges.Documents;

/// <summary>One file of the archive as the manifest lists it.</summary>
/// <param name="RecordedSha256">For evidence, the fingerprint taken when it was uploaded; it should equal <paramref name="Sha256"/>.</param>
public sealed record ManifestEntry(string Path, long Bytes, string Sha256, string? RecordedSha256);

/// <summary>A credit note of the dispute, by the blob names of its documents.</summary>
public sealed record CaseFileCreditNote(string Number, DateTimeOffset IssuedAt, string? PdfBlobName, string? XmlBlobName);

/// <summary>What the case file carries besides the dispute: the last seal, the credit notes, and how to open a blob.</summary>
public sealed record CaseFileRecords(StoredSeal? Seal, IReadOnlyList<CaseFileCreditNote> CreditNotes, Func<string, CancellationToken, Task<Stream?>> OpenBlob)
{
    public static readonly CaseFileRecords None = new(null, [], (_, _) => Task.FromResult<Stream?>(null));
}

/// <summary>
/// The case file for a lawyer or a court, as one ZIP written straight to the output: the PDF
/// summary with the full history, every piece of evidence (internal ones included), the credit
/// notes (PDF and XML), the acceptance record (who, when, from which address), the history
/// entries as JSON with the last seal, a verification script a third party runs without the app
/// (verify.py, Python 3 standard library only), and manifest.csv giving each file's size and
/// SHA-256, computed while the bytes were written.
/// </summary>
public static class CaseFileArchive
{
    public const string ManifestName = "manifest.csv";
    public const string EvidenceFolder = "evidence/";
    public const string CreditNotesFolder = "credit-notes/";
    public const string EntriesName = "history/entries.json";
    public const string SealName = "history/seal.json";
    public const string AcceptanceName = "acceptance.json";
    public const string ScriptName = "verify.py";
    public const string InstructionsName = "VERIFY.txt";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>What the manifest says in place of a fingerprint when a file's blob cannot be found.</summary>
    public const string MissingFile = "missing";

    /// <param name="openEvidence">Opens a piece of evidence for reading from blob storage; null when its blob is missing.</param>
    public static Task<IReadOnlyList<ManifestEntry>> WriteAsync(
        Stream output,
        Dispute dispute,
        DisputeSummaryFacts facts,
        CultureInfo culture,
        Func<Evidence, CancellationToken, Task<Stream?>> openEvidence,
        CancellationToken cancellationToken) =>
        WriteAsync(output, dispute, facts, culture, openEvidence, CaseFileRecords.None, cancellationToken);

    /// <param name="openEvidence">Opens a piece of evidence for reading from blob storage; null when its blob is missing.</param>
    /// <param name="records">The seal, the credit notes and how to open their documents.</param>
    public static async Task<IReadOnlyList<ManifestEntry>> WriteAsync(
        Stream output,
        Dispute dispute,
        DisputeSummaryFacts facts,
        CultureInfo culture,
        Func<Evidence, CancellationToken, Task<Stream?>> openEvidence,
        CaseFileRecords records,
        CancellationToken cancellationToken)
    {
        var manifest = new List<ManifestEntry>();
        await using var target = new AsyncOnlyStream(output);
        await using var zip = await ZipArchive.CreateAsync(target, ZipArchiveMode.Create, leaveOpen: true, entryNameEncoding: Encoding.UTF8, cancellationToken);

        using (var pdf = new MemoryStream())
        {
            DisputeSummaryDocument.Write(pdf, dispute, facts, culture);
            pdf.Position = 0;
            manifest.Add(await AddAsync(zip, SafeName(dispute.Reference) + ".pdf", pdf, facts.GeneratedAt, null, cancellationToken));
        }

        var used = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var number = 0;
        foreach (var evidence in dispute.Evidence.OrderBy(e => e.UploadedAt).ThenBy(e => e.Id))
        {
            number++;
            var path = EvidenceFolder + string.Create(CultureInfo.InvariantCulture, $"{number:000}-") + SafeName(evidence.FileName);
            while (!used.Add(path))
            {
                path = EvidenceFolder + string.Create(CultureInfo.InvariantCulture, $"{number:000}-{used.Count}-") + SafeName(evidence.FileName);
            }

            await using var source = await openEvidence(evidence, cancellationToken);
            if (source is null)
            {
                // Listed, so that the gap shows, but not invented: no bytes, no fingerprint.
                manifest.Add(new ManifestEntry(path, 0, MissingFile, evidence.Sha256));
                continue;
            }

            manifest.Add(await AddAsync(zip, path, source, evidence.UploadedAt, evidence.Sha256, cancellationToken));
            await target.DrainAsync(cancellationToken);
        }

        foreach (var note in records.CreditNotes.OrderBy(n => n.IssuedAt))
        {
            foreach (var (blob, extension) in new[] { (note.PdfBlobName, "pdf"), (note.XmlBlobName, "xml") })
            {
                if (blob is null)
                {
                    continue;
                }

                var path = CreditNotesFolder + SafeName(note.Number) + "." + extension;
                await using var source = await records.OpenBlob(blob, cancellationToken);
                if (source is null)
                {
                    manifest.Add(new ManifestEntry(path, 0, MissingFile, null));
                    continue;
                }

                manifest.Add(await AddAsync(zip, path, source, note.IssuedAt, null, cancellationToken));
                await target.DrainAsync(cancellationToken);
            }
        }

        manifest.Add(await AddBytesAsync(zip, AcceptanceName, JsonSerializer.SerializeToUtf8Bytes(AcceptanceRecord(dispute), Json), facts.GeneratedAt, cancellationToken));
        manifest.Add(await AddBytesAsync(zip, EntriesName, JsonSerializer.SerializeToUtf8Bytes(HistoryRecord(dispute), Json), facts.GeneratedAt, cancellationToken));
        if (records.Seal is { } seal)
        {
            manifest.Add(await AddBytesAsync(zip, SealName, seal.Bytes, seal.Seal.SealedAt, cancellationToken));
        }

        manifest.Add(await AddBytesAsync(zip, ScriptName, Resource("verify.py"), facts.GeneratedAt, cancellationToken));
        manifest.Add(await AddBytesAsync(zip, InstructionsName, Resource("VERIFY.txt"), facts.GeneratedAt, cancellationToken));
        await target.DrainAsync(cancellationToken);

        var csv = new StringBuilder("path,bytes,sha256,recorded_sha256\r\n");
        foreach (var entry in manifest)
        {
            csv.Append(CsvCells.Text(entry.Path, ',')).Append(',')
                .Append(entry.Bytes.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(entry.Sha256).Append(',')
                .Append(entry.RecordedSha256 ?? string.Empty).Append("\r\n");
        }

        using var manifestStream = new MemoryStream(Encoding.UTF8.GetBytes(csv.ToString()));
        await AddAsync(zip, ManifestName, manifestStream, facts.GeneratedAt, null, cancellationToken);
        await zip.DisposeAsync();
        await target.DrainAsync(cancellationToken);
        return manifest;
    }

    /// <summary>Reads a manifest back: the rows as written.</summary>
    public static IReadOnlyList<ManifestEntry> ReadManifest(string csv) =>
        csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries)
            .Skip(1)
            .Select(line =>
            {
                var fields = SplitCsv(line);
                return new ManifestEntry(fields[0], long.Parse(fields[1], CultureInfo.InvariantCulture), fields[2], fields[3].Length == 0 ? null : fields[3]);
            })
            .ToList();

    /// <summary>The history as the chain hashes it: verify.py recomputes each hash from these fields, and each MAC with the key.</summary>
    private static object HistoryRecord(Dispute dispute) => new
    {
        Format = "litiges-history/1",
        Dispute = new { dispute.Id, dispute.Reference, dispute.HistoryCount, dispute.LastHistoryHash },
        Entries = dispute.History.OrderBy(h => h.Sequence).Select(h => new
        {
            h.Sequence,
            h.At,
            AtTicks = h.At.UtcTicks,
            h.ActorUserId,
            h.ActorName,
            ActorRole = h.ActorRole.ToString(),
            Action = h.Action.ToString(),
            FromStatus = h.FromStatus.ToString(),
            ToStatus = h.ToStatus.ToString(),
            h.Text,
            h.IsPublic,
            h.PreviousHash,
            h.Hash,
            h.EvidenceSha256,
            h.KeyId,
            h.Mac,
        }),
    };

    /// <summary>Every answer to a settlement proposal: who answered, when, from which address (IP) or, recorded by staff, by which channel on which day; and what was proposed.</summary>
    private static object AcceptanceRecord(Dispute dispute) => new
    {
        Dispute = dispute.Reference,
        Answers = dispute.Proposals.Where(p => p.RespondedAt is not null).OrderBy(p => p.RespondedAt).Select(p => new
        {
            Proposal = p.Id,
            Kind = p.Kind.ToString(),
            p.Summary,
            p.Value,
            p.Currency,
            p.ProposedByName,
            p.ProposedAt,
            Status = p.Status.ToString(),
            Accepted = p.Status is Settlements.ProposalStatus.Accepted or Settlements.ProposalStatus.Executed,
            By = p.RespondedByName,
            ByUserId = p.RespondedByUserId,
            At = p.RespondedAt,
            IpAddress = p.RespondedFrom,
            Comment = p.CustomerComment,

            // An answer that reached staff by phone, e-mail or letter, recorded on the customer's behalf.
            RecordedByStaff = p.AnswerRecordedByName,
            ReceivedBy = p.AnswerChannel?.ToString(),
            ReceivedOn = p.AnswerReceivedOn,
            ContactEmail = p.AnswerContactEmail,
        }),
    };

    private static byte[] Resource(string name)
    {
        using var stream = typeof(CaseFileArchive).Assembly.GetManifestResourceStream("Litiges.Documents.CaseFile." + name)
            ?? throw new InvalidOperationException($"The case file resource {name} is not embedded.");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }

    private static async Task<ManifestEntry> AddBytesAsync(ZipArchive zip, string path, byte[] bytes, DateTimeOffset modified, CancellationToken cancellationToken)
    {
        using var source = new MemoryStream(bytes);
        return await AddAsync(zip, path, source, modified, null, cancellationToken);
    }

    private static async Task<ManifestEntry> AddAsync(ZipArchive zip, string path, Stream source, DateTimeOffset modified, string? recorded, CancellationToken cancellationToken)
    {
        var entry = zip.CreateEntry(path, CompressionLevel.Optimal);
        entry.LastWriteTime = modified;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(81920);
        long length = 0;
        try
        {
            await using var target = await entry.OpenAsync(cancellationToken);
            int read;
            while ((read = await source.ReadAsync(buffer.AsMemory(), cancellationToken)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                length += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return new ManifestEntry(path, length, Convert.ToHexStringLower(hash.GetHashAndReset()), recorded);
    }

    // A name safe in any unzip tool: no folders, no control or reserved characters.
    private static string SafeName(string name)
    {
        var cleaned = new string(Path.GetFileName(name.Replace('\\', '/')).Select(c => char.IsControl(c) || "<>:\"/\\|?*".Contains(c, StringComparison.Ordinal) ? '_' : c).ToArray()).Trim().TrimStart('.');
        return cleaned.Length == 0 ? "file" : cleaned;
    }

    private static List<string> SplitCsv(string line)
    {
        var fields = new List<string>();
        var current = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    current.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    current.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(c);
            }
        }

        fields.Add(current.ToString());
        return fields;
    }
}

/// <summary>
/// Lets <see cref="ZipArchive"/> write to a response body, which refuses synchronous writes: the
/// few bytes the archive still writes synchronously (a compressed entry's last block, when its
/// stream is disposed) wait in a small buffer, and go out, in order, with the next asynchronous
/// write or drain. Everything else passes straight through, so memory stays bounded.
/// </summary>
internal sealed class AsyncOnlyStream(Stream inner) : Stream
{
    private readonly MemoryStream _pending = new();

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => _pending.Write(buffer, offset, count);

    public override void Write(ReadOnlySpan<byte> buffer) => _pending.Write(buffer);

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await DrainAsync(cancellationToken);
        await inner.WriteAsync(buffer, cancellationToken);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        if (_pending.Length == 0)
        {
            return;
        }

        await inner.WriteAsync(_pending.GetBuffer().AsMemory(0, (int)_pending.Length), cancellationToken);
        _pending.SetLength(0);
    }

    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        await DrainAsync(cancellationToken);
        await inner.FlushAsync(cancellationToken);
    }

    // A synchronous flush has nothing to do: pending bytes leave with the next asynchronous call.
    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override async ValueTask DisposeAsync()
    {
        await DrainAsync(CancellationToken.None);
        await _pending.DisposeAsync();
        await base.DisposeAsync();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _pending.Dispose();
        }

        base.Dispose(disposing);
    }
}
