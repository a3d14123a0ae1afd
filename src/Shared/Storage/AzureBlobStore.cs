using System.Runtime.CompilerServices;
using Azure;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace Litiges.Storage;

/// <summary>
/// Blobs in one Azure Blob Storage container, created on first use. Uploads go in blocks of a few
/// megabytes, one or two at a time, so memory stays flat whatever the file size; a block blob is
/// only visible once every block is committed, so a failed upload leaves nothing readable.
/// </summary>
public sealed class AzureBlobStore(BlobContainerClient container) : IBlobStore
{
    private const int BlockSize = 4 * 1024 * 1024;

    private readonly SemaphoreSlim _containerGate = new(1, 1);
    private volatile bool _containerExists;

    public string ContainerName => container.Name;

    public async Task WriteAsync(string name, Stream content, string contentType, CancellationToken cancellationToken)
    {
        var blob = container.GetBlobClient(BlobNames.Require(name));
        await StorageCallAsync(name, async () =>
        {
            await EnsureContainerAsync(cancellationToken);
            await blob.UploadAsync(
                content,
                new BlobUploadOptions
                {
                    HttpHeaders = new BlobHttpHeaders { ContentType = contentType },
                    Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
                    TransferOptions = new StorageTransferOptions
                    {
                        InitialTransferSize = BlockSize,
                        MaximumTransferSize = BlockSize,
                        MaximumConcurrency = 2,
                    },
                },
                cancellationToken);
        });
    }

    public async Task<Stream?> OpenReadAsync(string name, CancellationToken cancellationToken)
    {
        var blob = container.GetBlobClient(BlobNames.Require(name));
        try
        {
            var download = await blob.DownloadStreamingAsync(cancellationToken: cancellationToken);
            return download.Value.Content;
        }
        catch (RequestFailedException error) when (error.Status == 404)
        {
            return null;
        }
        catch (Exception error) when (IsStorageFailure(error))
        {
            throw new StorageUnavailableException($"Cannot read blob '{name}' from container '{container.Name}'.", error);
        }
    }

    public Task DeleteAsync(string name, CancellationToken cancellationToken) =>
        StorageCallAsync(name, async () =>
        {
            try
            {
                await container.GetBlobClient(BlobNames.Require(name)).DeleteIfExistsAsync(cancellationToken: cancellationToken);
            }
            catch (RequestFailedException error) when (error.Status == 404)
            {
                // The container itself is missing: so is the blob.
            }
        });

    public async IAsyncEnumerable<string> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var entry in ListWithDatesAsync(prefix, cancellationToken))
        {
            yield return entry.Name;
        }
    }

    public async IAsyncEnumerable<BlobEntry> ListWithDatesAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var pages = container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }, cancellationToken).AsPages().GetAsyncEnumerator(cancellationToken);
        try
        {
            while (true)
            {
                Page<BlobItem> page;
                try
                {
                    if (!await pages.MoveNextAsync())
                    {
                        yield break;
                    }

                    page = pages.Current;
                }
                catch (RequestFailedException error) when (error.Status == 404)
                {
                    yield break;
                }

                foreach (var item in page.Values)
                {
                    yield return new BlobEntry(item.Name, item.Properties.LastModified ?? DateTimeOffset.MaxValue);
                }
            }
        }
        finally
        {
            await pages.DisposeAsync();
        }
    }

    private async Task EnsureContainerAsync(CancellationToken cancellationToken)
    {
        if (_containerExists)
        {
            return;
        }

        await _containerGate.WaitAsync(cancellationToken);
        try
        {
            if (!_containerExists)
            {
                await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
                _containerExists = true;
            }
        }
        finally
        {
            _containerGate.Release();
        }
    }

    private async Task StorageCallAsync(string name, Func<Task> call)
    {
        try
        {
            await call();
        }
        catch (Exception error) when (IsStorageFailure(error))
        {
            throw new StorageUnavailableException($"Blob storage failed on '{name}' in container '{container.Name}'.", error);
        }
    }

    // What the service or the network throws; anything else (a refused upload, a cancellation) is the caller's.
    private static bool IsStorageFailure(Exception error) =>
        error is RequestFailedException or HttpRequestException or TimeoutException
        || (error is AggregateException aggregate && aggregate.InnerExceptions.All(IsStorageFailure));
}
