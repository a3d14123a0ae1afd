using System.Security.Cryptography;
using System.Text.Json;
using Litiges.Data;
using Litiges.Disputes;
using Litiges.Hosting;
using Litiges.Localization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Litiges.Storage;

/// <summary>
/// Files uploaded while a dispute is being filled in, before it exists: each is already in blob
/// storage, and the form carries a ticket for it — the stored file's facts, protected so that they
/// cannot be forged or used by another user, and valid for a day. Each file is also recorded
/// server-side (<see cref="StagedBlob"/>): the user's quota counts those records, not the tickets
/// the form sends back, and the filing that claims a file removes its record.
/// </summary>
public sealed class StagedEvidence(LitigesDbContext db, EvidenceIntake intake, IDataProtectionProvider dataProtection, TimeProvider clock)
{
    public EvidenceOptions Limits => intake.Limits;

    /// <summary>How long a ticket is valid; the blob clean-up's grace period must be longer.</summary>
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
        tickets.Distinct().Select(ticket => Read(ticket, userId)).OfType<StoredFile>().DistinctBy(f => f.BlobName);

    /// <summary>
    /// Stores one file of a dispute being filled in, within the files a request may carry, the
    /// files and bytes a dispute may hold (counting the files the form already holds) and the
    /// user's staged quota (counting every file they staged and no dispute claimed), records it,
    /// and gives its ticket; or says, in the user's words, why it was refused, leaving nothing.
    /// </summary>
    /// <param name="position">The file's rank in its request, from 1.</param>
    /// <param name="clientFileName">The name the browser sent.</param>
    /// <param name="content">The file's bytes, read once.</param>
    public async Task<StagedUpload> StageAsync(string? clientFileName, Stream content, int position, IEnumerable<string> heldTickets, string userId, IStringLocalizer t, CancellationToken cancellationToken)
    {
        var limits = intake.Limits;
        var name = FileNames.Sanitize(clientFileName);
        if (position > limits.MaxFilesPerRequest)
        {
            return Refused(t["Error.Upload.TooManyFilesPerRequest", name, limits.MaxFilesPerRequest]);
        }

        var held = Read(heldTickets, userId).ToList();
        if (held.Count >= limits.MaxFilesPerDispute)
        {
            return Refused(t["Error.Evidence.TooManyFiles", name, limits.MaxFilesPerDispute]);
        }

        StoredFile stored;
        try
        {
            stored = await intake.StoreAsync(clientFileName, content, held.Sum(f => f.Length), cancellationToken, await StagedBytesAsync(userId, cancellationToken));
        }
        catch (DomainException refused)
        {
            return Refused(t.Message(refused));
        }
        catch (StorageUnavailableException)
        {
            return Refused(t["Portal.Upload.StoreUnavailable", name]);
        }

        // Recorded, then counted again: two uploads at once cannot both slip under the quota.
        var record = new StagedBlob(stored, userId, clock.GetUtcNow());
        try
        {
            db.StagedBlobs.Add(record);
            await db.SaveChangesAsync(cancellationToken);
            if (await StagedBytesAsync(userId, cancellationToken) > limits.MaxStagedBytesPerUser)
            {
                await db.StagedBlobs.Where(s => s.BlobName == stored.BlobName).ExecuteDeleteAsync(CancellationToken.None);
                await intake.DiscardAsync([stored.BlobName]);
                return Refused(t["Error.Upload.StagedQuotaExceeded", name, new FileSize(limits.MaxStagedBytesPerUser)]);
            }
        }
        catch (DbUpdateException)
        {
            await intake.DiscardAsync([stored.BlobName]);
            return Refused(t["Portal.Upload.StoreUnavailable", name]);
        }
        finally
        {
            db.Entry(record).State = EntityState.Detached;
        }

        return new StagedUpload(stored, Ticket(stored, userId), null);
    }

    /// <summary>
    /// Reads the multipart form of a dispute being filled in as it arrives (<see cref="StreamedForm"/>),
    /// staging each file (<see cref="StageAsync"/>) against the tickets the form already holds in
    /// <paramref name="ticketField"/>, which come before its file input.
    /// </summary>
    /// <param name="fileField">The file input whose files are staged; every file when null.</param>
    public async Task<StagedForm> ReadFormAsync(HttpContext http, string ticketField, string? fileField, string userId, IStringLocalizer t, CancellationToken cancellationToken)
    {
        var tickets = new List<string>();
        var errors = new List<string>();
        var position = 0;
        var form = await StreamedForm.ReadAsync(
            http,
            async file =>
            {
                if (fileField is not null && !string.Equals(file.FieldName, fileField, StringComparison.OrdinalIgnoreCase))
                {
                    return;
                }

                var held = (file.Form.Fields.TryGetValue(ticketField, out var posted) ? posted.OfType<string>() : []).Concat(tickets);
                var staged = await StageAsync(file.FileName, file.Content, ++position, held, userId, t, cancellationToken);
                if (staged.Ticket is not null)
                {
                    tickets.Add(staged.Ticket);
                }
                else
                {
                    errors.Add(staged.Error!);
                }
            },
            cancellationToken);
        return new StagedForm(form, tickets, errors);
    }

    /// <summary>
    /// The user took a file back before filing: its record and its blob go, but only while it is
    /// theirs and still staged (a file a dispute claimed has no record any more).
    /// </summary>
    public async Task DiscardAsync(StoredFile file, string userId, CancellationToken cancellationToken)
    {
        if (await db.StagedBlobs.Where(s => s.BlobName == file.BlobName && s.UserId == userId).ExecuteDeleteAsync(cancellationToken) > 0)
        {
            await intake.DiscardAsync([file.BlobName]);
        }
    }

    private Task<long> StagedBytesAsync(string userId, CancellationToken cancellationToken) =>
        db.StagedBlobs.Where(s => s.UserId == userId).SumAsync(s => s.Length, cancellationToken);

    private static StagedUpload Refused(string message) => new(null, null, message);

    private sealed record Payload(StoredFile File, string UserId, DateTimeOffset ExpiresAt);
}

/// <summary>A form read with its files staged: the tickets of those stored, the reasons for those refused.</summary>
public sealed record StagedForm(StreamedForm Form, IReadOnlyList<string> NewTickets, IReadOnlyList<string> Errors);

/// <summary>A file stored with its ticket, or the reason it was refused.</summary>
public sealed record StagedUpload(StoredFile? File, string? Ticket, string? Error);
