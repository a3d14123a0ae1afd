using Litiges.Data;
using Litiges.Pages.Shared;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Litiges.BackOffice.Pages.CreditNotes;

/// <summary>Every credit note issued, latest first, for finance: each downloadable as PDF and as EN 16931 XML.</summary>
public sealed class IndexModel(LitigesDbContext db) : PageModel
{
    public const int PageSize = 50;

    /// <summary>The cursor of the last row of the previous page (issue instant and id).</summary>
    [BindProperty(SupportsGet = true)]
    public string? After { get; set; }

    public IReadOnlyList<CreditNoteRow> Rows { get; private set; } = [];

    public PagerModel Pager { get; private set; } = null!;

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var query = db.CreditNotes.AsNoTracking();
        if (KeysetCursor.TryDecode(After, out var ticks, out var lastId))
        {
            var last = new DateTimeOffset(ticks, TimeSpan.Zero);
            query = query.Where(c => c.IssuedAt < last || (c.IssuedAt == last && c.Id < lastId));
        }

        var rows = await query
            .OrderByDescending(c => c.IssuedAt).ThenByDescending(c => c.Id)
            .Select(c => new CreditNoteRow(
                c.Id,
                c.Number,
                c.IssuedAt,
                c.IssueDate,
                c.Buyer.LegalName,
                c.InvoiceNumber,
                c.TotalNet,
                c.TotalGross,
                c.Currency,
                c.DisputeId,
                c.PdfBlobName != null,
                c.XmlBlobName != null))
            .Take(PageSize + 1)
            .ToListAsync(cancellationToken);
        Rows = [.. rows.Take(PageSize)];
        Pager = new PagerModel(Request, rows.Count > PageSize ? KeysetCursor.Encode(Rows[^1].IssuedAt.UtcTicks, Rows[^1].Id) : null);
    }

    public sealed record CreditNoteRow(
        int Id,
        string Number,
        DateTimeOffset IssuedAt,
        DateOnly IssueDate,
        string Customer,
        string InvoiceNumber,
        decimal TotalNet,
        decimal TotalGross,
        string Currency,
        int? DisputeId,
        bool HasPdf,
        bool HasXml);
}
