using Litiges.Accounts;
using Litiges.Data;
using Litiges.Disputes;
using Litiges.Hosting;
using Litiges.Storage;
using Litiges.Invoices;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Litiges.CustomerPortal.Pages.Invoices;

/// <summary>One invoice of the company: its lines, VAT, what was paid, what is still owed, what disputes hold and which.</summary>
public sealed class DetailsModel(LitigesDbContext db, IBlobStore store) : PageModel
{
    public Invoice Invoice { get; private set; } = null!;

    public IReadOnlyList<DisputeCover> Disputes { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(int id, CancellationToken cancellationToken)
    {
        var company = User.CustomerAccountId();
        var invoice = await db.Invoices.AsNoTracking()
            .Include(i => i.Lines)
            .Include(i => i.Payments)
            .AsSplitQuery()
            .SingleOrDefaultAsync(i => i.Id == id && i.CustomerAccountId == company, cancellationToken);
        if (invoice is null)
        {
            return NotFound();
        }

        Invoice = invoice;
        var items = await (
                from item in db.DisputedItems.AsNoTracking()
                join dispute in db.Disputes.VisibleTo(User) on item.DisputeId equals dispute.Id
                where item.InvoiceId == id
                select new { dispute.Id, dispute.Reference, dispute.Status, dispute.SubmittedAt, item.InvoiceLineId, item.Amount })
            .ToListAsync(cancellationToken);
        var blocks = await db.DunningBlocks.AsNoTracking()
            .Where(b => b.InvoiceId == id && b.LiftedAt == null)
            .Select(b => new { b.DisputeId, b.Amount })
            .ToListAsync(cancellationToken);
        Disputes = [.. items
            .GroupBy(i => (i.Id, i.Reference, i.Status, i.SubmittedAt))
            .Select(g => new DisputeCover(
                g.Key.Id,
                g.Key.Reference,
                g.Key.Status,
                g.Key.SubmittedAt,
                [.. g.Select(i => i.InvoiceLineId)],
                g.Sum(i => i.Amount),
                blocks.Where(b => b.DisputeId == g.Key.Id).Sum(b => b.Amount)))
            .OrderByDescending(d => d.SubmittedAt)];
        return Page();
    }

    /// <summary>
    /// The invoice's PDF as the ERP sent it: only an invoice of the user's own company, else "not
    /// found", as for one without a PDF. An attachment, private, never cached or sniffed.
    /// </summary>
    public async Task<IActionResult> OnGetPdfAsync(int id, CancellationToken cancellationToken)
    {
        var company = User.CustomerAccountId();
        var invoice = await db.Invoices.AsNoTracking()
            .Where(i => i.Id == id && i.CustomerAccountId == company)
            .Select(i => new { i.Number, i.PdfBlobName })
            .SingleOrDefaultAsync(cancellationToken);
        if (invoice?.PdfBlobName is null)
        {
            return NotFound();
        }

        return await this.PrivateFileAsync(store, invoice.PdfBlobName, "application/pdf", $"{invoice.Number}.pdf", cancellationToken);
    }

    /// <summary>The open disputes that name this line (or the whole invoice).</summary>
    public IEnumerable<DisputeCover> OpenDisputesOn(int? lineId) =>
        Disputes.Where(d => d.Status.IsOpen() && d.LineIds.Contains(lineId));

    public sealed record DisputeCover(int Id, string Reference, DisputeStatus Status, DateTimeOffset SubmittedAt, IReadOnlyList<int?> LineIds, decimal Amount, decimal Blocked);
}
