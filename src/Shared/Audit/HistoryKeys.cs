using System.Security.Cryptography;
using System.Text;
using Litiges.Disputes;
using Microsoft.Extensions.Configuration;

namespace Litiges.Audit;

/// <summary>
/// The keys that authenticate dispute history entries, held outside the database (configuration
/// or key files) so that someone who can only write to the database cannot forge an entry. Each
/// entry names the key that authenticated it; new entries use <see cref="CurrentKeyId"/>, older
/// keys stay configured so that the entries they authenticated still verify.
/// <list type="bullet">
/// <item><c>History:CurrentKeyId</c>: the id of the key new entries use.</item>
/// <item><c>History:Keys:{id}</c>: a key, base64 (32 bytes or more).</item>
/// <item><c>History:KeyFolder</c>: a folder of key files, <c>{id}.key</c> each holding a base64 key.</item>
/// </list>
/// Without any, outside Production only, a public demo key is used (ProductionSettings refuses to start without one).
/// </summary>
public sealed class HistoryKeys
{
    public const string Section = "History";
    public const string DemoKeyId = "demo";
    public const int MinimumKeyBytes = 32;

    /// <summary>What the MAC covers before the dispute's reference and the entry's hash (verify.py writes the same).</summary>
    public const string MacPrefix = "litiges-history-v1\n";

    private readonly Dictionary<string, byte[]> _keys;

    public HistoryKeys(string currentKeyId, IReadOnlyDictionary<string, byte[]> keys)
    {
        _keys = keys.ToDictionary(k => k.Key, k => k.Value, StringComparer.Ordinal);
        if (!_keys.ContainsKey(currentKeyId))
        {
            throw new InvalidOperationException($"History:CurrentKeyId '{currentKeyId}' names no configured key (History:Keys:{currentKeyId} or {currentKeyId}.key in History:KeyFolder).");
        }

        if (_keys.FirstOrDefault(k => k.Value.Length < MinimumKeyBytes) is { Key: not null } weak)
        {
            throw new InvalidOperationException($"History key '{weak.Key}' is shorter than {MinimumKeyBytes} bytes.");
        }

        CurrentKeyId = currentKeyId;
    }

    public string CurrentKeyId { get; }

    public bool IsDemo => CurrentKeyId == DemoKeyId && _keys.Count == 1;

    public IReadOnlyCollection<string> KeyIds => _keys.Keys;

    /// <summary>The demo key: public (it is derived from a fixed text), so it protects nothing; outside Production only.</summary>
    public static byte[] DemoKey => SHA256.HashData(Encoding.UTF8.GetBytes("Litiges demo history key - not a secret"));

    public static HistoryKeys FromConfiguration(IConfiguration configuration)
    {
        var keys = Read(configuration, out var problems);
        if (problems.Count > 0)
        {
            throw new InvalidOperationException(string.Join(Environment.NewLine, problems));
        }

        var current = configuration[Section + ":CurrentKeyId"];
        if (string.IsNullOrWhiteSpace(current) && keys.Count == 0)
        {
            return new HistoryKeys(DemoKeyId, new Dictionary<string, byte[]> { [DemoKeyId] = DemoKey });
        }

        return new HistoryKeys(string.IsNullOrWhiteSpace(current) ? keys.Keys.Single() : current, keys);
    }

    /// <summary>What stops a Production start: no current key, or a key that cannot be read.</summary>
    public static IReadOnlyList<string> Problems(IConfiguration configuration)
    {
        var keys = Read(configuration, out var problems);
        var current = configuration[Section + ":CurrentKeyId"];
        if (string.IsNullOrWhiteSpace(current))
        {
            problems.Add("History:CurrentKeyId: the id of the key that authenticates the dispute history (with History:Keys:{id} or History:KeyFolder), kept outside the database");
        }
        else if (!keys.ContainsKey(current) && !problems.Any(p => p.StartsWith($"History:Keys:{current}:", StringComparison.Ordinal)))
        {
            problems.Add($"History:Keys:{current}: the key named by History:CurrentKeyId (base64, {MinimumKeyBytes} bytes or more), or {current}.key in History:KeyFolder");
        }
        else if (current == DemoKeyId)
        {
            problems.Add($"History:CurrentKeyId: '{DemoKeyId}' is the public demo key id; choose another");
        }

        return problems;
    }

    /// <summary>The MAC of an entry of the dispute <paramref name="reference"/> under key <paramref name="keyId"/>, or null when that key is unknown.</summary>
    public string? Mac(string keyId, string reference, string hash) =>
        _keys.TryGetValue(keyId, out var key)
            ? Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(MacPrefix + reference + "\n" + hash)))
            : null;

    /// <summary>Whether the entry carries a MAC that a configured key confirms.</summary>
    public bool Confirms(string reference, DisputeHistoryEntry entry) =>
        entry is { KeyId: { } keyId, Mac: { } mac }
        && Mac(keyId, reference, entry.Hash) is { } expected
        && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(mac));

    internal void Authenticate(string reference, DisputeHistoryEntry entry) =>
        entry.Authenticate(CurrentKeyId, Mac(CurrentKeyId, reference, entry.Hash)!);

    private static Dictionary<string, byte[]> Read(IConfiguration configuration, out List<string> found)
    {
        var problems = new List<string>();
        found = problems;
        var keys = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var child in configuration.GetSection(Section + ":Keys").GetChildren())
        {
            Add(child.Key, child.Value, $"History:Keys:{child.Key}");
        }

        if (configuration[Section + ":KeyFolder"] is { Length: > 0 } folder)
        {
            if (!Directory.Exists(folder))
            {
                problems.Add($"History:KeyFolder: no folder at '{folder}'");
            }
            else
            {
                foreach (var file in Directory.EnumerateFiles(folder, "*.key"))
                {
                    Add(Path.GetFileNameWithoutExtension(file), File.ReadAllText(file).Trim(), file);
                }
            }
        }

        return keys;

        void Add(string id, string? value, string where)
        {
            try
            {
                var bytes = Convert.FromBase64String(value ?? string.Empty);
                if (bytes.Length < MinimumKeyBytes)
                {
                    problems.Add($"{where}: the key must be {MinimumKeyBytes} bytes or more (base64)");
                }
                else
                {
                    keys[id] = bytes;
                }
            }
            catch (FormatException)
            {
                problems.Add($"{where}: not base64");
            }
        }
    }
}
