using Litiges.Deadlines;
using Litiges.Finance;
using Litiges.Invoices;
using Litiges.Settlements;

namespace Litiges.Disputes;

/// <summary>
/// A customer's dispute of one or more invoices (or some of their lines), from submission to closing.
/// Every change of state is a method named after the business act: it checks who acts and from
/// which state, records a history entry, and keeps the covered invoices' dunning blocks right.
/// </summary>
public sealed class Dispute : IVersioned
{
    public const int MaxDescriptionLength = 4000;
    public const int MaxMessageLength = 8000;

    private readonly List<DisputedItem> _items = [];
    private readonly List<DisputeHistoryEntry> _history = [];
    private readonly List<DisputeMessage> _messages = [];
    private readonly List<SlaPauseRecord> _pauses = [];
    private readonly List<Evidence> _evidence = [];
    private readonly List<DisputeTask> _tasks = [];
    private readonly List<DeadlineAlert> _deadlineAlerts = [];
    private readonly List<SettlementProposal> _proposals = [];
    private readonly List<DisputeEvent> _events = [];

    private Dispute()
    {
        Reference = ReasonCode = Description = Currency = LastHistoryHash = string.Empty;
        Sla = SlaPolicy.Default with { };
    }

    private Dispute(string reference, int customerAccountId, string currency, ReasonCode reasonCode, DisputeSource source, DateTimeOffset now)
    {
        Reference = reference;
        CustomerAccountId = customerAccountId;
        Currency = currency;
        ReasonCode = reasonCode.Code;
        DepartmentId = reasonCode.DepartmentId;
        Category = reasonCode.Category;
        Sla = reasonCode.Sla with { }; // an owned value: each owner keeps its own copy
        Source = source;
        Status = DisputeStatus.Submitted;
        Priority = DisputePriority.Normal;
        SubmittedAt = now;
        LastActivityAt = now;
        Description = string.Empty;
        LastHistoryHash = string.Empty;
    }

    public int Id { get; private set; }

    /// <summary>The reference the customer quotes: LIT-2026-000123.</summary>
    public string Reference { get; private set; }

    public int CustomerAccountId { get; private set; }

    public DisputeStatus Status { get; private set; }

    public DisputeSource Source { get; private set; }

    public string ReasonCode { get; private set; }

    public DisputeCategory Category { get; private set; }

    public int DepartmentId { get; private set; }

    public string Description { get; private set; }

    public DesiredOutcome DesiredOutcome { get; private set; }

    public string? ContactName { get; private set; }

    public string? ContactEmail { get; private set; }

    public string? ContactPhone { get; private set; }

    /// <summary>The single owner ("pilote") in customer service.</summary>
    public string? OwnerUserId { get; private set; }

    public string? OwnerName { get; private set; }

    public DisputePriority Priority { get; private set; }

    public string Currency { get; private set; }

    /// <summary>Total contested, including VAT.</summary>
    public decimal DisputedAmount { get; private set; }

    /// <summary>The deadlines in force, copied from the reason code when the dispute was opened or requalified.</summary>
    public SlaPolicy Sla { get; private set; }

    public DateTimeOffset SubmittedAt { get; private set; }

    public DateTimeOffset? AcknowledgedAt { get; private set; }

    public DateTimeOffset? FirstAnsweredAt { get; private set; }

    /// <summary>When the dispute reached Resolved, Rejected or Withdrawn.</summary>
    public DateTimeOffset? EndedAt { get; private set; }

    /// <summary>Days from submission to <see cref="EndedAt"/>, kept for the dashboard's resolution times.</summary>
    public double? ResolutionDays { get; private set; }

    public DateTimeOffset? ClosedAt { get; private set; }

    /// <summary>Whether the dispute ended (resolved, rejected) within its resolution deadline; for the KPIs.</summary>
    public bool? EndedWithinSla { get; private set; }

    public DateTimeOffset LastActivityAt { get; private set; }

    public string? RejectionReason { get; private set; }

    public int? RootCauseId { get; private set; }

    public int ReopenCount { get; private set; }

    /// <summary>Total size of the evidence, checked against the per-dispute limit.</summary>
    public long EvidenceBytes { get; private set; }

    /// <summary>Number of pieces of evidence, checked against the per-dispute limit without loading them.</summary>
    public int EvidenceCount { get; private set; }

    /// <summary>The earliest deadline still running, for sorting the queue; null once the dispute has ended.</summary>
    public DateTimeOffset? NextDeadlineAt { get; private set; }

    /// <summary>The worst state of the running deadlines (on time, due soon, breached); null once ended.</summary>
    public DeadlineState? WorstDeadlineState { get; private set; }

    public int HistoryCount { get; private set; }

    public string LastHistoryHash { get; private set; }

    public int Version { get; private set; }

    public IReadOnlyList<DisputedItem> Items => _items;

    public IReadOnlyList<DisputeHistoryEntry> History => _history;

    public IReadOnlyList<DisputeMessage> Messages => _messages;

    public IReadOnlyList<SlaPauseRecord> Pauses => _pauses;

    public IReadOnlyList<Evidence> Evidence => _evidence;

    public IReadOnlyList<DisputeTask> Tasks => _tasks;

    public IReadOnlyList<DeadlineAlert> DeadlineAlerts => _deadlineAlerts;

    public IReadOnlyList<SettlementProposal> Proposals => _proposals;

    /// <summary>The proposal waiting for approval, for the customer's answer, or for execution; at most one.</summary>
    public SettlementProposal? ActiveProposal => _proposals.FirstOrDefault(p => p.IsActive);

    public bool IsOpen => Status.IsOpen();

    /// <summary>The acts since the dispute was loaded that have not yet become notices, in the order they happened.</summary>
    public IReadOnlyList<DisputeEvent> PendingEvents => _events;

    public Money Amount => new(DisputedAmount, Currency);

    void IVersioned.IncrementVersion() => Version++;

    /// <summary>
    /// Opens a dispute on the given claims. Amounts are checked to the cent: a line's claim cannot
    /// exceed the line, and an invoice's claims cannot exceed what is still open and not already
    /// blocked by another dispute. The contested amounts are blocked from dunning at once.
    /// </summary>
    public static Dispute Open(
        string reference,
        int customerAccountId,
        ReasonCode reasonCode,
        string description,
        DesiredOutcome desiredOutcome,
        IReadOnlyCollection<DisputeClaim> claims,
        DisputeSource source,
        Actor actor,
        DateTimeOffset now,
        DisputeContact? contact = null)
    {
        var allowed = actor.Role is ActorRole.Customer or ActorRole.System || DisputeRoles.MayOpenForCustomer(actor.Role);
        if (!allowed)
        {
            throw new DomainException("Dispute.RoleNotAllowed", actor.Role, "Open");
        }

        // Staff open a dispute for someone at the customer's: whom they speak for is part of the record.
        if (actor.IsStaff && string.IsNullOrWhiteSpace(contact?.Name))
        {
            throw new DomainException("Dispute.ContactRequired");
        }

        if (actor.Role == ActorRole.Customer && actor.CustomerAccountId != customerAccountId)
        {
            throw new DomainException("Dispute.NotYourCompany");
        }

        if (!reasonCode.IsActive)
        {
            throw new DomainException("Dispute.ReasonCodeInactive", reasonCode.Code);
        }

        if (claims.Count == 0)
        {
            throw new DomainException("Dispute.NothingClaimed");
        }

        description = RequireText(description, MaxDescriptionLength, "Dispute.DescriptionRequired");
        var currency = claims.First().Invoice.Currency;
        var dispute = new Dispute(reference, customerAccountId, currency, reasonCode, source, now)
        {
            Description = description,
            DesiredOutcome = desiredOutcome,
            ContactName = contact?.Name,
            ContactEmail = contact?.Email,
            ContactPhone = contact?.Phone,
        };

        foreach (var claim in claims)
        {
            ValidateClaim(claim, customerAccountId, currency);
            dispute._items.Add(new DisputedItem(claim.Invoice, claim.Line, claim.Quantity, claim.Amount));
        }

        var duplicateLine = claims.Where(c => c.Line is not null).GroupBy(c => c.Line).FirstOrDefault(g => g.Count() > 1);
        if (duplicateLine is not null)
        {
            throw new DomainException("Dispute.LineClaimedTwice", duplicateLine.Key!.LineNumber);
        }

        if (claims.Any(c => c.Line is null) && claims.GroupBy(c => c.Invoice).Any(g => g.Count() > 1 && g.Any(c => c.Line is null)))
        {
            throw new DomainException("Dispute.WholeInvoiceAndLines");
        }

        // Check every invoice before blocking any, so that a refused claim leaves nothing behind.
        foreach (var (invoice, amount) in dispute.AmountsPerInvoice())
        {
            if (amount > invoice.DunnableBalance)
            {
                throw new DomainException("Dispute.AmountExceedsOpenBalance", invoice.Number, amount, invoice.DunnableBalance);
            }
        }

        dispute.DisputedAmount = dispute._items.Sum(i => i.Amount);
        dispute.PlaceBlocks(now, capToBalance: false);
        dispute.Record(actor, DisputeAction.Opened, DisputeStatus.Submitted, actor.IsStaff ? OpenedOnBehalf(actor, contact!, source, description) : description, isPublic: true, now);
        dispute.Raise(DisputeEventKind.Filed, actor, now);
        return dispute;
    }

    // The history's words (in French, like every text the domain writes into it) for a dispute staff opened for a contact.
    private static string OpenedOnBehalf(Actor staff, DisputeContact contact, DisputeSource source, string description)
    {
        var how = source switch
        {
            DisputeSource.Phone => "appel du client",
            DisputeSource.Email => "e-mail du client",
            DisputeSource.DunningCall => "appel de relance",
            DisputeSource.SalesRepresentative => "signalé par le commercial",
            _ => "saisi par le service client",
        };
        var who = string.IsNullOrWhiteSpace(contact.Email) ? contact.Name!.Trim() : $"{contact.Name!.Trim()} <{contact.Email.Trim()}>";
        return $"Ouvert par {staff.DisplayName} pour le compte de {who} ({how}).\n{description}";
    }

    public void Acknowledge(Actor actor, DateTimeOffset now)
    {
        Require(actor, DisputeAction.Acknowledged, [DisputeStatus.Submitted], DisputeRoles.Work);
        AcknowledgedAt = now;
        Move(actor, DisputeAction.Acknowledged, DisputeStatus.InReview, null, isPublic: true, now);
        Raise(DisputeEventKind.Acknowledged, actor, now);
    }

    /// <summary>Sets or changes the reason code; the dispute goes to that code's department.</summary>
    public void Qualify(Actor actor, ReasonCode reasonCode, DateTimeOffset now)
    {
        RequireOpen(actor, DisputeAction.Qualified, DisputeRoles.Work);
        if (!reasonCode.IsActive)
        {
            throw new DomainException("Dispute.ReasonCodeInactive", reasonCode.Code);
        }

        var previous = ReasonCode;
        ReasonCode = reasonCode.Code;
        DepartmentId = reasonCode.DepartmentId;
        Category = reasonCode.Category;
        Sla = reasonCode.Sla with { };
        Record(actor, DisputeAction.Qualified, Status, $"{previous} → {reasonCode.Code}", isPublic: false, now);
    }

    /// <summary>Gives the dispute its single owner.</summary>
    public void AssignOwner(Actor actor, string ownerUserId, string ownerName, DateTimeOffset now)
    {
        RequireOpen(actor, DisputeAction.Assigned, DisputeRoles.Work);
        if (string.IsNullOrWhiteSpace(ownerUserId))
        {
            throw new DomainException("Dispute.OwnerRequired");
        }

        OwnerUserId = ownerUserId;
        OwnerName = ownerName;
        Record(actor, DisputeAction.Assigned, Status, ownerName, isPublic: false, now);
        Raise(DisputeEventKind.Assigned, actor, now, userId: ownerUserId);
    }

    public void ChangePriority(Actor actor, DisputePriority priority, DateTimeOffset now)
    {
        RequireOpen(actor, DisputeAction.PriorityChanged, DisputeRoles.Work);
        Priority = priority;
        Record(actor, DisputeAction.PriorityChanged, Status, priority.ToString(), isPublic: false, now);
    }

    /// <summary>Asks the customer a question: the dispute waits for the customer and its deadlines pause.</summary>
    public void RequestInformation(Actor actor, string question, DateTimeOffset now)
    {
        Require(actor, DisputeAction.InformationRequested, [DisputeStatus.InReview], DisputeRoles.Work);
        question = RequireText(question, MaxMessageLength, "Dispute.QuestionRequired");
        _messages.Add(new DisputeMessage(actor, question, now));
        FirstAnsweredAt ??= now;
        _pauses.Add(new SlaPauseRecord(now));
        Move(actor, DisputeAction.InformationRequested, DisputeStatus.AwaitingCustomer, question, isPublic: true, now);
        Raise(DisputeEventKind.QuestionAsked, actor, now, text: question);
    }

    /// <summary>The customer answers the question: the dispute is back in review and its deadlines run again.</summary>
    public void ReplyToRequest(Actor actor, string answer, DateTimeOffset now)
    {
        Require(actor, DisputeAction.CustomerReplied, [DisputeStatus.AwaitingCustomer], ActorRole.Customer);
        answer = RequireText(answer, MaxMessageLength, "Dispute.MessageRequired");
        _messages.Add(new DisputeMessage(actor, answer, now));
        foreach (var pause in _pauses.Where(p => p.End is null))
        {
            pause.Finish(now);
        }

        Move(actor, DisputeAction.CustomerReplied, DisputeStatus.InReview, answer, isPublic: true, now);
        Raise(DisputeEventKind.CustomerAnswered, actor, now, text: answer);
    }

    /// <summary>A message in the thread that does not change the state (customer or customer service).</summary>
    public void PostMessage(Actor actor, string body, DateTimeOffset now)
    {
        RequireOpen(actor, DisputeAction.MessagePosted, ActorRole.Customer, ActorRole.Agent, ActorRole.CreditManager);
        body = RequireText(body, MaxMessageLength, "Dispute.MessageRequired");
        _messages.Add(new DisputeMessage(actor, body, now));
        if (actor.IsStaff)
        {
            FirstAnsweredAt ??= now;
        }

        Record(actor, DisputeAction.MessagePosted, Status, body, isPublic: true, now);
        Raise(actor.IsStaff ? DisputeEventKind.StaffAnswered : DisputeEventKind.CustomerAnswered, actor, now, text: body);
    }

    /// <summary>
    /// A lifecycle status the customer set on its e-invoicing platform (PA) about an invoice of this
    /// dispute (contested again, approved, paid): recorded for everyone to see; the state does not move,
    /// the agent decides what follows.
    /// </summary>
    public void RecordPlatformStatus(Actor actor, string text, DateTimeOffset now)
    {
        RequireOpen(actor, DisputeAction.PlatformStatusReceived, ActorRole.System);
        text = RequireText(text, MaxMessageLength, "Dispute.MessageRequired");
        Record(actor, DisputeAction.PlatformStatusReceived, Status, text, isPublic: true, now);
    }

    /// <summary>A note for staff only; never shown to the customer.</summary>
    public void AddInternalNote(Actor actor, string note, DateTimeOffset now)
    {
        RequireStaff(actor);
        note = RequireText(note, MaxMessageLength, "Dispute.NoteRequired");
        Record(actor, DisputeAction.InternalNoteAdded, Status, note, isPublic: false, now);
    }

    /// <summary>
    /// Proposes a settlement. Within the proposer's delegation limit it goes to the customer at
    /// once; above it, it waits for a role whose limit covers it and the dispute stays in review.
    /// A write-off (staff only, under the threshold) needs no answer from the customer.
    /// </summary>
    public SettlementProposal ProposeSettlement(Actor actor, SettlementDraft draft, DelegationLimits limits, decimal writeOffThreshold, DateTimeOffset now)
    {
        Require(actor, DisputeAction.SettlementProposed, [DisputeStatus.InReview], DisputeRoles.Propose);
        if (ActiveProposal is not null)
        {
            throw new DomainException("Settlement.AlreadyActive");
        }

        var value = SettlementProposal.Validate(draft, Litiges.Deadlines.BusinessDate.Of(now), writeOffThreshold);
        CheckAgainstBalances(draft);
        var proposal = new SettlementProposal(draft, value, Currency, actor, now);
        _proposals.Add(proposal);
        if (!limits.Covers(actor.Role, value))
        {
            var roles = limits.RolesCovering(value);
            proposal.AwaitApproval(roles);
            Record(actor, DisputeAction.ApprovalRequested, Status, $"{proposal.Summary} ({string.Join(", ", roles)})", isPublic: false, now);
            Raise(DisputeEventKind.ApprovalRequested, actor, now, text: proposal.Summary, proposal: proposal);
            return proposal;
        }

        Offer(actor, proposal, now);
        return proposal;
    }

    /// <summary>
    /// What proposing <paramref name="draft"/> would do, without doing it: the same checks as
    /// <see cref="ProposeSettlement"/>, its value, and the roles that must approve it before the
    /// customer sees it (none: it goes to the customer at once).
    /// </summary>
    public SettlementPreview PreviewSettlement(Actor actor, SettlementDraft draft, DelegationLimits limits, decimal writeOffThreshold, DateTimeOffset now)
    {
        Require(actor, DisputeAction.SettlementProposed, [DisputeStatus.InReview], DisputeRoles.Propose);
        if (ActiveProposal is not null)
        {
            throw new DomainException("Settlement.AlreadyActive");
        }

        var value = SettlementProposal.Validate(draft, Litiges.Deadlines.BusinessDate.Of(now), writeOffThreshold);
        CheckAgainstBalances(draft);
        return new SettlementPreview(value, limits.Covers(actor.Role, value) ? [] : limits.RolesCovering(value));
    }

    /// <summary>A role whose limit covers the value lets a waiting proposal go to the customer.</summary>
    public void ApproveSettlement(Actor actor, int proposalId, DelegationLimits limits, DateTimeOffset now)
    {
        Require(actor, DisputeAction.SettlementApproved, [DisputeStatus.InReview], DisputeRoles.Decide);
        var proposal = WaitingProposal(proposalId);
        if (!limits.Covers(actor.Role, proposal.Value))
        {
            throw new DomainException("Settlement.AboveYourLimit", proposal.Value);
        }

        proposal.Approve(actor, now, GestureCode());
        Record(actor, DisputeAction.SettlementApproved, Status, proposal.Summary, isPublic: false, now);
        FirstAnsweredAt ??= now;
        Move(actor, DisputeAction.SettlementProposed, DisputeStatus.SettlementProposed, proposal.Summary, isPublic: true, now);
        Raise(DisputeEventKind.SettlementApproved, actor, now, text: proposal.Summary, proposal: proposal);
        Raise(DisputeEventKind.SettlementProposed, actor, now, text: proposal.Summary, proposal: proposal);
    }

    public void RefuseSettlement(Actor actor, int proposalId, string reason, DelegationLimits limits, DateTimeOffset now)
    {
        Require(actor, DisputeAction.SettlementRefused, [DisputeStatus.InReview], DisputeRoles.Decide);
        var proposal = WaitingProposal(proposalId);
        if (!limits.Covers(actor.Role, proposal.Value))
        {
            throw new DomainException("Settlement.AboveYourLimit", proposal.Value);
        }

        reason = RequireText(reason, MaxMessageLength, "Settlement.RefusalReasonRequired");
        proposal.Refuse(actor, reason, now);
        Record(actor, DisputeAction.SettlementRefused, Status, reason, isPublic: false, now);
        Raise(DisputeEventKind.SettlementRefused, actor, now, text: reason, proposal: proposal);
    }

    /// <summary>The customer accepts the proposal; accepting again has no further effect.</summary>
    public void AcceptSettlement(Actor actor, DateTimeOffset now, string? fromAddress = null, string? comment = null)
    {
        if (Status == DisputeStatus.Accepted && actor.Role == ActorRole.Customer && actor.CustomerAccountId == CustomerAccountId)
        {
            return;
        }

        Require(actor, DisputeAction.SettlementAccepted, [DisputeStatus.SettlementProposed], ActorRole.Customer);
        var proposal = ActiveProposal;
        proposal?.RecordAnswer(actor, accepted: true, comment, fromAddress, now);
        Move(actor, DisputeAction.SettlementAccepted, DisputeStatus.Accepted, comment?.Trim(), isPublic: true, now);
        Raise(DisputeEventKind.SettlementAccepted, actor, now, text: comment?.Trim(), proposal: proposal);
        if (proposal is { Kind: SettlementKind.CreditNote })
        {
            Raise(DisputeEventKind.CreditNoteAwaited, actor, now, text: proposal.Summary, proposal: proposal);
        }
    }

    /// <summary>
    /// Staff record that the customer accepted the proposal by phone, e-mail or letter: the same act
    /// as an acceptance on the portal, made by the staff member on the contact's behalf, and said so
    /// in the history and on the proposal (who answered, how, on which day, who recorded it).
    /// </summary>
    public void AcceptSettlement(Actor staff, ReceivedAnswer answer, string? comment, DateTimeOffset now) =>
        RecordReceivedAnswer(staff, answer, accepted: true, comment, now);

    public void DeclineSettlement(Actor actor, string? comment, DateTimeOffset now, string? fromAddress = null)
    {
        Require(actor, DisputeAction.SettlementDeclined, [DisputeStatus.SettlementProposed], ActorRole.Customer);
        var proposal = ActiveProposal;
        proposal?.RecordAnswer(actor, accepted: false, comment, fromAddress, now);
        Move(actor, DisputeAction.SettlementDeclined, DisputeStatus.InReview, comment?.Trim(), isPublic: true, now);
        Raise(DisputeEventKind.SettlementDeclined, actor, now, text: comment?.Trim(), proposal: proposal);
    }

    /// <summary>Staff record that the customer declined the proposal by phone, e-mail or letter (see the acceptance).</summary>
    public void DeclineSettlement(Actor staff, ReceivedAnswer answer, string? comment, DateTimeOffset now) =>
        RecordReceivedAnswer(staff, answer, accepted: false, comment, now);

    /// <summary>
    /// Records that the accepted settlement was carried out (the credit note issued, the schedule
    /// set up, the gesture granted, the residual written off) and resolves the dispute: the only
    /// way a dispute is resolved.
    /// </summary>
    /// <param name="creditNotes">The credit notes just issued for it, which the customer receives instead of a plain resolution notice.</param>
    public void CompleteSettlement(Actor actor, DateTimeOffset now, IReadOnlyList<CreditNotes.CreditNote>? creditNotes = null)
    {
        Require(actor, DisputeAction.Resolved, [DisputeStatus.Accepted], DisputeRoles.Complete);
        var proposal = ActiveProposal is { Status: ProposalStatus.Accepted } accepted ? accepted : throw new DomainException("Settlement.NothingAccepted");
        if (!DisputeRoles.MayCompleteSettlement(actor.Role, proposal.Kind))
        {
            throw new DomainException("Dispute.RoleNotAllowed", actor.Role, DisputeAction.Resolved);
        }

        proposal.MarkExecuted(actor, now);
        RecordSlaOutcome(now);
        End(now);
        LiftBlocks(now);
        Move(actor, DisputeAction.Resolved, DisputeStatus.Resolved, proposal.Summary, isPublic: true, now);
        if (creditNotes is { Count: > 0 })
        {
            // The customer gets the credit notes themselves instead of a plain resolution notice.
            _events.Add(new DisputeEvent(DisputeEventKind.CreditNotesIssued, actor, now) { Text = proposal.Summary, CreditNotes = creditNotes });
        }
        else
        {
            Raise(DisputeEventKind.Resolved, actor, now, text: proposal.Summary);
        }
    }

    /// <summary>The dispute is unfounded: the reason is required and told to the customer.</summary>
    public void Reject(Actor actor, string reason, DateTimeOffset now)
    {
        Require(actor, DisputeAction.Rejected, [DisputeStatus.InReview], DisputeRoles.Work);
        RejectionReason = RequireText(reason, MaxMessageLength, "Dispute.RejectionReasonRequired");
        FirstAnsweredAt ??= now;
        RecordSlaOutcome(now);
        End(now);
        LiftBlocks(now);
        Move(actor, DisputeAction.Rejected, DisputeStatus.Rejected, RejectionReason, isPublic: true, now);
        Raise(DisputeEventKind.Rejected, actor, now, text: RejectionReason);
    }

    /// <summary>Closes a resolved or rejected dispute, recording the root cause for the dashboard.</summary>
    public void Close(Actor actor, RootCause rootCause, DateTimeOffset now)
    {
        Require(actor, DisputeAction.Closed, [DisputeStatus.Resolved, DisputeStatus.Rejected], DisputeRoles.Work);
        if (!rootCause.IsActive)
        {
            throw new DomainException("Dispute.RootCauseInactive", rootCause.Code);
        }

        RootCauseId = rootCause.Id;
        ClosedAt = now;
        Move(actor, DisputeAction.Closed, DisputeStatus.Closed, rootCause.Code, isPublic: true, now);
    }

    /// <summary>The customer gives up the dispute; the invoices go back to ordinary dunning.</summary>
    public void Withdraw(Actor actor, string? comment, DateTimeOffset now)
    {
        Require(actor, DisputeAction.Withdrawn, [.. DisputeStatuses.Open], ActorRole.Customer);
        End(now);
        FinishPauses(now);
        LiftBlocks(now);
        Move(actor, DisputeAction.Withdrawn, DisputeStatus.Withdrawn, comment?.Trim(), isPublic: true, now);
        Raise(DisputeEventKind.Withdrawn, actor, now, text: comment?.Trim());
    }

    /// <summary>Until when an ended dispute may be reopened: <paramref name="window"/> after its end; null when it cannot be (open, or withdrawn).</summary>
    public DateTimeOffset? ReopenableUntil(TimeSpan window) =>
        Status.IsReopenable() ? (EndedAt ?? ClosedAt ?? LastActivityAt) + window : null;

    /// <summary>
    /// Reopens a dispute that ended less than <paramref name="window"/> ago: it goes back to review
    /// and what is still open on its invoices is blocked again.
    /// </summary>
    public void Reopen(Actor actor, string reason, TimeSpan window, DateTimeOffset now)
    {
        Require(actor, DisputeAction.Reopened, [.. DisputeStatuses.Reopenable], ActorRole.Agent, ActorRole.CreditManager, ActorRole.Customer);
        reason = RequireText(reason, MaxMessageLength, "Dispute.ReopenReasonRequired");
        if (now > ReopenableUntil(window))
        {
            throw new DomainException("Dispute.ReopenWindowPassed", (int)window.TotalDays);
        }

        EndedAt = null;
        RecordResolutionDays();
        ClosedAt = null;
        EndedWithinSla = null;
        RejectionReason = null;
        RootCauseId = null;
        ReopenCount++;
        PlaceBlocks(now, capToBalance: true);
        Move(actor, DisputeAction.Reopened, DisputeStatus.InReview, reason, isPublic: true, now);
        Raise(DisputeEventKind.Reopened, actor, now, text: reason);
    }

    /// <summary>
    /// Attaches a file already streamed to storage. Customers add evidence while the dispute is
    /// open and always share it; staff may keep theirs internal. The dispute's total size is capped.
    /// </summary>
    /// <summary>
    /// Adds a stored file to the dispute, within its total size and, when given, its number of
    /// files (<paramref name="maxFiles"/>; <c>Evidence:MaxFilesPerDispute</c> from the pages).
    /// </summary>
    public Evidence AttachEvidence(Actor actor, StoredFile file, EvidenceVisibility visibility, long maxTotalBytes, DateTimeOffset now, int maxFiles = int.MaxValue)
    {
        RequireRole(actor, DisputeAction.EvidenceAdded, [ActorRole.Customer, .. DisputeRoles.AddEvidence]);
        var allowed = actor.Role == ActorRole.Customer ? IsOpen : Status is not DisputeStatus.Closed and not DisputeStatus.Withdrawn;
        if (!allowed)
        {
            throw new DomainException("Dispute.IllegalTransition", DisputeAction.EvidenceAdded, Status);
        }

        if (EvidenceBytes + file.Length > maxTotalBytes)
        {
            throw new DomainException("Evidence.DisputeTotalExceeded", file.FileName, maxTotalBytes / (1024 * 1024));
        }

        if (EvidenceCount >= maxFiles)
        {
            throw new DomainException("Evidence.TooManyFiles", file.FileName, maxFiles);
        }

        var evidence = new Evidence(file, actor, actor.Role == ActorRole.Customer ? EvidenceVisibility.Shared : visibility, now);
        _evidence.Add(evidence);
        EvidenceBytes += file.Length;
        EvidenceCount++;
        Record(actor, DisputeAction.EvidenceAdded, Status, file.FileName, evidence.Visibility == EvidenceVisibility.Shared, now, evidenceSha256: evidence.Sha256);
        return evidence;
    }

    /// <summary>Makes an internal piece of evidence visible to the customer.</summary>
    public void ShareEvidence(Actor actor, int evidenceId, DateTimeOffset now)
    {
        RequireRole(actor, DisputeAction.EvidenceShared, DisputeRoles.Work);
        var evidence = _evidence.SingleOrDefault(e => e.Id == evidenceId) ?? throw new DomainException("Evidence.NotFound");
        if (evidence.Visibility == EvidenceVisibility.Shared)
        {
            throw new DomainException("Evidence.AlreadyShared", evidence.FileName);
        }

        evidence.Share();
        Record(actor, DisputeAction.EvidenceShared, Status, evidence.FileName, isPublic: true, now);
    }

    /// <summary>Opens an internal task for a department or a person, with its due date and the cash at stake.</summary>
    public DisputeTask OpenTask(Actor actor, string title, int? departmentId, string? assigneeUserId, string? assigneeName, DateOnly dueOn, decimal cashAtStake, DateTimeOffset now)
    {
        RequireOpen(actor, DisputeAction.TaskOpened, DisputeRoles.Work);
        title = RequireText(title, DisputeTask.MaxTitleLength, "Task.TitleRequired");
        if (departmentId is null && string.IsNullOrEmpty(assigneeUserId))
        {
            throw new DomainException("Task.NobodyToDoIt");
        }

        if (cashAtStake < 0 || Money.RoundToCent(cashAtStake) != cashAtStake)
        {
            throw new DomainException("Task.CashAtStakeInvalid", cashAtStake);
        }

        if (dueOn < Litiges.Deadlines.BusinessDate.Of(now))
        {
            throw new DomainException("Task.DueInThePast");
        }

        var task = new DisputeTask(title, departmentId, assigneeUserId, assigneeName, dueOn, cashAtStake, actor, now);
        _tasks.Add(task);
        Record(actor, DisputeAction.TaskOpened, Status, title, isPublic: false, now);
        Raise(DisputeEventKind.TaskOpened, actor, now, text: title, task: task);
        return task;
    }

    /// <summary>Marks a task done: by the people it is for, or by customer service.</summary>
    public void CompleteTask(Actor actor, int taskId, string? outcome, DateTimeOffset now)
    {
        var task = OpenTaskFor(actor, taskId, DisputeAction.TaskCompleted);
        task.Complete(actor, outcome?.Trim(), now);
        Record(actor, DisputeAction.TaskCompleted, Status, string.IsNullOrWhiteSpace(outcome) ? task.Title : $"{task.Title} — {outcome.Trim()}", isPublic: false, now);
    }

    /// <summary>
    /// The answer of someone a task is for (a colleague replying to the task's e-mail): an internal
    /// note on the dispute naming the task, never shown to the customer; whoever works the dispute
    /// is told. The task stays open: doing it is <see cref="CompleteTask"/>. An answer may be
    /// files alone (<paramref name="answer"/> empty), attached in the same act.
    /// </summary>
    public void AnswerTask(Actor actor, int taskId, string? answer, DateTimeOffset now)
    {
        RequireStaff(actor);
        var task = OpenTaskFor(actor, taskId, DisputeAction.TaskAnswered);
        answer = string.IsNullOrWhiteSpace(answer) ? null : answer.Trim();
        if (answer?.Length > MaxMessageLength)
        {
            throw new DomainException("Dispute.TextTooLong", MaxMessageLength);
        }

        Record(actor, DisputeAction.TaskAnswered, Status, answer is null ? task.Title : $"{task.Title} — {answer}", isPublic: false, now);
        Raise(DisputeEventKind.TaskAnswered, actor, now, text: answer, task: task);
    }

    /// <summary>
    /// The customer sent files without a word (an e-mail reply carrying only attachments): the
    /// files, attached in the same act, are in the history one by one; this tells whoever works
    /// the dispute, as a message would.
    /// </summary>
    public void ReceiveFiles(Actor actor, IReadOnlyCollection<string> fileNames, DateTimeOffset now)
    {
        RequireOpen(actor, DisputeAction.EvidenceAdded, ActorRole.Customer);
        if (fileNames.Count == 0)
        {
            throw new DomainException("Dispute.MessageRequired");
        }

        Raise(DisputeEventKind.FilesReceived, actor, now, text: string.Join(", ", fileNames));
    }

    public void CancelTask(Actor actor, int taskId, DateTimeOffset now)
    {
        RequireRole(actor, DisputeAction.TaskCancelled, DisputeRoles.Work);
        var task = OpenTaskFor(actor, taskId, DisputeAction.TaskCancelled);
        task.Cancel(actor, now);
        Record(actor, DisputeAction.TaskCancelled, Status, task.Title, isPublic: false, now);
    }

    /// <summary>
    /// Checks the running deadlines and returns those that just reached 75 % or were just
    /// breached; each is returned once in the dispute's life, so a job may call this as often as it likes.
    /// </summary>
    public IReadOnlyList<DeadlineStatus> RaiseDeadlineAlerts(DateTimeOffset now)
    {
        RefreshDeadlineSummary(now);
        if (!IsOpen)
        {
            return [];
        }

        var raised = new List<DeadlineStatus>();
        foreach (var deadline in Deadlines(now).Where(d => !d.IsCompleted && d.State is DeadlineState.DueSoon or DeadlineState.Breached))
        {
            if (_deadlineAlerts.Any(a => a.Kind == deadline.Kind && a.Level == deadline.State))
            {
                continue;
            }

            _deadlineAlerts.Add(new DeadlineAlert(deadline.Kind, deadline.State, now));
            raised.Add(deadline);
        }

        return raised;
    }

    /// <summary>The deadlines of this dispute as they stand at <paramref name="now"/>.</summary>
    public IReadOnlyList<DeadlineStatus> Deadlines(DateTimeOffset now) =>
        SlaClock.Evaluate(
            Sla,
            SubmittedAt,
            _pauses.Select(p => new SlaPause(p.Start, p.End)).ToList(),
            AcknowledgedAt,
            FirstAnsweredAt,
            EndedAt,
            now);

    /// <summary>Checks the hash chain of the loaded history; returns the first broken sequence number, or null.</summary>
    public int? FirstBrokenHistoryEntry()
    {
        var previous = string.Empty;
        var expected = 1;
        foreach (var entry in _history.OrderBy(h => h.Sequence))
        {
            if (entry.Sequence != expected || entry.PreviousHash != previous || !entry.IsIntact())
            {
                return expected;
            }

            previous = entry.Hash;
            expected++;
        }

        if (expected - 1 < HistoryCount)
        {
            return expected; // an entry is missing
        }

        // Every loaded entry chains, but the chain does not end where the dispute says: the last was rewritten.
        return previous == LastHistoryHash ? null : expected - 1;
    }

    /// <summary>The pending acts have become notices (or, for demo data written in the past, are dropped).</summary>
    internal void ClearEvents() => _events.Clear();

    private static void ValidateClaim(DisputeClaim claim, int customerAccountId, string currency)
    {
        var invoice = claim.Invoice;
        if (invoice.CustomerAccountId != customerAccountId)
        {
            throw new DomainException("Dispute.InvoiceOfAnotherCompany", invoice.Number);
        }

        if (invoice.Currency != currency)
        {
            throw new DomainException("Dispute.MixedCurrencies");
        }

        if (claim.Amount <= 0)
        {
            throw new DomainException("Dispute.AmountNotPositive", invoice.Number);
        }

        if (Money.RoundToCent(claim.Amount) != claim.Amount)
        {
            throw new DomainException("Dispute.AmountNotInCents", claim.Amount);
        }

        if (claim.Line is { } line)
        {
            if (!invoice.Lines.Contains(line))
            {
                throw new DomainException("Dispute.LineNotOnInvoice", invoice.Number);
            }

            if (claim.Amount > line.GrossAmount)
            {
                throw new DomainException("Dispute.AmountExceedsLine", invoice.Number, line.LineNumber, line.GrossAmount);
            }

            if (claim.Quantity is { } quantity && (quantity <= 0 || quantity > line.Quantity))
            {
                throw new DomainException("Dispute.QuantityExceedsLine", invoice.Number, line.LineNumber, line.Quantity);
            }
        }
    }

    private static string RequireText(string? text, int maxLength, string code)
    {
        var trimmed = text?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            throw new DomainException(code);
        }

        return trimmed.Length <= maxLength ? trimmed : throw new DomainException("Dispute.TextTooLong", maxLength);
    }

    private static void RequireStaff(Actor actor)
    {
        if (!actor.IsStaff)
        {
            throw new DomainException("Dispute.RoleNotAllowed", actor.Role, "Staff");
        }
    }

    private void Require(Actor actor, DisputeAction action, DisputeStatus[] from, params ActorRole[] roles)
    {
        RequireRole(actor, action, roles);
        if (!from.Contains(Status))
        {
            throw new DomainException("Dispute.IllegalTransition", action, Status);
        }
    }

    private void RequireOpen(Actor actor, DisputeAction action, params ActorRole[] roles)
    {
        RequireRole(actor, action, roles);
        if (!IsOpen)
        {
            throw new DomainException("Dispute.IllegalTransition", action, Status);
        }
    }

    private void RequireRole(Actor actor, DisputeAction action, ActorRole[] roles)
    {
        if (!roles.Contains(actor.Role))
        {
            throw new DomainException("Dispute.RoleNotAllowed", actor.Role, action);
        }

        if (actor.Role == ActorRole.Customer && actor.CustomerAccountId != CustomerAccountId)
        {
            throw new DomainException("Dispute.NotYourCompany");
        }
    }

    private void Raise(DisputeEventKind kind, Actor actor, DateTimeOffset now, string? text = null, SettlementProposal? proposal = null, DisputeTask? task = null, string? userId = null) =>
        _events.Add(new DisputeEvent(kind, actor, now) { Text = text, Proposal = proposal, Task = task, UserId = userId });

    private void Move(Actor actor, DisputeAction action, DisputeStatus to, string? text, bool isPublic, DateTimeOffset now)
    {
        var from = Status;
        Status = to;
        Record(actor, action, from, text, isPublic, now, to);
    }

    private void Record(Actor actor, DisputeAction action, DisputeStatus from, string? text, bool isPublic, DateTimeOffset now, DisputeStatus? to = null, string? evidenceSha256 = null)
    {
        var entry = new DisputeHistoryEntry(HistoryCount + 1, now, actor, action, from, to ?? Status, text, isPublic, LastHistoryHash, evidenceSha256);
        _history.Add(entry);
        HistoryCount = entry.Sequence;
        LastHistoryHash = entry.Hash;
        LastActivityAt = now;
        RefreshDeadlineSummary(now);
    }

    private DisputeTask OpenTaskFor(Actor actor, int taskId, DisputeAction action)
    {
        var task = _tasks.SingleOrDefault(t => t.Id == taskId) ?? throw new DomainException("Task.NotFound");
        var allowed = DisputeRoles.MayCompleteTask(actor, task);
        if (!allowed)
        {
            throw new DomainException("Dispute.RoleNotAllowed", actor.Role, action);
        }

        return task.Status == DisputeTaskStatus.Open ? task : throw new DomainException("Task.NotOpen", task.Title);
    }

    private void RecordReceivedAnswer(Actor staff, ReceivedAnswer answer, bool accepted, string? comment, DateTimeOffset now)
    {
        var action = accepted ? DisputeAction.SettlementAccepted : DisputeAction.SettlementDeclined;
        Require(staff, action, [DisputeStatus.SettlementProposed], DisputeRoles.Work);
        var proposal = ActiveProposal is { Status: ProposalStatus.Proposed } proposed ? proposed : throw new DomainException("Settlement.NothingProposed");
        answer = answer.Checked(Litiges.Deadlines.BusinessDate.Of(now), Litiges.Deadlines.BusinessDate.Of(proposal.ProposedAt));
        comment = string.IsNullOrWhiteSpace(comment) ? null : comment.Trim();
        if (comment?.Length > MaxMessageLength)
        {
            throw new DomainException("Dispute.TextTooLong", MaxMessageLength);
        }

        proposal.RecordReceivedAnswer(staff, answer, accepted, comment, now);
        Move(staff, action, accepted ? DisputeStatus.Accepted : DisputeStatus.InReview, answer.HistoryText(staff, comment), isPublic: true, now);
        Raise(accepted ? DisputeEventKind.SettlementAccepted : DisputeEventKind.SettlementDeclined, staff, now, text: comment, proposal: proposal);
        if (accepted && proposal.Kind == SettlementKind.CreditNote)
        {
            Raise(DisputeEventKind.CreditNoteAwaited, staff, now, text: proposal.Summary, proposal: proposal);
        }
    }

    private void Offer(Actor actor, SettlementProposal proposal, DateTimeOffset now)
    {
        proposal.Offer(GestureCode());
        FirstAnsweredAt ??= now;
        if (proposal.Kind == SettlementKind.WriteOff)
        {
            // Staff decide a write-off alone: it is accepted as soon as it is made.
            proposal.RecordAnswer(actor, accepted: true, null, null, now);
            Move(actor, DisputeAction.SettlementProposed, DisputeStatus.Accepted, proposal.Summary, isPublic: true, now);
            return;
        }

        Move(actor, DisputeAction.SettlementProposed, DisputeStatus.SettlementProposed, proposal.Summary, isPublic: true, now);
        Raise(DisputeEventKind.SettlementProposed, actor, now, text: proposal.Summary, proposal: proposal);
    }

    private string GestureCode() => FormattableString.Invariant($"GC-{Reference.Replace("LIT-", string.Empty, StringComparison.Ordinal)}-{_proposals.Count}");

    private SettlementProposal WaitingProposal(int proposalId)
    {
        var proposal = _proposals.SingleOrDefault(p => p.Id == proposalId) ?? throw new DomainException("Settlement.NotFound");
        return proposal.Status == ProposalStatus.AwaitingApproval ? proposal : throw new DomainException("Settlement.NotAwaitingApproval");
    }

    // A credit or a schedule never exceeds what the covered invoices still owe.
    private void CheckAgainstBalances(SettlementDraft draft)
    {
        var invoices = AmountsPerInvoice().Select(p => p.Invoice).ToList();
        foreach (var group in draft.Credits.GroupBy(c => c.InvoiceId))
        {
            var invoice = invoices.SingleOrDefault(i => i.Id == group.Key) ?? throw new DomainException("Settlement.InvoiceNotInDispute");
            var gross = group.Sum(c => c.GrossAmount);
            if (gross > invoice.OpenBalance)
            {
                throw new DomainException("Invoice.CreditExceedsBalance", invoice.Number, gross, invoice.OpenBalance);
            }

            if (group.Any(c => c.InvoiceLineId is { } lineId && invoice.Lines.All(l => l.Id != lineId)))
            {
                throw new DomainException("Dispute.LineNotOnInvoice", invoice.Number);
            }
        }

        var open = invoices.Sum(i => i.OpenBalance);
        if (draft.ScheduleTotal is { } total && total > open)
        {
            throw new DomainException("Settlement.ScheduleAboveBalance", total, open);
        }

        if (draft.WriteOffAmount is { } writeOff && writeOff > open)
        {
            throw new DomainException("Settlement.ScheduleAboveBalance", writeOff, open);
        }
    }

    private void End(DateTimeOffset now)
    {
        EndedAt = now;
        RecordResolutionDays();
    }

    /// <summary>Keeps the days from submission to the end (none while the dispute is open) for the dashboard.</summary>
    internal void RecordResolutionDays() => ResolutionDays = EndedAt is { } ended ? (ended - SubmittedAt).TotalDays : null;

    private void RecordSlaOutcome(DateTimeOffset now)
    {
        var resolve = Deadlines(now).Single(d => d.Kind == DeadlineKind.Resolve);
        EndedWithinSla = now <= resolve.Due;
    }

    private void RefreshDeadlineSummary(DateTimeOffset now)
    {
        if (!IsOpen)
        {
            NextDeadlineAt = null;
            WorstDeadlineState = null;
            return;
        }

        var running = Deadlines(now).Where(d => !d.IsCompleted).ToList();
        NextDeadlineAt = SlaClock.Next(running)?.Due.ToUniversalTime();
        WorstDeadlineState = running.Count == 0 ? null : SlaClock.Worst(running);
    }

    private void FinishPauses(DateTimeOffset now)
    {
        foreach (var pause in _pauses.Where(p => p.End is null))
        {
            pause.Finish(now);
        }
    }

    private IEnumerable<(Invoice Invoice, decimal Amount)> AmountsPerInvoice()
    {
        if (_items.Count == 0 || _items.Any(i => i.Invoice is null))
        {
            throw new InvalidOperationException("Load the dispute's items with their invoices and dunning blocks first.");
        }

        return _items.GroupBy(i => i.Invoice!).Select(g => (g.Key, g.Sum(i => i.Amount)));
    }

    // Reopened, a dispute blocks again what it claimed on each invoice less what its carried-out
    // credit notes already took off it, within what is still dunnable: the rest of the invoice was
    // never disputed.
    private void PlaceBlocks(DateTimeOffset now, bool capToBalance)
    {
        foreach (var (invoice, amount) in AmountsPerInvoice())
        {
            var blocked = capToBalance ? Math.Min(Math.Max(0m, amount - CreditedOn(invoice)), invoice.DunnableBalance) : amount;
            if (blocked > 0)
            {
                invoice.PlaceDunningBlock(this, blocked, now);
            }
        }
    }

    private decimal CreditedOn(Invoice invoice) =>
        _proposals
            .Where(p => p.Kind == SettlementKind.CreditNote && p.ExecutedAt is not null)
            .SelectMany(p => p.Credits)
            .Where(c => c.InvoiceId == invoice.Id)
            .Sum(c => c.GrossAmount);

    private void LiftBlocks(DateTimeOffset now)
    {
        foreach (var (invoice, _) in AmountsPerInvoice())
        {
            invoice.LiftDunningBlock(this, now);
        }
    }
}

/// <summary>Who to call about the dispute at the customer's.</summary>
public sealed record DisputeContact(string? Name, string? Email, string? Phone);
