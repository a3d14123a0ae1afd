using System.Buffers;
using System.Runtime.CompilerServices;

namespace Litiges.Storage;

/// <summary>
/// Blobs as files under a folder of the data folder (outside the web root, so never served
/// directly). Each blob is written straight to its final file, which is removed if writing fails.
/// </summary>
public sealed class LocalFolderBlobStore(string root) : IBlobStore
{
    private const int BufferSize = 81920;

    public string Root { get; } = Path.GetFullPath(root);

    public async Task WriteAsync(string name, Stream content, string contentType, CancellationToken cancellationToken)
    {
        var path = PathOf(name);
        FileStream file;
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            file = new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                Share = FileShare.None,
                BufferSize = 0,
                Options = FileOptions.Asynchronous,
            });
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new StorageUnavailableException($"Cannot create blob '{name}' under {Root}.", error);
        }

        var written = false;
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            await using (file)
            {
                // Read and write apart: a failing source (a client gone) is not a failing disk.
                int read;
                while ((read = await content.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken)) > 0)
                {
                    try
                    {
                        await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                    }
                    catch (Exception error) when (error is IOException or UnauthorizedAccessException)
                    {
                        throw new StorageUnavailableException($"Cannot write blob '{name}' under {Root}.", error);
                    }
                }
            }

            written = true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            if (!written)
            {
                TryDelete(path);
            }
        }
    }

    public Task<Stream?> OpenReadAsync(string name, CancellationToken cancellationToken)
    {
        var path = PathOf(name);
        try
        {
            Stream stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan);
            return Task.FromResult<Stream?>(stream);
        }
        catch (Exception error) when (error is FileNotFoundException or DirectoryNotFoundException)
        {
            return Task.FromResult<Stream?>(null);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new StorageUnavailableException($"Cannot read blob '{name}' under {Root}.", error);
        }
    }

    public Task DeleteAsync(string name, CancellationToken cancellationToken)
    {
        var path = PathOf(name);
        try
        {
            File.Delete(path);
        }
        catch (DirectoryNotFoundException)
        {
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new StorageUnavailableException($"Cannot delete blob '{name}' under {Root}.", error);
        }

        return Task.CompletedTask;
    }

    public async IAsyncEnumerable<string> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var entry in ListWithDatesAsync(prefix, cancellationToken))
        {
            yield return entry.Name;
        }
    }

    public async IAsyncEnumerable<BlobEntry> ListWithDatesAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (!Directory.Exists(Root))
        {
            yield break;
        }

        foreach (var file in new DirectoryInfo(Root).EnumerateFiles("*", SearchOption.AllDirectories))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var name = Path.GetRelativePath(Root, file.FullName).Replace(Path.DirectorySeparatorChar, '/');
            if (name.StartsWith(prefix, StringComparison.Ordinal) && BlobNames.IsValid(name))
            {
                yield return new BlobEntry(name, new DateTimeOffset(file.LastWriteTimeUtc, TimeSpan.Zero));
            }
        }

        await Task.CompletedTask;
    }

    // The name is checked against a strict pattern, then the path against the root, so that no
    // name can reach outside the folder.
    private string PathOf(string name)
    {
        var path = Path.GetFullPath(Path.Combine(Root, BlobNames.Require(name).Replace('/', Path.DirectorySeparatorChar)));
        return path.StartsWith(Root + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            ? path
            : throw new ArgumentException($"'{name}' is outside the store.", nameof(name));
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            // Left for a clean-up job: the caller is already reporting the first failure.
        }
    }
}
