using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Azure.Storage.Blobs;
using Litiges.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Litiges.Audit;

/// <summary>The head of one dispute's history when it was sealed: how many entries, and the hash of the last.</summary>
public sealed record SealedChain(int Id, string Reference, int Entries, string Head);

/// <summary>
/// A seal: the chain heads of every dispute at one moment, written once outside the database.
/// Each seal names the previous one and its SHA-256, so the seals form their own chain.
/// </summary>
public sealed record HistorySeal(
    string Format,
    string Name,
    DateTimeOffset SealedAt,
    string? PreviousSeal,
    string? PreviousSealSha256,
    IReadOnlyList<SealedChain> Disputes)
{
    public const string CurrentFormat = "litiges-history-seal/1";

    public SealedChain? For(int disputeId) => Disputes.FirstOrDefault(d => d.Id == disputeId);
}

/// <summary>A seal as stored: its bytes, parsed, and their SHA-256 (the digest e-mailed to the credit managers).</summary>
public sealed record StoredSeal(HistorySeal Seal, byte[] Bytes, string Sha256);

/// <summary>
/// The append-only store of seals, apart from the evidence store and outside the database: a
/// folder whose files are created once and made read-only (the default), or an Azure Blob
/// container written with if-none-match (never overwritten), which production puts under an
/// immutability (WORM) policy so that nobody, the account owner included, can rewrite or delete a
/// seal during its retention.
/// </summary>
public sealed class HistorySeals(IBlobStore store)
{
    public const string Prefix = "history-seals/";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>How long the name of the last seal is trusted before the store is listed again (a seal a period; a banner a page view).</summary>
    private static readonly TimeSpan ListingLifetime = TimeSpan.FromMinutes(1);

    private readonly Dictionary<string, StoredSeal> _read = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private (string? Name, long ListedAt)? _latest;

    /// <summary>The store itself, for the tests that try to overwrite a seal behind the app's back.</summary>
    internal IBlobStore Store => store;

    /// <summary>The blob name of the seal of the period that starts at <paramref name="periodStart"/>.</summary>
    public static string NameFor(DateTimeOffset periodStart) =>
        string.Create(CultureInfo.InvariantCulture, $"{Prefix}{periodStart.UtcDateTime:yyyy}/{periodStart.UtcDateTime:yyyyMMdd-HHmm}");

    public static byte[] Serialize(HistorySeal seal) => JsonSerializer.SerializeToUtf8Bytes(seal, Json);

    public static HistorySeal Parse(byte[] bytes) =>
        JsonSerializer.Deserialize<HistorySeal>(bytes, Json) ?? throw new InvalidDataException("Empty history seal.");

    /// <summary>The latest seal, or null when none was written yet.</summary>
    public async Task<StoredSeal?> LatestAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_latest is { } known && Environment.TickCount64 - known.ListedAt < ListingLifetime.TotalMilliseconds)
            {
                return known.Name is null ? null : _read.GetValueOrDefault(known.Name);
            }
        }

        string? latest = null;
        await foreach (var name in store.ListAsync(Prefix, cancellationToken))
        {
            if (latest is null || string.CompareOrdinal(name, latest) > 0)
            {
                latest = name;
            }
        }

        var stored = latest is null ? null : await ReadAsync(latest, cancellationToken);
        lock (_gate)
        {
            _latest = (latest, Environment.TickCount64);
        }

        return stored;
    }

    /// <summary>Reads a seal (kept in memory once read: a seal never changes).</summary>
    public async Task<StoredSeal?> ReadAsync(string name, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_read.TryGetValue(name, out var known))
            {
                return known;
            }
        }

        await using var stream = await store.OpenReadAsync(name, cancellationToken);
        if (stream is null)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, cancellationToken);
        var bytes = buffer.ToArray();
        var stored = new StoredSeal(Parse(bytes), bytes, Convert.ToHexStringLower(SHA256.HashData(bytes)));
        lock (_gate)
        {
            _read[name] = stored;
        }

        return stored;
    }

    public async Task<bool> ExistsAsync(string name, CancellationToken cancellationToken)
    {
        await using var stream = await store.OpenReadAsync(name, cancellationToken);
        return stream is not null;
    }

    /// <summary>Writes a seal once; false when a seal of that name exists already (another instance wrote it): it is never overwritten.</summary>
    public async Task<StoredSeal?> TryWriteAsync(HistorySeal seal, CancellationToken cancellationToken)
    {
        if (await ExistsAsync(seal.Name, cancellationToken))
        {
            return null;
        }

        var bytes = Serialize(seal);
        try
        {
            using var content = new MemoryStream(bytes);
            await store.WriteAsync(seal.Name, content, "application/json", cancellationToken);
        }
        catch (StorageUnavailableException)
        {
            // Another instance may have written it at the same moment; if not, the failure stands.
            if (await ExistsAsync(seal.Name, cancellationToken))
            {
                return null;
            }

            throw;
        }

        if (store is LocalFolderBlobStore folder && !OperatingSystem.IsWindows())
        {
            // Read-only for everyone: the app itself does not write it again.
            File.SetUnixFileMode(Path.Combine(folder.Root, seal.Name), UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }

        var written = new StoredSeal(seal, bytes, Convert.ToHexStringLower(SHA256.HashData(bytes)));
        lock (_gate)
        {
            _read[seal.Name] = written;
            if (_latest is not { Name: { } known } || string.CompareOrdinal(seal.Name, known) > 0)
            {
                _latest = (seal.Name, Environment.TickCount64);
            }
        }

        return written;
    }
}

public static class HistorySealSetup
{
    /// <summary>
    /// The seal store, by <c>History:Seals:Provider</c>: <c>Local</c> (default; the
    /// <c>history-seals</c> folder of the data folder, or <c>History:Seals:Local:Folder</c>) or
    /// <c>AzureBlob</c> (<c>History:Seals:AzureBlob:ConnectionString</c>, default the evidence
    /// store's; <c>History:Seals:AzureBlob:Container</c>, default <c>litiges-seals</c>).
    /// </summary>
    public static IServiceCollection AddHistorySeals(this IServiceCollection services, IConfiguration configuration, string dataFolder)
    {
        var section = configuration.GetSection("History:Seals");
        IBlobStore store = (section["Provider"] ?? "Local") switch
        {
            "Local" => new LocalFolderBlobStore(section["Local:Folder"] ?? Path.Combine(dataFolder, "seals")),
            "AzureBlob" => new AzureBlobStore(new BlobContainerClient(
                section["AzureBlob:ConnectionString"] is { Length: > 0 } own ? own
                    : configuration["Storage:AzureBlob:ConnectionString"] is { Length: > 0 } shared ? shared
                    : throw new InvalidOperationException("History:Seals:AzureBlob:ConnectionString (or Storage:AzureBlob:ConnectionString) is required when History:Seals:Provider is AzureBlob."),
                section["AzureBlob:Container"] ?? "litiges-seals")),
            var other => throw new InvalidOperationException($"Unknown History:Seals:Provider '{other}'."),
        };
        services.AddSingleton(new HistorySeals(store));
        services.AddScoped<HistoryVerifier>();
        return services;
    }
}
