using Azure.Storage.Blobs;
using Litiges.Audit;
using Litiges.Storage;

namespace Litiges.IntegrationTests.Audit;

/// <summary>
/// The seal store as production runs it, on Azure Blob Storage (Azurite here), and as the default
/// runs it, on a folder: a seal is written once, never overwritten, and the last one is found.
/// </summary>
public sealed class SealStoreTests
{
    public static TheoryData<string> Stores => ["Local", "AzureBlob"];

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_seal_is_written_once_and_a_second_write_of_its_name_changes_nothing(string kind)
    {
        var folder = Directory.CreateTempSubdirectory("seals-");
        try
        {
            IBlobStore store = kind == "Local"
                ? new LocalFolderBlobStore(folder.FullName)
                : new AzureBlobStore(new BlobContainerClient(
                    Environment.GetEnvironmentVariable("LITIGES_TEST_AZURITE") ?? throw new InvalidOperationException("LITIGES_TEST_AZURITE is not set: run the tests with ./test.sh, which starts Azurite on loopback."),
                    "seals-" + Guid.NewGuid().ToString("N")[..12]));
            var seals = new HistorySeals(store);
            var at = new DateTimeOffset(2026, 12, 3, 0, 0, 0, TimeSpan.Zero);
            var first = new HistorySeal(HistorySeal.CurrentFormat, HistorySeals.NameFor(at), at, null, null, [new SealedChain(1, "LIT-2026-000001", 3, new string('a', 64))]);

            var written = await seals.TryWriteAsync(first, CancellationToken.None);
            Assert.NotNull(written);

            var rewrite = first with { Disputes = [new SealedChain(1, "LIT-2026-000001", 2, new string('b', 64))] };
            Assert.Null(await seals.TryWriteAsync(rewrite, CancellationToken.None));
            await Assert.ThrowsAsync<StorageUnavailableException>(() => store.WriteAsync(first.Name, new MemoryStream(HistorySeals.Serialize(rewrite)), "application/json", CancellationToken.None));

            var fresh = new HistorySeals(store);
            var read = await fresh.ReadAsync(first.Name, CancellationToken.None);
            Assert.Equal(written.Bytes, read!.Bytes);
            Assert.Equal(3, read.Seal.For(1)!.Entries);

            var second = new HistorySeal(HistorySeal.CurrentFormat, HistorySeals.NameFor(at.AddDays(1)), at.AddDays(1), first.Name, written.Sha256, []);
            Assert.NotNull(await fresh.TryWriteAsync(second, CancellationToken.None));
            Assert.Equal(second.Name, (await new HistorySeals(store).LatestAsync(CancellationToken.None))!.Seal.Name);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
