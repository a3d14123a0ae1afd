using Litiges.CreditNotes;
using Litiges.Settlements;

namespace Litiges.Disputes;

/// <summary>What happened to a dispute that someone must hear of (see docs/notifications.md).</summary>
public enum DisputeEventKind
{
    Filed,
    Acknowledged,
    Assigned,
    QuestionAsked,
    CustomerAnswered,
    StaffAnswered,
    SettlementProposed,
    ApprovalRequested,
    SettlementApproved,
    SettlementRefused,
    SettlementAccepted,
    SettlementDeclined,
    CreditNoteAwaited,
    Resolved,
    CreditNotesIssued,
    Rejected,
    Withdrawn,
    Reopened,
    TaskOpened,

    /// <summary>The person a task is for answered it; staff only.</summary>
    TaskAnswered,

    /// <summary>The customer sent files without a word (an e-mail reply carrying only attachments).</summary>
    FilesReceived,
}

/// <summary>
/// One act on a dispute, held by the aggregate in memory (never mapped) until the save that
/// stores the act turns it into notices (<see cref="Notifications.DisputeNotices"/>): whoever
/// performed the act, from whichever app, job or API, the same people hear of it.
/// </summary>
public sealed record DisputeEvent(DisputeEventKind Kind, Actor Actor, DateTimeOffset At)
{
    /// <summary>The words of the act: the question, the answer, the reason, the proposal's summary.</summary>
    public string? Text { get; init; }

    public SettlementProposal? Proposal { get; init; }

    public DisputeTask? Task { get; init; }

    /// <summary>The staff member the dispute was given to (<see cref="DisputeEventKind.Assigned"/>).</summary>
    public string? UserId { get; init; }

    public IReadOnlyList<CreditNote> CreditNotes { get; init; } = [];
}
