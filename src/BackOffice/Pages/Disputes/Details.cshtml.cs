using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Litiges.Accounts;
using Litiges.Data;
using Litiges.Deadlines;
using Litiges.Hosting;
using Litiges.Disputes;
using Litiges.Localization;
using Litiges.Notifications;
using Litiges.Storage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace Litiges.BackOffice.Pages.Disputes;

/// <summary>
/// The dispute page of the workspace: the claim, the thread with the customer, the invoices, the
/// evidence and the history, and the acts that work the dispute (acknowledge, assign, qualify, ask,
/// answer, reject, close, reopen). Settlement and tasks have sections of their own. Evidence is
/// uploaded as a stream (<see cref="StreamedUploadsAttribute"/>).
/// </summary>
[StreamedUploads]
public sealed class DetailsModel(LitigesDbContext db, DisputeCommands commands, IOptions<DisputeOptions> rules, ReferenceDataCache reference, TimeProvider clock, IStringLocalizer t)
    : DisputeWorkspacePage(db, commands, clock, t)
{
    public override WorkspaceTab Tab => WorkspaceTab.Thread;

    public DisputeFile Case { get; private set; } = null!;

    /// <summary>The note, question, answer or reason typed in the text box.</summary>
    [BindProperty]
    [StringLength(Dispute.MaxMessageLength)]
    public string? Text { get; set; }

    [BindProperty]
    public string? ReasonCode { get; set; }

    [BindProperty]
    public string? OwnerId { get; set; }

    [BindProperty]
    public DisputePriority? Priority { get; set; }

    [BindProperty]
    public int? RootCauseId { get; set; }

    [BindProperty]
    public int? EvidenceId { get; set; }

    public Task<IActionResult> OnGetAsync(int id, CancellationToken cancellationToken) => ShowAsync(id, cancellationToken);

    /// <summary>Recomputes the hash chain of the history as stored and says whether it is intact, or where it breaks.</summary>
    public Task<IActionResult> OnGetVerifyAsync(int id, CancellationToken cancellationToken) => ShowAsync(id, cancellationToken);

    /// <summary>A post that names no act (an old form, a crafted request) just shows the dispute again.</summary>
    public IActionResult OnPost(int id) => RedirectToPage(new { id });

    public Task<IActionResult> OnPostAcknowledgeAsync(int id) =>
        RunAsync(id, "Details.Acknowledged", (dispute, actor, now) =>
        {
            dispute.Acknowledge(actor, now);
            return Task.CompletedTask;
        });

    public Task<IActionResult> OnPostAssignToMeAsync(int id) =>
        RunAsync(id, "Details.Assigned", (dispute, actor, now) =>
        {
            dispute.AssignOwner(actor, actor.UserId, actor.DisplayName, now);
            return Task.CompletedTask;
        });

    public async Task<IActionResult> OnPostAssignAsync(int id)
    {
        var owner = (await StaffDirectory.OwnersAsync(Db, HttpContext.RequestAborted)).FirstOrDefault(o => o.Id == OwnerId);
        if (owner is null)
        {
            return await RedisplayAsync(id, Texts["Details.ChooseOwner"]);
        }

        return await RunAsync(id, "Details.OwnerAssigned", (dispute, actor, now) =>
        {
            dispute.AssignOwner(actor, owner.Id, owner.Name, now);
            return Task.CompletedTask;
        });
    }

    public Task<IActionResult> OnPostQualifyAsync(int id) =>
        RunAsync(id, "Details.Qualified", async (dispute, actor, now) =>
        {
            var reasonCode = await Db.ReasonCodes.SingleOrDefaultAsync(r => r.Code == ReasonCode) ?? throw new DomainException("Details.UnknownReasonCode");
            dispute.Qualify(actor, reasonCode, now);
        });

    public Task<IActionResult> OnPostPriorityAsync(int id) =>
        RunAsync(id, "Details.PriorityChanged", (dispute, actor, now) =>
        {
            dispute.ChangePriority(actor, Priority ?? throw new DomainException("Details.ChoosePriority"), now);
            return Task.CompletedTask;
        });

    public Task<IActionResult> OnPostRequestInformationAsync(int id) =>
        RunAsync(id, "Details.InformationRequested", (dispute, actor, now) =>
        {
            dispute.RequestInformation(actor, Text ?? string.Empty, now);
            return Task.CompletedTask;
        });

    /// <summary>Answers the customer in the thread, without changing the state.</summary>
    public Task<IActionResult> OnPostAnswerAsync(int id) =>
        RunAsync(id, "Details.Answered", (dispute, actor, now) =>
        {
            dispute.PostMessage(actor, Text ?? string.Empty, now);
            return Task.CompletedTask;
        });

    public Task<IActionResult> OnPostNoteAsync(int id) =>
        RunAsync(id, "Details.NoteAdded", (dispute, actor, now) =>
        {
            dispute.AddInternalNote(actor, Text ?? string.Empty, now);
            return Task.CompletedTask;
        });

    public Task<IActionResult> OnPostRejectAsync(int id) =>
        RunAsync(id, "Details.Rejected", (dispute, actor, now) =>
        {
            dispute.Reject(actor, Text ?? string.Empty, now);
            return Task.CompletedTask;
        });

    public Task<IActionResult> OnPostCloseAsync(int id) =>
        RunAsync(id, "Details.Closed", async (dispute, actor, now) =>
        {
            var rootCause = await Db.RootCauses.SingleOrDefaultAsync(r => r.Id == RootCauseId) ?? throw new DomainException("Details.ChooseRootCause");
            dispute.Close(actor, rootCause, now);
        });

    /// <summary>Reopens an ended dispute within the configured window (<c>Disputes:ReopenWindowDays</c>).</summary>
    public Task<IActionResult> OnPostReopenAsync(int id) =>
        RunAsync(id, "Details.Reopened", (dispute, actor, now) =>
        {
            dispute.Reopen(actor, Text ?? string.Empty, rules.Value.ReopenWindow, now);
            return Task.CompletedTask;
        });

    public Task<IActionResult> OnPostShareEvidenceAsync(int id) =>
        RunAsync(id, "Details.EvidenceShared", async (dispute, actor, now) =>
        {
            await Db.Entry(dispute).Collection(d => d.Evidence).LoadAsync();
            dispute.ShareEvidence(actor, EvidenceId ?? 0, now);
        });

    /// <summary>Whether the evidence uploaded is shown to the customer at once (the upload form's box, kept when a file is refused).</summary>
    public bool ShareWithCustomer { get; set; }

    /// <summary>
    /// Adds a staff member's evidence, internal unless shared at once. The form is read as it
    /// arrives (<see cref="StreamedForm"/>, never buffered): each file is checked and streamed to
    /// blob storage with its SHA-256, then attached in one act; a refused file, or an act that is
    /// not saved, leaves no blob behind.
    /// </summary>
    public async Task<IActionResult> OnPostUploadAsync(int id, [FromServices] DisputeEvidenceIntake intake)
    {
        var cancellationToken = HttpContext.RequestAborted;
        if (!await Db.Disputes.AsNoTracking().VisibleTo(User).AnyAsync(d => d.Id == id, cancellationToken))
        {
            return NotFound();
        }

        if (!StreamedForm.IsMultipart(Request))
        {
            return BadRequest();
        }

        var batch = new EvidenceBatch();
        var form = await intake.ReadFormAsync(HttpContext, batch, id, EvidenceChannel.Staff, "Upload", cancellationToken);
        Version = Number(form[nameof(Version)]);
        Seen = Number(form[nameof(Seen)]);
        ShareWithCustomer = bool.TryParse(form[nameof(ShareWithCustomer)], out var share) && share;
        if (batch.Errors.Count > 0 || batch.Stored.Count == 0)
        {
            await intake.DiscardAsync(batch.Stored);
            var shown = await RedisplayAsync(id, batch.Errors.Count > 0 ? batch.Errors[0] : Texts["Details.ChooseFile"]);
            foreach (var error in batch.Errors.Skip(1))
            {
                ModelState.AddModelError(string.Empty, error);
            }

            return shown;
        }

        var stored = batch.Stored.ToList();
        var visibility = ShareWithCustomer ? EvidenceVisibility.Shared : EvidenceVisibility.Internal;
        return await RunAsync(
            id,
            "Details.EvidenceUploaded",
            (dispute, actor, now) =>
            {
                intake.AttachAll(dispute, actor, stored, visibility, now);
                return Task.CompletedTask;
            },
            undo: () => intake.DiscardAsync(stored));
    }

    // A number the form carries (the version and history length the user saw); missing or unreadable, 0, as model binding reads it.
    private static int Number(string? posted) => int.TryParse(posted, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : 0;

    protected override async Task<Dispute?> LoadAsync(int id, CancellationToken cancellationToken)
    {
        // Of each invoice's dunning blocks, only this dispute's active ones are shown (Blocked):
        // an invoice disputed again and again no longer brings every block it ever carried.
        var dispute = await Db.Disputes.AsNoTracking()
            .VisibleTo(User)
            .Include(d => d.Items).ThenInclude(i => i.Invoice).ThenInclude(i => i!.DunningBlocks.Where(b => b.DisputeId == id && b.LiftedAt == null))
            .Include(d => d.Items).ThenInclude(i => i.InvoiceLine)
            .Include(d => d.History)
            .Include(d => d.Messages)
            .Include(d => d.Evidence)
            .AsSplitQuery()
            .SingleOrDefaultAsync(d => d.Id == id, cancellationToken);
        if (dispute is null)
        {
            return null;
        }

        // Reference data from the cache (shown only; the acts check codes, causes and owners in the database).
        var reasonCodes = await reference.ReasonCodesAsync(Db, cancellationToken);
        var departments = await reference.DepartmentNamesAsync(Db, cancellationToken);
        if (!reasonCodes.Any(r => r.Code == dispute.ReasonCode) || !departments.ContainsKey(dispute.DepartmentId))
        {
            // A code or a department created on another instance since this one read them: read again.
            reference.EvictAll();
            reasonCodes = await reference.ReasonCodesAsync(Db, cancellationToken);
            departments = await reference.DepartmentNamesAsync(Db, cancellationToken);
        }

        Case = new DisputeFile(
            dispute,
            reasonCodes.Single(r => r.Code == dispute.ReasonCode).Label,
            departments[dispute.DepartmentId],
            reasonCodes.Where(r => r.IsActive).ToList(),
            await reference.RootCausesAsync(Db, cancellationToken),
            await StaffDirectory.CachedOwnersAsync(reference, Db, cancellationToken),
            User.ToActor(),
            dispute.ReopenableUntil(rules.Value.ReopenWindow),
            Clock.GetUtcNow());
        return dispute;
    }

    /// <summary>The dispute as this page shows it, and what this user may do; the rules are the domain's (<see cref="DisputeRoles"/>).</summary>
    public sealed record DisputeFile(
        Dispute Dispute,
        LocalizedText Reason,
        LocalizedText Department,
        IReadOnlyList<ReasonCode> ActiveReasonCodes,
        IReadOnlyList<RootCause> RootCauses,
        IReadOnlyList<StaffOption> Owners,
        Actor Actor,
        DateTimeOffset? ReopenableUntil,
        DateTimeOffset Now)
    {
        /// <summary>Customer service and the credit manager work the dispute; others read it and do their part.</summary>
        public bool CanWork => DisputeRoles.MayWork(Actor.Role);

        /// <summary>Whether the ended dispute may still be reopened, as the portal tells the customer (<see cref="ReopenableUntil"/>, null when it cannot be).</summary>
        public bool ReopenWindowOpen => Now <= ReopenableUntil;

        public bool CanAddEvidence => Actor.IsStaff && DisputeRoles.MayAddEvidence(Actor.Role)
            && Dispute.Status is not DisputeStatus.Closed and not DisputeStatus.Withdrawn;

        /// <summary>The active block each covered invoice carries for this dispute (only those are loaded).</summary>
        public decimal Blocked(Invoices.Invoice invoice) =>
            invoice.DunningBlocks.Where(b => b.DisputeId == Dispute.Id && b.IsActive).Sum(b => b.Amount);
    }
}
