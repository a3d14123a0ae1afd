using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Litiges.Accounts;
using Litiges.CreditNotes;
using Litiges.Data;
using Litiges.Deadlines;
using Litiges.Disputes;
using Litiges.Finance;
using Litiges.Localization;
using Litiges.Notifications;
using Litiges.Settlements;
using Litiges.Storage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace Litiges.BackOffice.Pages.Disputes;

/// <summary>
/// The dispute file: everything about one dispute, and the acts staff perform on it. Each act is
/// one domain operation run by <see cref="DisputeCommands"/> under the version the user saw, so a
/// stale page is refused and told what changed instead of overwriting it.
/// </summary>
public sealed class DetailsModel(LitigesDbContext db, DisputeCommands commands, IOptions<DisputeOptions> rules, TimeProvider clock, IStringLocalizer t) : PageModel
{
    public DisputeFile Case { get; private set; } = null!;

    /// <summary>The version and history length the user saw; posted back to detect concurrent changes.</summary>
    [BindProperty]
    public int Version { get; set; }

    [BindProperty]
    public int Seen { get; set; }

    /// <summary>The note, question, answer, proposal or reason typed in the text box.</summary>
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

    [BindProperty]
    public int? TaskId { get; set; }

    [BindProperty]
    public TaskInput NewTask { get; set; } = new();

    [BindProperty]
    public SettlementInput Settlement { get; set; } = new();

    [BindProperty]
    public int? ProposalId { get; set; }

    public IReadOnlyList<DisputeHistoryEntry> ChangesMeanwhile { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(int id, CancellationToken cancellationToken)
    {
        var file = await LoadAsync(id, cancellationToken);
        if (file is null)
        {
            return NotFound();
        }

        Case = file;
        return Page();
    }

    /// <summary>Recomputes the hash chain of the history as stored and says whether it is intact, or where it breaks.</summary>
    public async Task<IActionResult> OnGetVerifyAsync(int id, CancellationToken cancellationToken)
    {
        var file = await LoadAsync(id, cancellationToken);
        if (file is null)
        {
            return NotFound();
        }

        Case = file;
        return Page();
    }

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
        var owner = (await StaffDirectory.OwnersAsync(db, HttpContext.RequestAborted)).FirstOrDefault(o => o.Id == OwnerId);
        if (owner is null)
        {
            return await RedisplayAsync(id, t["Details.ChooseOwner"]);
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
            var reasonCode = await db.ReasonCodes.SingleOrDefaultAsync(r => r.Code == ReasonCode) ?? throw new DomainException("Details.UnknownReasonCode");
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

    /// <summary>
    /// Proposes a structured settlement: within the user's delegation limit it goes to the customer
    /// at once, above it it waits in the approval queue.
    /// </summary>
    public async Task<IActionResult> OnPostProposeAsync(int id, [FromServices] IConfiguration configuration)
    {
        var limits = await LimitsAsync();
        SettlementDraft draft;
        try
        {
            draft = await Settlement.ToDraftAsync(db, id, HttpContext.RequestAborted);
        }
        catch (DomainException refused)
        {
            return await RedisplayAsync(id, t.Message(refused));
        }

        return await RunAsync(id, "Details.SettlementProposed", (dispute, actor, now) =>
        {
            dispute.ProposeSettlement(actor, draft, limits, SettlementSettings.WriteOffThreshold(configuration), now);
            return Task.CompletedTask;
        });
    }

    public async Task<IActionResult> OnPostApproveSettlementAsync(int id)
    {
        var limits = await LimitsAsync();
        return await RunAsync(id, "Settlements.Approved", (dispute, actor, now) =>
        {
            dispute.ApproveSettlement(actor, ProposalId ?? 0, limits, now);
            return Task.CompletedTask;
        });
    }

    public async Task<IActionResult> OnPostRefuseSettlementAsync(int id)
    {
        var limits = await LimitsAsync();
        return await RunAsync(id, "Settlements.Refused", (dispute, actor, now) =>
        {
            dispute.RefuseSettlement(actor, ProposalId ?? 0, Text ?? string.Empty, limits, now);
            return Task.CompletedTask;
        });
    }

    /// <summary>The gesture, schedule or write-off the customer accepted has been carried out.</summary>
    public Task<IActionResult> OnPostCompleteSettlementAsync(int id) =>
        RunAsync(id, "Settlements.Completed", (dispute, actor, now) =>
        {
            dispute.CompleteSettlement(actor, now);
            return Task.CompletedTask;
        });

    /// <summary>Finance issues the credit notes of an accepted credit-note proposal (numbers, PDF, UBL).</summary>
    public async Task<IActionResult> OnPostIssueCreditNotesAsync(int id, [FromServices] CreditNoteIssuer issuer)
    {
        var cancellationToken = HttpContext.RequestAborted;
        var version = await db.Disputes.AsNoTracking().VisibleTo(User).Where(d => d.Id == id).Select(d => (int?)d.Version).SingleOrDefaultAsync(cancellationToken);
        if (version is null)
        {
            return NotFound();
        }

        if (version != Version)
        {
            return await RedisplayAsync(id, t["Settlements.ChangedMeanwhile"]);
        }

        try
        {
            var notes = await issuer.IssueForDisputeAsync(id, User.ToActor(), cancellationToken);
            TempData["Success"] = t["Settlements.CreditNotesIssued", string.Join(", ", notes.Select(n => n.Number))].Value;
            return RedirectToPage(new { id });
        }
        catch (DomainException refused)
        {
            return await RedisplayAsync(id, t.Message(refused));
        }
    }

    public Task<IActionResult> OnPostRejectAsync(int id) =>
        RunAsync(id, "Details.Rejected", (dispute, actor, now) =>
        {
            dispute.Reject(actor, Text ?? string.Empty, now);
            return Task.CompletedTask;
        });

    public Task<IActionResult> OnPostCloseAsync(int id) =>
        RunAsync(id, "Details.Closed", async (dispute, actor, now) =>
        {
            var rootCause = await db.RootCauses.SingleOrDefaultAsync(r => r.Id == RootCauseId) ?? throw new DomainException("Details.ChooseRootCause");
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
            await db.Entry(dispute).Collection(d => d.Evidence).LoadAsync();
            dispute.ShareEvidence(actor, EvidenceId ?? 0, now);
        });

    /// <summary>
    /// Adds a staff member's piece of evidence, internal unless shared at once: the file is checked
    /// and streamed to blob storage with its SHA-256, then attached; a refused attach deletes the blob.
    /// </summary>
    public async Task<IActionResult> OnPostUploadAsync(int id, IFormFile? upload, bool shareWithCustomer, [FromServices] EvidenceIntake intake)
    {
        var cancellationToken = HttpContext.RequestAborted;
        var soFar = await db.Disputes.AsNoTracking().VisibleTo(User).Where(d => d.Id == id).Select(d => new { d.EvidenceBytes, d.EvidenceCount }).SingleOrDefaultAsync(cancellationToken);
        if (soFar is null)
        {
            return NotFound();
        }

        if (upload is null || upload.Length == 0)
        {
            return await RedisplayAsync(id, t["Details.ChooseFile"]);
        }

        var limits = intake.Limits;
        var name = FileNames.Sanitize(upload.FileName);
        if (Request.Form.Files.Count > limits.MaxFilesPerRequest)
        {
            return await RedisplayAsync(id, t["Error.Upload.TooManyFilesPerRequest", name, limits.MaxFilesPerRequest]);
        }

        if (soFar.EvidenceCount >= limits.MaxFilesPerDispute)
        {
            return await RedisplayAsync(id, t["Error.Evidence.TooManyFiles", name, limits.MaxFilesPerDispute]);
        }

        StoredFile stored;
        try
        {
            await using var content = upload.OpenReadStream();
            stored = await intake.StoreAsync(upload.FileName, content, soFar.EvidenceBytes, cancellationToken);
        }
        catch (DomainException refused)
        {
            return await RedisplayAsync(id, t.Message(refused));
        }
        catch (StorageUnavailableException)
        {
            return await RedisplayAsync(id, t["Details.StorageUnavailable"]);
        }

        var visibility = shareWithCustomer ? EvidenceVisibility.Shared : EvidenceVisibility.Internal;
        return await RunAsync(
            id,
            "Details.EvidenceUploaded",
            (dispute, actor, now) =>
            {
                dispute.AttachEvidence(actor, stored, visibility, limits.MaxDisputeBytes, now, limits.MaxFilesPerDispute);
                return Task.CompletedTask;
            },
            undo: () => intake.DiscardAsync([stored.BlobName]));
    }

    /// <summary>Opens an internal task for a department or a person; they are told by e-mail.</summary>
    public async Task<IActionResult> OnPostOpenTaskAsync(int id)
    {
        var cancellationToken = HttpContext.RequestAborted;
        var assignee = string.IsNullOrEmpty(NewTask.AssigneeUserId) ? null
            : (await StaffDirectory.TaskAssigneesAsync(db, cancellationToken)).FirstOrDefault(s => s.Id == NewTask.AssigneeUserId);
        var departmentExists = NewTask.DepartmentId is { } departmentId && await db.Departments.AnyAsync(d => d.Id == departmentId, cancellationToken);
        if ((!string.IsNullOrEmpty(NewTask.AssigneeUserId) && assignee is null) || (NewTask.DepartmentId is not null && !departmentExists))
        {
            return await RedisplayAsync(id, t["Details.TaskNobody"]);
        }

        if (NewTask.DueOn is null || !AmountText.TryParse(NewTask.CashAtStake, out var cash))
        {
            return await RedisplayAsync(id, t["Details.TaskIncomplete"]);
        }

        return await RunAsync(id, "Details.TaskOpened", (dispute, actor, now) =>
        {
            dispute.OpenTask(actor, NewTask.Title ?? string.Empty, NewTask.DepartmentId, assignee?.Id, assignee?.Name, NewTask.DueOn.Value, cash, now);
            return Task.CompletedTask;
        });
    }

    public Task<IActionResult> OnPostCompleteTaskAsync(int id) =>
        RunAsync(id, "Details.TaskCompleted", async (dispute, actor, now) =>
        {
            await db.Entry(dispute).Collection(d => d.Tasks).LoadAsync();
            dispute.CompleteTask(actor, TaskId ?? 0, Text, now);
        });

    public Task<IActionResult> OnPostCancelTaskAsync(int id) =>
        RunAsync(id, "Details.TaskCancelled", async (dispute, actor, now) =>
        {
            await db.Entry(dispute).Collection(d => d.Tasks).LoadAsync();
            dispute.CancelTask(actor, TaskId ?? 0, now);
        });

    /// <param name="undo">What to clean up when the act is not saved (a blob already stored).</param>
    private async Task<IActionResult> RunAsync(int id, string doneKey, Func<Dispute, Actor, DateTimeOffset, Task> act, Func<Task>? undo = null)
    {
        if (!ModelState.IsValid)
        {
            if (undo is not null)
            {
                await undo();
            }

            return await RedisplayAsync(id, null);
        }

        var outcome = await commands.RunAsync(User, id, Version, Seen, act, HttpContext.RequestAborted);
        if (!outcome.Succeeded && undo is not null)
        {
            await undo();
        }

        if (!outcome.Found)
        {
            return NotFound();
        }

        if (!outcome.Succeeded)
        {
            ChangesMeanwhile = outcome.ChangesMeanwhile;
            return await RedisplayAsync(id, outcome.Message);
        }

        TempData["Success"] = t[doneKey].Value;
        return RedirectToPage(new { id });
    }

    // A refused act shows the page again with what the user typed, the reason, and what changed.
    private async Task<IActionResult> RedisplayAsync(int id, string? message)
    {
        db.ChangeTracker.Clear();
        var file = await LoadAsync(id, HttpContext.RequestAborted);
        if (file is null)
        {
            return NotFound();
        }

        Case = file;
        if (message is not null)
        {
            ModelState.AddModelError(string.Empty, message);
        }

        Version = file.Version;
        Seen = file.HistoryCount;
        ModelState.Remove(nameof(Version));
        ModelState.Remove(nameof(Seen));
        return Page();
    }

    private async Task<DisputeFile?> LoadAsync(int id, CancellationToken cancellationToken)
    {
        var dispute = await db.Disputes.AsNoTracking()
            .VisibleTo(User)
            .Include(d => d.Items).ThenInclude(i => i.Invoice).ThenInclude(i => i!.DunningBlocks)
            .Include(d => d.Items).ThenInclude(i => i.InvoiceLine)
            .Include(d => d.History)
            .Include(d => d.Messages)
            .Include(d => d.Evidence)
            .Include(d => d.Tasks)
            .Include(d => d.Items).ThenInclude(i => i.Invoice).ThenInclude(i => i!.Lines)
            .Include(d => d.Proposals).ThenInclude(p => p.Instalments)
            .AsSplitQuery()
            .SingleOrDefaultAsync(d => d.Id == id, cancellationToken);
        if (dispute is null)
        {
            return null;
        }

        var customer = await db.CustomerAccounts.AsNoTracking().Where(c => c.Id == dispute.CustomerAccountId).Select(c => c.LegalName).SingleAsync(cancellationToken);
        var reasonCodes = await db.ReasonCodes.AsNoTracking().OrderBy(r => r.Code).ToListAsync(cancellationToken);
        var departments = await db.Departments.AsNoTracking().OrderBy(d => d.Code).ToDictionaryAsync(d => d.Id, d => d.Name, cancellationToken);
        var rootCauses = await db.RootCauses.AsNoTracking().OrderBy(r => r.Code).ToListAsync(cancellationToken);
        var limits = await LimitsAsync();
        var creditNotes = await db.CreditNotes.AsNoTracking().Where(c => c.DisputeId == id).OrderBy(c => c.Number).Select(c => c.Number).ToListAsync(cancellationToken);
        if (!HttpMethods.IsPost(Request.Method))
        {
            Version = dispute.Version;
            Seen = dispute.HistoryCount;
        }

        var actor = User.ToActor();
        var now = clock.GetUtcNow();
        return new DisputeFile(
            dispute,
            customer,
            reasonCodes.Single(r => r.Code == dispute.ReasonCode).Label,
            departments[dispute.DepartmentId],
            dispute.Deadlines(now),
            reasonCodes.Where(r => r.IsActive).ToList(),
            departments,
            rootCauses,
            await StaffDirectory.OwnersAsync(db, cancellationToken),
            await StaffDirectory.TaskAssigneesAsync(db, cancellationToken),
            actor,
            BusinessDate.Of(now),
            limits,
            creditNotes,
            dispute.ReopenableUntil(rules.Value.ReopenWindow),
            now);
    }

    private async Task<DelegationLimits> LimitsAsync() =>
        new(await db.DelegationLimits.AsNoTracking().ToListAsync(HttpContext.RequestAborted));

    public sealed class TaskInput
    {
        [StringLength(DisputeTask.MaxTitleLength)]
        public string? Title { get; set; }

        public int? DepartmentId { get; set; }

        public string? AssigneeUserId { get; set; }

        public DateOnly? DueOn { get; set; }

        /// <summary>Typed as text, so that "100 000,00" and "100000.00" both read right whatever the page's language.</summary>
        public string? CashAtStake { get; set; }
    }

    public sealed record DisputeFile(
        Dispute Dispute,
        string Customer,
        LocalizedText Reason,
        LocalizedText Department,
        IReadOnlyList<DeadlineStatus> Deadlines,
        IReadOnlyList<ReasonCode> ActiveReasonCodes,
        IReadOnlyDictionary<int, LocalizedText> Departments,
        IReadOnlyList<RootCause> RootCauses,
        IReadOnlyList<StaffOption> Owners,
        IReadOnlyList<StaffOption> Assignees,
        Actor Actor,
        DateOnly Today,
        DelegationLimits Limits,
        IReadOnlyList<string> CreditNoteNumbers,
        DateTimeOffset? ReopenableUntil,
        DateTimeOffset Now)
    {
        public int Version => Dispute.Version;

        public int HistoryCount => Dispute.HistoryCount;

        /// <summary>Customer service and the credit manager work the dispute; others read it and do their part.</summary>
        public bool CanWork => DisputeRoles.MayWork(Actor.Role);

        /// <summary>Whether the ended dispute may still be reopened, as the portal tells the customer (<see cref="ReopenableUntil"/>, null when it cannot be).</summary>
        public bool ReopenWindowOpen => Now <= ReopenableUntil;

        public bool CanPropose => DisputeRoles.MayPropose(Actor.Role);

        public bool CanAddEvidence => Actor.IsStaff && DisputeRoles.MayAddEvidence(Actor.Role)
            && Dispute.Status is not DisputeStatus.Closed and not DisputeStatus.Withdrawn;

        public bool CanComplete(DisputeTask task) => task.Status == DisputeTaskStatus.Open && (CanWork || (Actor.IsStaff && task.IsFor(Actor)));

        public IEnumerable<DisputeHistoryEntry> Settlements =>
            Dispute.History.Where(h => h.Action is DisputeAction.SettlementProposed or DisputeAction.SettlementAccepted or DisputeAction.SettlementDeclined
                or DisputeAction.ApprovalRequested or DisputeAction.SettlementApproved or DisputeAction.SettlementRefused).OrderByDescending(h => h.Sequence);

        public IReadOnlyList<Invoices.Invoice> Invoices => [.. Dispute.Items.Select(i => i.Invoice!).DistinctBy(i => i.Id).OrderBy(i => i.Number)];

        public decimal OpenBalance => Invoices.Sum(i => i.OpenBalance);

        public bool CanDecide(SettlementProposal proposal) =>
            proposal.Status == ProposalStatus.AwaitingApproval && Actor.IsStaff && Limits.Covers(Actor.Role, proposal.Value);

        public bool CanIssue(SettlementProposal proposal) =>
            proposal is { Status: ProposalStatus.Accepted, Kind: SettlementKind.CreditNote } && Actor.IsStaff && DisputeRoles.MayCompleteSettlement(Actor.Role, proposal.Kind);

        public bool CanComplete(SettlementProposal proposal) =>
            proposal.Status == ProposalStatus.Accepted && proposal.Kind != SettlementKind.CreditNote
            && Actor.IsStaff && DisputeRoles.MayCompleteSettlement(Actor.Role, proposal.Kind);

        /// <summary>The block each covered invoice carries for this dispute (active or lifted).</summary>
        public decimal Blocked(Invoices.Invoice invoice) =>
            invoice.DunningBlocks.Where(b => b.DisputeId == Dispute.Id && b.IsActive).Sum(b => b.Amount);
    }

    /// <summary>The structured proposal form: one of four kinds; amounts typed as text like the task's cash at stake.</summary>
    public sealed class SettlementInput
    {
        public const int CreditRows = 3;
        public const int InstalmentRows = 6;

        public SettlementKind Kind { get; set; }

        [StringLength(Dispute.MaxMessageLength)]
        public string? Summary { get; set; }

        public List<CreditInput> Credits { get; set; } = [];

        public string? GestureAmount { get; set; }

        public string? GesturePercent { get; set; }

        public DateOnly? GestureValidUntil { get; set; }

        public string? ScheduleTotal { get; set; }

        public List<InstalmentInput> Instalments { get; set; } = [];

        public string? WriteOffAmount { get; set; }

        /// <summary>Reads the form into a draft; a line naming an invoice line takes what it leaves empty from that line.</summary>
        public async Task<SettlementDraft> ToDraftAsync(LitigesDbContext db, int disputeId, CancellationToken cancellationToken)
        {
            var draft = new SettlementDraft(Kind, Summary ?? string.Empty);
            switch (Kind)
            {
                case SettlementKind.CreditNote:
                    var credits = new List<ProposedCredit>();
                    foreach (var row in Credits.Where(c => c.InvoiceId is not null))
                    {
                        credits.Add(await row.ToCreditAsync(db, disputeId, cancellationToken));
                    }

                    return draft with { Credits = credits };
                case SettlementKind.CommercialGesture:
                    return draft with
                    {
                        GestureAmount = Optional(GestureAmount),
                        GesturePercent = Optional(GesturePercent),
                        GestureValidUntil = GestureValidUntil,
                    };
                case SettlementKind.PaymentSchedule:
                    var instalments = Instalments.Where(i => i.DueOn is not null || !string.IsNullOrWhiteSpace(i.Amount))
                        .Select(i => (i.DueOn ?? throw new DomainException("Settlement.ScheduleInvalid"), Required(i.Amount))).ToList();
                    if (instalments.Count > InstalmentRows)
                    {
                        throw new DomainException("Settlement.ScheduleInvalid");
                    }

                    return draft with { ScheduleTotal = Required(ScheduleTotal), Instalments = instalments };
                case SettlementKind.WriteOff:
                    return draft with { WriteOffAmount = Required(WriteOffAmount) };
                default:
                    throw new DomainException("Settlement.UnknownKind");
            }
        }

        internal static decimal? Optional(string? text) =>
            string.IsNullOrWhiteSpace(text) ? null : Required(text);

        internal static decimal Required(string? text) =>
            AmountText.Parse(text, CultureInfo.CurrentCulture);
    }

    public sealed class CreditInput
    {
        public int? InvoiceId { get; set; }

        public int? InvoiceLineId { get; set; }

        [StringLength(500)]
        public string? Description { get; set; }

        public string? Quantity { get; set; }

        public string? UnitPrice { get; set; }

        /// <summary>In percent, as people say it: "20" or "5,5".</summary>
        public string? VatPercent { get; set; }

        internal async Task<ProposedCredit> ToCreditAsync(LitigesDbContext db, int disputeId, CancellationToken cancellationToken)
        {
            var covered = await db.Disputes.AsNoTracking().Where(d => d.Id == disputeId).SelectMany(d => d.Items).AnyAsync(i => i.InvoiceId == InvoiceId, cancellationToken);
            if (!covered)
            {
                throw new DomainException("Settlement.InvoiceNotInDispute");
            }

            var line = InvoiceLineId is { } lineId
                ? await db.Invoices.AsNoTracking().Where(i => i.Id == InvoiceId).SelectMany(i => i.Lines).SingleOrDefaultAsync(l => l.Id == lineId, cancellationToken)
                    ?? throw new DomainException("Settlement.CreditLinesInvalid")
                : null;
            var description = string.IsNullOrWhiteSpace(Description) ? line?.Description ?? throw new DomainException("Settlements.DescriptionRequired") : Description.Trim();
            var quantity = SettlementInput.Optional(Quantity) ?? 1m;
            var unitPrice = SettlementInput.Optional(UnitPrice) ?? line?.UnitPrice ?? throw new DomainException("Settlement.CreditLinesInvalid");
            var vatRate = SettlementInput.Optional(VatPercent) is { } percent ? percent / 100m : line?.VatRate ?? throw new DomainException("Settlement.CreditLinesInvalid");
            return new ProposedCredit(InvoiceId!.Value, line?.Id, description, quantity, unitPrice, vatRate);
        }
    }

    public sealed class InstalmentInput
    {
        public DateOnly? DueOn { get; set; }

        public string? Amount { get; set; }
    }
}
