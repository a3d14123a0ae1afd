using Litiges.Deadlines;
using Litiges.Disputes;

namespace Litiges.Kpis;

/// <summary>Which date of a dispute a period applies to.</summary>
public enum DisputeDate
{
    /// <summary>When the dispute was submitted.</summary>
    Submitted,

    /// <summary>When it was resolved, rejected or withdrawn (the last time, if it was reopened).</summary>
    Ended,

    /// <summary>When one of the invoices it covers was issued.</summary>
    Invoiced,

    /// <summary>When one of its deadlines was breached.</summary>
    Breached,
}

/// <summary>
/// The criteria behind a dashboard figure, written once: the dashboard counts with them and the
/// queue filters with them, so that a click on a figure lists exactly the disputes it counts.
/// </summary>
public sealed record DisputeSelection
{
    /// <summary>Disputes the credit manager regards as decided: resolved or rejected, closed or not.</summary>
    public static readonly IReadOnlyList<DisputeStatus> Decided = [DisputeStatus.Resolved, DisputeStatus.Rejected, DisputeStatus.Closed];

    public static readonly IReadOnlyList<DisputeStatus> Any = Enum.GetValues<DisputeStatus>();

    /// <summary>The statuses admitted; null for any.</summary>
    public IReadOnlyList<DisputeStatus>? Statuses { get; init; }

    public string? ReasonCode { get; init; }

    public int? DepartmentId { get; init; }

    /// <summary>An owner's user id, or <see cref="KpiFilter.Unassigned"/>.</summary>
    public string? OwnerUserId { get; init; }

    public int? CustomerAccountId { get; init; }

    /// <summary>The date that <see cref="From"/> and <see cref="To"/> apply to.</summary>
    public DisputeDate? Dated { get; init; }

    /// <summary>First day included (Paris time), or none.</summary>
    public DateOnly? From { get; init; }

    /// <summary>Last day included (Paris time), or none.</summary>
    public DateOnly? To { get; init; }

    public int? RootCauseId { get; init; }

    /// <summary>Decided within the resolution deadline (true) or after it (false).</summary>
    public bool? WithinSla { get; init; }

    /// <summary>A deadline of this step was breached (in the period, when dated by breach).</summary>
    public DeadlineKind? Breach { get; init; }

    /// <summary>Part of an invoice is still held out of dunning for the dispute.</summary>
    public bool? Blocked { get; init; }

    /// <summary>The dashboard's filters, with nothing else.</summary>
    public static DisputeSelection Of(KpiFilter filter) => new()
    {
        ReasonCode = filter.ReasonCode,
        DepartmentId = filter.DepartmentId,
        OwnerUserId = filter.OwnerUserId,
        CustomerAccountId = filter.CustomerAccountId,
    };

    public IQueryable<Dispute> Apply(IQueryable<Dispute> disputes)
    {
        if (Statuses is { } statuses && statuses.Count < Any.Count)
        {
            var list = statuses.ToList();
            disputes = disputes.Where(d => list.Contains(d.Status));
        }

        if (!string.IsNullOrEmpty(ReasonCode))
        {
            disputes = disputes.Where(d => d.ReasonCode == ReasonCode);
        }

        if (DepartmentId is { } department)
        {
            disputes = disputes.Where(d => d.DepartmentId == department);
        }

        if (OwnerUserId == KpiFilter.Unassigned)
        {
            disputes = disputes.Where(d => d.OwnerUserId == null);
        }
        else if (!string.IsNullOrEmpty(OwnerUserId))
        {
            disputes = disputes.Where(d => d.OwnerUserId == OwnerUserId);
        }

        if (CustomerAccountId is { } customer)
        {
            disputes = disputes.Where(d => d.CustomerAccountId == customer);
        }

        if (RootCauseId is { } rootCause)
        {
            disputes = disputes.Where(d => d.RootCauseId == rootCause);
        }

        if (WithinSla is { } within)
        {
            disputes = disputes.Where(d => d.EndedWithinSla == within);
        }

        if (Blocked is { } blocked)
        {
            disputes = disputes.Where(d => d.Items.Any(i => i.Invoice!.DunningBlocks.Any(b => b.DisputeId == d.Id && b.LiftedAt == null)) == blocked);
        }

        return ApplyDates(disputes);
    }

    private IQueryable<Dispute> ApplyDates(IQueryable<Dispute> disputes)
    {
        DateTimeOffset? start = From is { } from ? KpiDays.StartOf(from) : null;
        DateTimeOffset? end = To is { } to ? KpiDays.StartOf(to.AddDays(1)) : null;
        var breach = Breach;
        switch (Dated)
        {
            case DisputeDate.Submitted:
                return disputes.Where(d => (start == null || d.SubmittedAt >= start) && (end == null || d.SubmittedAt < end));
            case DisputeDate.Ended:
                return disputes.Where(d => d.EndedAt != null && (start == null || d.EndedAt >= start) && (end == null || d.EndedAt < end));
            case DisputeDate.Invoiced:
                return disputes.Where(d => d.Items.Any(i => (From == null || i.Invoice!.IssueDate >= From) && (To == null || i.Invoice!.IssueDate <= To)));
            case DisputeDate.Breached:
                return disputes.Where(d => d.DeadlineAlerts.Any(a =>
                    a.Level == DeadlineState.Breached
                    && (breach == null || a.Kind == breach)
                    && (start == null || a.At >= start)
                    && (end == null || a.At < end)));
            default:
                return breach is null ? disputes : disputes.Where(d => d.DeadlineAlerts.Any(a => a.Level == DeadlineState.Breached && a.Kind == breach));
        }
    }
}
