using System.Security.Cryptography;
using System.Text.Json;
using Litiges.Disputes;
using Litiges.Localization;
using Litiges.Storage;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Localization;

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

    /// <summary>The files behind the tickets the form holds (forged, expired or foreign ones are left out).</summary>
    public IEnumerable<StoredFile> Read(IEnumerable<string> tickets, string userId) =>
        tickets.Distinct().Select(ticket => Read(ticket, userId)).OfType<StoredFile>();

    /// <summary>
    /// Stores one file of a dispute being filled in, within what the files already held leave of
    /// the dispute's total, and gives its ticket; or says, in the user's words, why it was refused.
    /// </summary>
    public async Task<StagedUpload> StageAsync(EvidenceIntake intake, StreamedFile file, IEnumerable<string> heldTickets, string userId, IStringLocalizer t, CancellationToken cancellationToken)
    {
        var held = Read(heldTickets, userId).Sum(f => f.Length);
        try
        {
            var stored = await intake.StoreAsync(file.FileName, file.Content, held, cancellationToken);
            return new StagedUpload(stored, Ticket(stored, userId), null);
        }
        catch (DomainException refused)
        {
            return new StagedUpload(null, null, t.Message(refused));
        }
        catch (StorageUnavailableException)
        {
            return new StagedUpload(null, null, t["Portal.Upload.StoreUnavailable", FileNames.Sanitize(file.FileName)]);
        }
    }

    private sealed record Payload(StoredFile File, string UserId, DateTimeOffset ExpiresAt);
}

/// <summary>A file stored with its ticket, or the reason it was refused.</summary>
public sealed record StagedUpload(StoredFile? File, string? Ticket, string? Error);

/// <summary>What an upload script is told about one file (JSON).</summary>
public sealed record UploadResult(bool Ok, string Name, string? Size, string? Ticket, string? Message, string? Url)
{
    public static UploadResult Stored(StoredFile file, string? ticket, string? url = null) =>
        new(true, file.FileName, new FileSize(file.Length).ToString(), ticket, null, url);

    public static UploadResult Refused(string name, string message) => new(false, name, null, null, message, null);
}
