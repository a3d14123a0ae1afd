namespace Litiges.Disputes;

public enum EvidenceVisibility
{
    /// <summary>Seen by the customer and staff.</summary>
    Shared,

    /// <summary>Staff only.</summary>
    Internal,
}

/// <summary>A file already streamed to blob storage, with what was learnt on the way.</summary>
public sealed record StoredFile(string BlobName, string FileName, string ContentType, long Length, string Sha256);

/// <summary>A piece of evidence attached to a dispute: who uploaded what, when, its fingerprint and who may see it.</summary>
public sealed class Evidence
{
    private Evidence()
    {
        BlobName = FileName = ContentType = Sha256 = UploadedByUserId = UploadedByName = string.Empty;
    }

    internal Evidence(StoredFile file, Actor uploader, EvidenceVisibility visibility, DateTimeOffset at)
    {
        BlobName = file.BlobName;
        FileName = file.FileName;
        ContentType = file.ContentType;
        Length = file.Length;
        Sha256 = file.Sha256;
        UploadedByUserId = uploader.UserId;
        UploadedByName = uploader.DisplayName;
        FromCustomer = uploader.Role == ActorRole.Customer;
        Visibility = visibility;
        UploadedAt = at;
    }

    public int Id { get; private set; }

    public int DisputeId { get; private set; }

    /// <summary>Where the bytes are in blob storage; never derived from the user's file name.</summary>
    public string BlobName { get; private set; }

    /// <summary>The file name as the user gave it, cleaned; shown and used for downloads.</summary>
    public string FileName { get; private set; }

    public string ContentType { get; private set; }

    public long Length { get; private set; }

    /// <summary>Hex SHA-256 of the bytes, computed while they were streamed.</summary>
    public string Sha256 { get; private set; }

    public string UploadedByUserId { get; private set; }

    public string UploadedByName { get; private set; }

    public bool FromCustomer { get; private set; }

    public EvidenceVisibility Visibility { get; private set; }

    public DateTimeOffset UploadedAt { get; private set; }

    internal void Share() => Visibility = EvidenceVisibility.Shared;
}
