using Litiges.Disputes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Litiges.Storage;

/// <summary>Limits on evidence files (section <c>Evidence</c>).</summary>
public sealed class EvidenceOptions
{
    public const long MiB = 1024 * 1024;

    /// <summary>Largest file accepted (<c>Evidence:MaxFileBytes</c>, 25 MB by default).</summary>
    public long MaxFileBytes { get; set; } = 25 * MiB;

    /// <summary>Largest total of one dispute's evidence (<c>Evidence:MaxDisputeBytes</c>, 100 MB by default).</summary>
    public long MaxDisputeBytes { get; set; } = 100 * MiB;

    /// <summary>
    /// Most bytes one user may keep staged for disputes not yet filed (<c>Evidence:MaxStagedBytesPerUser</c>,
    /// 100 MB by default), counted from the server's records whatever the form sends back.
    /// </summary>
    public long MaxStagedBytesPerUser { get; set; } = 100 * MiB;

    /// <summary>Most files one upload request may carry (<c>Evidence:MaxFilesPerRequest</c>, 10 by default).</summary>
    public int MaxFilesPerRequest { get; set; } = 10;

    /// <summary>Most files one dispute may hold (<c>Evidence:MaxFilesPerDispute</c>, 30 by default).</summary>
    public int MaxFilesPerDispute { get; set; } = 30;

    /// <summary>The extensions accepted (<c>Evidence:AllowedExtensions</c>); empty for every type the product recognises.</summary>
    public IList<string> AllowedExtensions { get; } = [];

    public IReadOnlyList<FileType> AllowedTypes =>
        AllowedExtensions.Count == 0
            ? [.. FileTypes.Known.Values]
            : [.. FileTypes.Known.Values.Where(t => AllowedExtensions.Contains(t.Extension, StringComparer.OrdinalIgnoreCase))];

    /// <summary>"PDF, PNG, JPG..." for messages and the file picker.</summary>
    public string AllowedList => string.Join(", ", AllowedTypes.Select(t => t.Extension.ToUpperInvariant()));

    /// <summary>".pdf,.png,..." for the accept attribute of a file input.</summary>
    public string AcceptAttribute => string.Join(',', AllowedTypes.Select(t => "." + t.Extension));

    /// <summary>The largest request an upload may make: every file of a dispute, plus the form around them.</summary>
    public long MaxRequestBytes => Math.Max(MaxFileBytes, MaxDisputeBytes) + MiB;
}

/// <summary>
/// Takes one uploaded file into blob storage: checks its name, its type by extension and by
/// content, its size against the per-file and per-dispute limits, and computes its SHA-256 while
/// streaming it. A refused file leaves no blob behind. Refusals are <see cref="DomainException"/>s
/// with a code per problem ("Upload.TooLarge"...); an unreachable store is a
/// <see cref="StorageUnavailableException"/>. When virus scanning is on (<c>Evidence:ClamAv</c>),
/// the file goes to clamd as it streams to storage, and is accepted only once clamd says it is clean.
/// Office documents are also copied to a temporary file as they stream, and looked into once
/// whole (<see cref="OfficeContainers"/>): macros or programs inside refuse the file.
/// </summary>
public sealed class EvidenceIntake(IBlobStore store, IOptions<EvidenceOptions> options, ClamAvScanner scanner, TimeProvider clock, ILogger<EvidenceIntake> logger)
{
    public EvidenceOptions Limits => options.Value;

    /// <param name="clientFileName">The name the browser sent; only shown and offered back, once cleaned.</param>
    /// <param name="content">The file's bytes, read once, to the end.</param>
    /// <param name="disputeBytesSoFar">What the dispute's evidence (or the draft's) already weighs.</param>
    /// <param name="stagedBytesSoFar">For a file staged before its dispute exists: what the user already keeps staged, against their quota.</param>
    public async Task<StoredFile> StoreAsync(string? clientFileName, Stream content, long disputeBytesSoFar, CancellationToken cancellationToken, long? stagedBytesSoFar = null)
    {
        var limits = options.Value;
        var fileName = FileNames.Sanitize(clientFileName);
        var type = FileTypes.ByFileName(fileName);
        if (type is null || !limits.AllowedTypes.Contains(type))
        {
            throw Refused(UploadProblem.TypeNotAllowed, fileName, limits.AllowedList);
        }

        var remaining = limits.MaxDisputeBytes - disputeBytesSoFar;
        if (remaining <= 0)
        {
            throw Refused(UploadProblem.DisputeTotalExceeded, fileName, new FileSize(limits.MaxDisputeBytes));
        }

        var quotaLeft = stagedBytesSoFar is { } staged ? limits.MaxStagedBytesPerUser - staged : long.MaxValue;
        if (quotaLeft <= 0)
        {
            throw Refused(UploadProblem.StagedQuotaExceeded, fileName, new FileSize(limits.MaxStagedBytesPerUser));
        }

        var head = new byte[FileTypes.HeadLength];
        var headLength = await ReadHeadAsync(content, head, cancellationToken);
        if (headLength == 0)
        {
            throw Refused(UploadProblem.Empty, fileName);
        }

        if (!FileTypes.Matches(type, head.AsSpan(0, headLength)))
        {
            throw Refused(UploadProblem.ContentMismatch, fileName, type.Extension.ToUpperInvariant());
        }

        var maxBytes = Math.Min(Math.Min(limits.MaxFileBytes, remaining), quotaLeft);
        var blobName = BlobNames.NewEvidence(clock.GetUtcNow());
        await using var scan = scanner.Enabled ? await scanner.StartAsync(cancellationToken) ?? throw ScannerDown(fileName) : null;
        await using var whole = OfficeContainers.Inspects(type) ? TemporaryCopy() : null;
        await using var inspecting = new InspectingStream(head.AsMemory(0, headLength), content, maxBytes, type.IsText ? new TextCheck() : null, scan, whole);
        try
        {
            await store.WriteAsync(blobName, inspecting, type.ContentType, cancellationToken);
        }
        catch (Exception) when (inspecting.Problem is { } problem)
        {
            await DiscardAsync([blobName]);
            throw problem switch
            {
                UploadProblem.TooLarge when quotaLeft < Math.Min(limits.MaxFileBytes, remaining) => Refused(UploadProblem.StagedQuotaExceeded, fileName, new FileSize(limits.MaxStagedBytesPerUser)),
                UploadProblem.TooLarge when remaining < limits.MaxFileBytes => Refused(UploadProblem.DisputeTotalExceeded, fileName, new FileSize(limits.MaxDisputeBytes)),
                UploadProblem.TooLarge => Refused(UploadProblem.TooLarge, fileName, new FileSize(limits.MaxFileBytes)),
                _ => Refused(problem, fileName, type.Extension.ToUpperInvariant()),
            };
        }

        if (scan is not null && await scan.VerdictAsync(cancellationToken) is { Clean: false } verdict)
        {
            await DiscardAsync([blobName]);
            if (verdict.Unavailable)
            {
                throw ScannerDown(fileName);
            }

            logger.LogWarning("Evidence {FileName} refused: the virus scanner found {Threat}.", fileName, verdict.Threat);
            throw Refused(UploadProblem.Infected, fileName, verdict.Threat ?? string.Empty);
        }

        if (whole is not null)
        {
            whole.Position = 0;
            if (OfficeContainers.Inspect(type, whole) is { } inside)
            {
                await DiscardAsync([blobName]);
                logger.LogWarning("Evidence {FileName} refused: {Problem} found inside the document.", fileName, inside);
                throw Refused(inside, fileName, type.Extension.ToUpperInvariant());
            }
        }

        return new StoredFile(blobName, fileName, type.ContentType, inspecting.BytesRead, inspecting.Sha256Hex());
    }

    // The whole document, for the checks that need it: on disk, removed when closed, never in memory.
    private static FileStream TemporaryCopy() =>
        new(Path.Combine(Path.GetTempPath(), "litiges-" + Guid.NewGuid().ToString("N")), new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.ReadWrite,
            Share = FileShare.None,
            Options = FileOptions.DeleteOnClose | FileOptions.Asynchronous,
        });

    /// <summary>Deletes blobs that will not be attached after all (a refused save); failures are logged, never thrown.</summary>
    public async Task DiscardAsync(IEnumerable<string> blobNames)
    {
        foreach (var name in blobNames)
        {
            try
            {
                await store.DeleteAsync(name, CancellationToken.None);
            }
            catch (StorageUnavailableException error)
            {
                logger.LogWarning(error, "Blob {BlobName} could not be deleted and is left orphaned.", name);
            }
        }
    }

    private DomainException ScannerDown(string fileName)
    {
        logger.LogError("Evidence {FileName} refused: the virus scanner did not answer.", fileName);
        return Refused(UploadProblem.ScannerUnavailable, fileName);
    }

    private static DomainException Refused(UploadProblem problem, params object[] arguments) =>
        new("Upload." + problem, arguments);

    private static async Task<int> ReadHeadAsync(Stream content, byte[] head, CancellationToken cancellationToken)
    {
        var length = 0;
        int read;
        while (length < head.Length && (read = await content.ReadAsync(head.AsMemory(length), cancellationToken)) > 0)
        {
            length += read;
        }

        return length;
    }
}
