using System.Security.Cryptography;
using System.Text.Json;
using Litiges.Disputes;
using Litiges.Storage;
using Microsoft.AspNetCore.DataProtection;

namespace Litiges.CustomerPortal.Uploads;

/// <summary>
/// Files uploaded while a dispute is being filled in, before it exists: each is already in blob
/// storage, and the form carries a ticket for it — the stored file's facts, protected so that they
/// cannot be forged or used by another user, and valid for a day.
/// </summary>
public sealed class StagedEvidence(IDataProtectionProvider dataProtection, TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(1);

    private readonly IDataProtector _protector = dataProtection.CreateProtector("Litiges.CustomerPortal.StagedEvidence.v1");

    public string Ticket(StoredFile file, string userId) =>
        _protector.Protect(JsonSerializer.Serialize(new Payload(file, userId, clock.GetUtcNow() + Lifetime)));

    /// <summary>The file behind a ticket, or null when the ticket is forged, expired or someone else's.</summary>
    public StoredFile? Read(string? ticket, string userId)
    {
        if (string.IsNullOrEmpty(ticket))
        {
            return null;
        }

        try
        {
            var payload = JsonSerializer.Deserialize<Payload>(_protector.Unprotect(ticket));
            return payload is not null && payload.UserId == userId && payload.ExpiresAt > clock.GetUtcNow() && BlobNames.IsValid(payload.File.BlobName)
                ? payload.File
                : null;
        }
        catch (Exception error) when (error is CryptographicException or JsonException or FormatException)
        {
            return null;
        }
    }

    private sealed record Payload(StoredFile File, string UserId, DateTimeOffset ExpiresAt);
}
