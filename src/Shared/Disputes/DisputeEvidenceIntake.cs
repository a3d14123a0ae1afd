using System.Security.Claims;
using Litiges.Data;
using Litiges.Hosting;
using Litiges.Localization;
using Litiges.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Litiges.Disputes;

/// <summary>Who brings files to a dispute, which decides when the dispute still takes them.</summary>
public enum EvidenceChannel
{
    /// <summary>A customer on an open dispute (portal form, upload script, e-mail reply).</summary>
    Customer,

    /// <summary>A customer contesting an ended dispute: the files come with the reopening.</summary>
    Reopening,

    /// <summary>Staff: the dispute's own rule decides once the file is attached.</summary>
    Staff,
}

/// <summary>The files one request (a form, an e-mail) brings: those stored so far and the refusals, in the user's words.</summary>
/// <param name="offeredBefore">Files the request carries that are not offered here, counted against the per-request limit.</param>
public sealed class EvidenceBatch(int offeredBefore = 0)
{
    private readonly List<StoredFile> _stored = [];
    private readonly List<string> _errors = [];

    public IReadOnlyList<StoredFile> Stored => _stored;

    public IReadOnlyList<string> Errors => _errors;

    /// <summary>Files offered so far, refused ones included: the per-request limit counts them all.</summary>
    public int Offered { get; private set; } = offeredBefore;

    /// <summary>A stored file now attached on its own: the dispute's counts include it, the batch's no longer do.</summary>
    public void Attached(StoredFile file) => _stored.Remove(file);

    internal int NextPosition() => ++Offered;

    internal void Add(StoredFile file) => _stored.Add(file);

    internal void Refuse(string error) => _errors.Add(error);
}

/// <summary>
/// The one way evidence reaches an existing dispute, whatever brings it (the portal's form and
/// upload script, the back office, an e-mail reply): each file is checked against the request's
/// and the dispute's limits, then checked and streamed by <see cref="EvidenceIntake"/> (name,
/// type and content, size, virus scan); the stored files are attached in one save, trying again
/// when another upload saved first; whatever is not attached in the end is deleted.
/// </summary>
public sealed class DisputeEvidenceIntake(LitigesDbContext db, EvidenceIntake intake, DisputeCommands commands, IStringLocalizer t)
{
    private const int AttachAttempts = 3;

    public EvidenceOptions Limits => intake.Limits;

    /// <summary>
    /// Stores one file of <paramref name="batch"/> for the dispute, if the dispute still takes files
    /// from <paramref name="channel"/> and the limits allow it; a refusal is added to the batch's errors.
    /// The stream is read to its end only when the file is stored.
    /// </summary>
    /// <returns>The stored file, or null when refused.</returns>
    public async Task<StoredFile?> TakeAsync(EvidenceBatch batch, int disputeId, string? clientFileName, Stream content, EvidenceChannel channel, CancellationToken cancellationToken)
    {
        var name = FileNames.Sanitize(clientFileName);
        var limits = Limits;
        if (batch.NextPosition() > limits.MaxFilesPerRequest)
        {
            return Refuse(batch, t["Error.Upload.TooManyFilesPerRequest", name, limits.MaxFilesPerRequest]);
        }

        var dispute = await db.Disputes.AsNoTracking().Where(d => d.Id == disputeId).Select(d => new { d.Status, d.EvidenceBytes, d.EvidenceCount }).SingleAsync(cancellationToken);
        var takesFiles = channel switch
        {
            EvidenceChannel.Customer => dispute.Status.IsOpen(),
            EvidenceChannel.Reopening => dispute.Status.IsReopenable(),
            _ => true,
        };
        if (!takesFiles)
        {
            return Refuse(batch, t[dispute.Status.IsOpen() ? "Portal.Reopening.AlreadyOpen" : "Portal.Upload.DisputeClosed", name]);
        }

        if (dispute.EvidenceCount + batch.Stored.Count >= limits.MaxFilesPerDispute)
        {
            return Refuse(batch, t["Error.Evidence.TooManyFiles", name, limits.MaxFilesPerDispute]);
        }

        try
        {
            var stored = await intake.StoreAsync(clientFileName, content, dispute.EvidenceBytes + batch.Stored.Sum(f => f.Length), cancellationToken);
            batch.Add(stored);
            return stored;
        }
        catch (DomainException refused)
        {
            return Refuse(batch, t.Message(refused));
        }
        catch (StorageUnavailableException)
        {
            return Refuse(batch, t[channel == EvidenceChannel.Staff ? "Details.StorageUnavailable" : "Portal.Upload.StoreUnavailable", name]);
        }
    }

    /// <summary>
    /// Reads a multipart form as it arrives (<see cref="StreamedForm"/>): each file of
    /// <paramref name="field"/> (of any field when null) is taken into <paramref name="batch"/> by
    /// <see cref="TakeAsync"/>, other files are skipped unread. When the form cannot be read to its
    /// end (a malformed body, a dropped connection), the files already stored are deleted and the
    /// failure goes on (a 400, <see cref="MalformedRequests"/>).
    /// </summary>
    public async Task<StreamedForm> ReadFormAsync(HttpContext http, EvidenceBatch batch, int disputeId, EvidenceChannel channel, string? field, CancellationToken cancellationToken)
    {
        try
        {
            return await StreamedForm.ReadAsync(
                http,
                file => field is null || string.Equals(file.FieldName, field, StringComparison.OrdinalIgnoreCase) ? TakeAsync(batch, disputeId, file.FileName, file.Content, channel, cancellationToken) : Task.CompletedTask,
                cancellationToken);
        }
        catch (Exception) when (batch.Stored.Count > 0)
        {
            await DiscardAsync(batch.Stored);
            throw;
        }
    }

    /// <summary>Attaches stored files to the dispute being changed, within its limits; part of the caller's act and save.</summary>
    public void AttachAll(Dispute dispute, Actor actor, IEnumerable<StoredFile> files, EvidenceVisibility visibility, DateTimeOffset now)
    {
        foreach (var file in files)
        {
            dispute.AttachEvidence(actor, file, visibility, Limits.MaxDisputeBytes, now, Limits.MaxFilesPerDispute);
        }
    }

    /// <summary>
    /// Adds stored files to the dispute as it is now (adding a file decides nothing, so no stale
    /// check), trying again when another upload saved first. Returns why it failed, or null; the
    /// files are deleted when they were not attached.
    /// </summary>
    public Task<string?> AttachAsync(ClaimsPrincipal user, int disputeId, IReadOnlyList<StoredFile> files, CancellationToken cancellationToken) =>
        AttachAsync((version, seen, act) => commands.RunAsync(user, disputeId, version, seen, act, cancellationToken), disputeId, files, cancellationToken);

    /// <inheritdoc cref="AttachAsync(ClaimsPrincipal, int, IReadOnlyList{StoredFile}, CancellationToken)"/>
    public Task<string?> AttachAsync(Actor actor, int disputeId, IReadOnlyList<StoredFile> files, CancellationToken cancellationToken) =>
        AttachAsync((version, seen, act) => commands.RunAsync(actor, disputeId, version, seen, act, cancellationToken), disputeId, files, cancellationToken);

    /// <summary>Deletes files that will not be attached after all; failures are logged, never thrown.</summary>
    public Task DiscardAsync(IEnumerable<StoredFile> files) => intake.DiscardAsync(files.Select(f => f.BlobName));

    private async Task<string?> AttachAsync(Func<int, int, Func<Dispute, Actor, DateTimeOffset, Task>, Task<CommandOutcome>> run, int disputeId, IReadOnlyList<StoredFile> files, CancellationToken cancellationToken)
    {
        if (files.Count == 0)
        {
            return null;
        }

        for (var attempt = 1; ; attempt++)
        {
            var seen = await db.Disputes.AsNoTracking().Where(d => d.Id == disputeId).Select(d => new { d.Version, d.HistoryCount }).SingleAsync(cancellationToken);
            CommandOutcome outcome;
            try
            {
                outcome = await run(seen.Version, seen.HistoryCount, (dispute, actor, now) =>
                {
                    AttachAll(dispute, actor, files, EvidenceVisibility.Shared, now);
                    return Task.CompletedTask;
                });
            }
            catch (Exception)
            {
                await DiscardAsync(files);
                throw;
            }

            if (outcome.Succeeded)
            {
                return null;
            }

            var now = await db.Disputes.AsNoTracking().Where(d => d.Id == disputeId).Select(d => d.Version).SingleAsync(cancellationToken);
            if (now == seen.Version || attempt == AttachAttempts)
            {
                await DiscardAsync(files);
                return outcome.Message ?? t["Portal.Upload.Failed"];
            }
        }
    }

    private static StoredFile? Refuse(EvidenceBatch batch, string error)
    {
        batch.Refuse(error);
        return null;
    }
}
