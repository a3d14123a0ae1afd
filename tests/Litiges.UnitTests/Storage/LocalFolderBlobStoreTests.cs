using Litiges.Storage;

namespace Litiges.UnitTests.Storage;

/// <summary>The local store keeps blobs under its folder and nowhere else.</summary>
public sealed class LocalFolderBlobStoreTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("litiges-store-").FullName;

    [Theory]
    [InlineData("../outside")]
    [InlineData("evidence/../../outside")]
    [InlineData("/etc/passwd")]
    [InlineData("Evidence/UPPER")]
    [InlineData("evidence//double")]
    [InlineData("evidence/x.pdf")]
    [InlineData("")]
    public async Task Names_outside_the_pattern_are_refused(string name)
    {
        var store = new LocalFolderBlobStore(_root);
        await Assert.ThrowsAsync<ArgumentException>(() => store.WriteAsync(name, new MemoryStream([1]), "application/pdf", CancellationToken.None));
    }

    [Fact]
    public async Task A_blob_is_written_once_read_listed_and_deleted()
    {
        var store = new LocalFolderBlobStore(_root);
        await store.WriteAsync("evidence/2026/06/abc", new MemoryStream([1, 2, 3]), "application/pdf", CancellationToken.None);

        await Assert.ThrowsAsync<StorageUnavailableException>(() => store.WriteAsync("evidence/2026/06/abc", new MemoryStream([9]), "application/pdf", CancellationToken.None));
        await using (var read = await store.OpenReadAsync("evidence/2026/06/abc", CancellationToken.None))
        {
            Assert.Equal(1, read!.ReadByte());
        }

        var names = new List<string>();
        await foreach (var name in store.ListAsync("evidence/", CancellationToken.None))
        {
            names.Add(name);
        }

        Assert.Equal(["evidence/2026/06/abc"], names);
        await store.DeleteAsync("evidence/2026/06/abc", CancellationToken.None);
        await store.DeleteAsync("evidence/2026/06/abc", CancellationToken.None);
        Assert.Null(await store.OpenReadAsync("evidence/2026/06/abc", CancellationToken.None));
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
}
