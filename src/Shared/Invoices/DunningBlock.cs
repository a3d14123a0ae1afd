namespace Litiges.Invoices;

/// <summary>
/// The part of an invoice held out of dunning because a dispute covers it. One block per dispute
/// and invoice; lifted when the dispute ends, placed again if it is reopened.
/// </summary>
public sealed class DunningBlock
{
    private DunningBlock()
    {
    }

    internal DunningBlock(int invoiceId, Disputes.Dispute dispute, decimal amount, DateTimeOffset placedAt)
    {
        InvoiceId = invoiceId;
        Dispute = dispute;
        Amount = amount;
        PlacedAt = placedAt;
    }

    public int Id { get; private set; }

    public int InvoiceId { get; private set; }

    public int DisputeId { get; private set; }

    public Disputes.Dispute? Dispute { get; private set; }

    public decimal Amount { get; private set; }

    public DateTimeOffset PlacedAt { get; private set; }

    public DateTimeOffset? LiftedAt { get; private set; }

    public bool IsActive => LiftedAt is null;

    internal void Lift(DateTimeOffset at) => LiftedAt = at;

    internal bool BelongsTo(Disputes.Dispute dispute) =>
        ReferenceEquals(Dispute, dispute) || (dispute.Id != 0 && DisputeId == dispute.Id);
}
