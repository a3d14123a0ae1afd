using Litiges.Data;
using Litiges.Settlements;
using Microsoft.EntityFrameworkCore;

namespace Litiges.Invoices;

/// <summary>
/// A payment received on an invoice, whoever enters it (the ERP through the API, finance on the
/// payment page): recorded on the invoice and applied to the instalments of an agreed schedule.
/// </summary>
public static class PaymentEntry
{
    /// <summary>
    /// Records a payment on an invoice and, when the invoice is under an agreed schedule, applies it
    /// to the instalments. Saves nothing: the caller saves with the rest of its change.
    /// </summary>
    public static async Task<Payment> RecordAsync(LitigesDbContext db, Invoice invoice, decimal amount, DateOnly receivedOn, string reference, CancellationToken cancellationToken = default)
    {
        var payment = invoice.RecordPayment(amount, receivedOn, reference);
        var schedules = await db.SettlementProposals
            .Include(p => p.Instalments)
            .Where(p => p.Kind == SettlementKind.PaymentSchedule && p.Status == ProposalStatus.Executed)
            .Where(p => db.DisputedItems.Any(i => i.DisputeId == p.DisputeId && i.InvoiceId == invoice.Id))
            .OrderBy(p => p.Id)
            .ToListAsync(cancellationToken);
        var left = amount;
        foreach (var schedule in schedules)
        {
            left = schedule.ApplyPayment(left, receivedOn);
        }

        return payment;
    }

    /// <summary>
    /// Records a payment once per (invoice, reference), whoever sends it (the API, a member of staff):
    /// the same reference again with the same amount and date records nothing more; with another
    /// amount or date it is refused. Saves nothing, like <see cref="RecordAsync"/>.
    /// </summary>
    public static async Task<(PaymentRecording Outcome, Payment Payment)> RecordOnceAsync(LitigesDbContext db, Invoice invoice, decimal amount, DateOnly receivedOn, string reference, CancellationToken cancellationToken = default)
    {
        var recorded = await db.Payments.AsNoTracking().SingleOrDefaultAsync(p => p.InvoiceId == invoice.Id && p.Reference == reference, cancellationToken);
        if (recorded is not null)
        {
            return (recorded.Amount == amount && recorded.ReceivedOn == receivedOn ? PaymentRecording.AlreadyRecorded : PaymentRecording.ReferenceUsed, recorded);
        }

        return (PaymentRecording.Recorded, await RecordAsync(db, invoice, amount, receivedOn, reference, cancellationToken));
    }
}

/// <summary>What became of a payment sent under a reference.</summary>
public enum PaymentRecording
{
    Recorded,

    /// <summary>That reference was already recorded with the same amount and date: nothing more done.</summary>
    AlreadyRecorded,

    /// <summary>That reference was already recorded with another amount or date: refused.</summary>
    ReferenceUsed,
}
