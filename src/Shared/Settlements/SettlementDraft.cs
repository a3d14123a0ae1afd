namespace Litiges.Settlements;

/// <summary>What staff fill in to propose a settlement; the domain checks it before anything is offered.</summary>
public sealed record SettlementDraft(SettlementKind Kind, string Summary)
{
    public IReadOnlyList<ProposedCredit> Credits { get; init; } = [];

    public decimal? GestureAmount { get; init; }

    public decimal? GesturePercent { get; init; }

    public DateOnly? GestureValidUntil { get; init; }

    /// <summary>The balance the schedule spreads; the instalments must sum to it exactly.</summary>
    public decimal? ScheduleTotal { get; init; }

    public IReadOnlyList<(DateOnly DueOn, decimal Amount)> Instalments { get; init; } = [];

    public decimal? WriteOffAmount { get; init; }
}

/// <summary>What a draft would become if proposed now: its value (incl. VAT) and who must approve it first (none: it goes to the customer).</summary>
public sealed record SettlementPreview(decimal Value, IReadOnlyList<Disputes.ActorRole> ApprovalRoles)
{
    public bool NeedsApproval => ApprovalRoles.Count > 0;
}
