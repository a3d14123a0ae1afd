using Azure.Storage.Blobs;
using Litiges.Data;
using Litiges.Storage;
using Litiges.Testing;
using Microsoft.Extensions.DependencyInjection;
using PortalProgram = Litiges.CustomerPortal.Program;

namespace Litiges.IntegrationTests.Portal;

/// <summary>Where evidence is stored in a test: the local folder (the default) or Azure Blob Storage on the Azurite that ./test.sh starts.</summary>
public enum StoreKind
{
    Local,
    Azurite,
}

/// <summary>
/// The usual fixture plus a portal whose evidence goes to the chosen store, with small limits
/// (64 KB a file, 160 KB a dispute) so that refusals are cheap to provoke; and a portal whose
/// store does not answer.
/// </summary>
public abstract class EvidenceFixture(DatabaseProvider provider, StoreKind store) : LitigesFixture(provider)
{
    public const long MaxFileBytes = 64 * 1024;
    public const long MaxDisputeBytes = 160 * 1024;

    private readonly string _container = "evidence-" + Guid.NewGuid().ToString("N")[..12];
    private readonly ClosedPort _deadStore = new();

    public StoreKind Store { get; } = store;

    public AppFactory<PortalProgram> Uploads { get; private set; } = null!;

    public AppFactory<PortalProgram> BrokenStore { get; private set; } = null!;

    public IBlobStore Blobs => Uploads.Services.GetRequiredService<IBlobStore>();

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var limits = new Dictionary<string, string?>
        {
            ["Evidence:MaxFileBytes"] = MaxFileBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Evidence:MaxDisputeBytes"] = MaxDisputeBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        Uploads = new AppFactory<PortalProgram>(Database, DataFolder, new Dictionary<string, string?>(limits).Concat(StoreSettings(reachable: true)).ToDictionary());
        BrokenStore = new AppFactory<PortalProgram>(Database, DataFolder, new Dictionary<string, string?>(limits).Concat(StoreSettings(reachable: false)).ToDictionary());
    }

    public override async Task DisposeAsync()
    {
        if (Store == StoreKind.Azurite)
        {
            await new BlobContainerClient(AzuriteConnectionString(), _container).DeleteIfExistsAsync();
        }

        await Uploads.DisposeAsync();
        await BrokenStore.DisposeAsync();
        _deadStore.Dispose();
        await base.DisposeAsync();
    }

    /// <summary>Every blob the store holds.</summary>
    public async Task<IReadOnlyList<string>> BlobNamesAsync()
    {
        var names = new List<string>();
        await foreach (var name in Blobs.ListAsync(string.Empty, CancellationToken.None))
        {
            names.Add(name);
        }

        return names;
    }

    private static string AzuriteConnectionString() =>
        Environment.GetEnvironmentVariable("LITIGES_TEST_AZURITE")
        ?? throw new InvalidOperationException("LITIGES_TEST_AZURITE is not set: run the tests with ./test.sh, which starts Azurite on loopback.");

    private Dictionary<string, string?> StoreSettings(bool reachable) => (Store, reachable) switch
    {
        (StoreKind.Local, true) => new() { ["Storage:Provider"] = "Local", ["Storage:Local:Folder"] = Path.Combine(DataFolder, "evidence") },

        // A folder that cannot be created: a file stands in its way.
        (StoreKind.Local, false) => new() { ["Storage:Provider"] = "Local", ["Storage:Local:Folder"] = BlockedFolder() },
        (StoreKind.Azurite, true) => new() { ["Storage:Provider"] = "AzureBlob", ["Storage:AzureBlob:ConnectionString"] = AzuriteConnectionString(), ["Storage:AzureBlob:Container"] = _container },

        // A port of the fixture's own that refuses every connection; no retries, so that the failure is quick.
        _ => new()
        {
            ["Storage:Provider"] = "AzureBlob",
            ["Storage:AzureBlob:ConnectionString"] = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:{_deadStore.Port}/devstoreaccount1;",
            ["Storage:AzureBlob:Container"] = _container,
            ["Storage:AzureBlob:MaxRetries"] = "0",
        },
    };

    private string BlockedFolder()
    {
        var file = Path.Combine(DataFolder, "not-a-folder");
        File.WriteAllText(file, "in the way");
        return Path.Combine(file, "evidence");
    }
}

public sealed class SqliteLocalEvidenceFixture() : EvidenceFixture(DatabaseProvider.Sqlite, StoreKind.Local);

public sealed class SqliteAzuriteEvidenceFixture() : EvidenceFixture(DatabaseProvider.Sqlite, StoreKind.Azurite);

public sealed class PostgreSqlLocalEvidenceFixture() : EvidenceFixture(DatabaseProvider.PostgreSql, StoreKind.Local);

public sealed class PostgreSqlAzuriteEvidenceFixture() : EvidenceFixture(DatabaseProvider.PostgreSql, StoreKind.Azurite);
