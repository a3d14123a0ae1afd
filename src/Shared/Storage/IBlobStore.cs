namespace Litiges.Storage;

/// <summary>
/// Where evidence files are kept. Two implementations chosen by <c>Storage:Provider</c>: a local
/// folder (the embedded default) and Azure Blob Storage. Contents are streamed both ways, never
/// held whole in memory.
/// </summary>
public interface IBlobStore
{
    /// <summary>
    /// Streams <paramref name="content"/> to its end into a new blob. Fails when the name is taken;
    /// leaves nothing behind when it fails.
    /// </summary>
    Task WriteAsync(string name, Stream content, string contentType, CancellationToken cancellationToken);

    /// <summary>Opens a blob for reading, or null when there is no blob of that name.</summary>
    Task<Stream?> OpenReadAsync(string name, CancellationToken cancellationToken);

    /// <summary>Deletes a blob; a missing blob is not an error.</summary>
    Task DeleteAsync(string name, CancellationToken cancellationToken);

    /// <summary>The names of the blobs under <paramref name="prefix"/>, for clean-up jobs and checks.</summary>
    IAsyncEnumerable<string> ListAsync(string prefix, CancellationToken cancellationToken);

    /// <summary>The blobs under <paramref name="prefix"/> with when each was last written, for the blob clean-up.</summary>
    IAsyncEnumerable<BlobEntry> ListWithDatesAsync(string prefix, CancellationToken cancellationToken);
}

/// <summary>A blob as a listing gives it: its name and when it was last written.</summary>
public sealed record BlobEntry(string Name, DateTimeOffset LastModified);

/// <summary>The store could not be reached or refused the operation (disk full, service down...).</summary>
public sealed class StorageUnavailableException : Exception
{
    public StorageUnavailableException()
    {
    }

    public StorageUnavailableException(string message)
        : base(message)
    {
    }

    public StorageUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
