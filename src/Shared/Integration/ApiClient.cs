using System.Security.Cryptography;
using System.Text;

namespace Litiges.Integration;

[Flags]
public enum ApiScopes
{
    None = 0,
    Read = 1,
    Write = 2,
}

/// <summary>
/// An ERP or CRM allowed to call the API. Its key is shown once at creation and stored only as a
/// SHA-256 hash; the key's first characters (its prefix) find the client without a table scan.
/// </summary>
public sealed class ApiClient
{
    public const int PrefixLength = 12;

    private ApiClient()
    {
        Name = KeyPrefix = KeyHash = CreatedByName = string.Empty;
    }

    private ApiClient(string name, string keyPrefix, string keyHash, ApiScopes scopes, string createdByName, DateTimeOffset at)
    {
        Name = name;
        KeyPrefix = keyPrefix;
        KeyHash = keyHash;
        Scopes = scopes;
        CreatedByName = createdByName;
        CreatedAt = at;
    }

    public int Id { get; private set; }

    public string Name { get; private set; }

    public string KeyPrefix { get; private set; }

    public string KeyHash { get; private set; }

    public ApiScopes Scopes { get; private set; }

    public string CreatedByName { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset? RevokedAt { get; private set; }

    public DateTimeOffset? LastUsedAt { get; private set; }

    /// <summary>Secret used to sign this client's webhooks (HMAC-SHA256), shown once with the key.</summary>
    public string WebhookSecret { get; private set; } = string.Empty;

    public bool IsActive => RevokedAt is null;

    /// <summary>Creates a client and returns its key, which is never stored nor shown again.</summary>
    public static (ApiClient Client, string Key) Create(string name, ApiScopes scopes, string createdByName, DateTimeOffset at)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new DomainException("Api.NameRequired");
        }

        if (scopes == ApiScopes.None)
        {
            throw new DomainException("Api.ScopeRequired");
        }

        var key = "lit_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        var client = new ApiClient(name.Trim(), key[..PrefixLength], Hash(key), scopes, createdByName, at)
        {
            WebhookSecret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)),
        };
        return (client, key);
    }

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>Compares in constant time, so that timing does not reveal how much of a key matched.</summary>
    public bool Matches(string key) =>
        IsActive && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(KeyHash), Encoding.ASCII.GetBytes(Hash(key)));

    public bool Allows(ApiScopes scope) => IsActive && Scopes.HasFlag(scope);

    public void Revoke(DateTimeOffset at) => RevokedAt ??= at;

    public void RecordUse(DateTimeOffset at) => LastUsedAt = at;
}
