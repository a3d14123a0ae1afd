using Litiges.Data;
using Litiges.Disputes;
using Microsoft.EntityFrameworkCore;

namespace Litiges.Integration;

/// <summary>A dispute as the ERP reads it (<c>GET /api/v1/disputes/{reference}</c>) and as the <see cref="WebhookEvent.DisputeOpened"/> event carries it.</summary>
public sealed record DisputeView(
    string Reference,
    DisputeStatus Status,
    DisputeSource Source,
    string CustomerNumber,
    string ReasonCode,
    string Currency,
    decimal DisputedAmount,
    DateTimeOffset SubmittedAt,
    DateTimeOffset? AcknowledgedAt,
    DateTimeOffset? EndedAt,
    DateTimeOffset? ClosedAt,
    IReadOnlyList<DisputedItemView> Items,
    IReadOnlyList<DunningBlockView> DunningBlocks,
    IReadOnlyList<HistoryEntryView> History)
{
    public static async Task<DisputeView?> LoadAsync(LitigesDbContext db, string reference, CancellationToken cancellationToken)
    {
        var dispute = await db.Disputes.AsNoTracking()
            .Where(d => d.Reference == reference)
            .Select(d => new
            {
                d.Id,
                d.Reference,
                d.Status,
                d.Source,
                CustomerNumber = db.CustomerAccounts.Where(c => c.Id == d.CustomerAccountId).Select(c => c.CustomerNumber).Single(),
                d.ReasonCode,
                d.Currency,
                d.DisputedAmount,
                d.SubmittedAt,
                d.AcknowledgedAt,
                d.EndedAt,
                d.ClosedAt,
            })
            .SingleOrDefaultAsync(cancellationToken);
        if (dispute is null)
        {
            return null;
        }

        var items = await db.DisputedItems.AsNoTracking()
            .Where(i => i.DisputeId == dispute.Id)
            .OrderBy(i => i.Id)
            .Select(i => new DisputedItemView(i.Invoice!.Number, (int?)i.InvoiceLine!.LineNumber, i.Amount))
            .ToListAsync(cancellationToken);
        var blocks = await DunningBlockView.Query(db)
            .Where(b => b.DisputeReference == reference)
            .ToListAsync(cancellationToken);
        var history = await db.DisputeHistory.AsNoTracking()
            .Where(h => h.DisputeId == dispute.Id && h.IsPublic)
            .OrderBy(h => h.Sequence)
            .Select(h => new HistoryEntryView(h.Sequence, h.At, h.Action, h.FromStatus, h.ToStatus, h.ActorRole, h.Text))
            .ToListAsync(cancellationToken);
        return new DisputeView(
            dispute.Reference,
            dispute.Status,
            dispute.Source,
            dispute.CustomerNumber,
            dispute.ReasonCode,
            dispute.Currency,
            dispute.DisputedAmount,
            dispute.SubmittedAt,
            dispute.AcknowledgedAt,
            dispute.EndedAt,
            dispute.ClosedAt,
            items,
            blocks.OrderBy(b => b.Id).ToList(),
            history);
    }
}

public sealed record DisputedItemView(string InvoiceNumber, int? LineNumber, decimal Amount);

/// <summary>A public entry of the dispute's history (internal notes and assignments are not shown).</summary>
public sealed record HistoryEntryView(int Sequence, DateTimeOffset At, DisputeAction Action, DisputeStatus FromStatus, DisputeStatus ToStatus, ActorRole ActorRole, string? Text);

/// <summary>A block as the ERP sees it. Member-initialised, so that queries filter and sort on its properties in the database.</summary>
public sealed record DunningBlockView
{
    public int Id { get; init; }

    public string InvoiceNumber { get; init; } = string.Empty;

    public string CustomerNumber { get; init; } = string.Empty;

    public string DisputeReference { get; init; } = string.Empty;

    /// <summary>The part of the invoice held out of dunning (incl. VAT).</summary>
    public decimal Amount { get; init; }

    public DateTimeOffset PlacedAt { get; init; }

    public DateTimeOffset? LiftedAt { get; init; }

    /// <summary>When the block last changed: its lift, or else its placement.</summary>
    public DateTimeOffset ChangedAt { get; init; }

    public bool IsActive => LiftedAt is null;

    public static IQueryable<DunningBlockView> Query(LitigesDbContext db) =>
        from block in db.DunningBlocks.AsNoTracking()
        join invoice in db.Invoices on block.InvoiceId equals invoice.Id
        join customer in db.CustomerAccounts on invoice.CustomerAccountId equals customer.Id
        select new DunningBlockView
        {
            Id = block.Id,
            InvoiceNumber = invoice.Number,
            CustomerNumber = customer.CustomerNumber,
            DisputeReference = block.Dispute!.Reference,
            Amount = block.Amount,
            PlacedAt = block.PlacedAt,
            LiftedAt = block.LiftedAt,
            ChangedAt = block.LiftedAt ?? block.PlacedAt,
        };
}
