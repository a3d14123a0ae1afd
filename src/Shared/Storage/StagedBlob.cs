using Litiges.Disputes;

namespace Litiges.Storage;

/// <summary>
/// A file a customer uploaded for a dispute still being filled in: already in blob storage, held
/// by no dispute yet. Recorded when it is stored, so that what a user keeps staged is counted
/// against their quota whatever the form sends back, and so that the clean-up job can remove it
/// once it is clear nobody will claim it. The row goes when a dispute claims the file (in the
/// dispute's own save) or when the clean-up takes it.
/// </summary>
public sealed class StagedBlob
{
    private StagedBlob()
    {
        BlobName = UserId = string.Empty;
    }

    public StagedBlob(StoredFile file, string userId, DateTimeOffset stagedAt)
    {
        BlobName = BlobNames.Require(file.BlobName);
        UserId = userId;
        Length = file.Length;
        StagedAt = stagedAt;
    }

    public string BlobName { get; private set; }

    public string UserId { get; private set; }

    public long Length { get; private set; }

    public DateTimeOffset StagedAt { get; private set; }
}
