using System.Security.Claims;
using Litiges.Accounts;
using Litiges.Data;
using Litiges.Disputes;
using Litiges.Pages.Shared;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Litiges.CustomerPortal.Pages.Disputes;

/// <summary>Every dispute of the company (all colleagues see them all), newest first.</summary>
public sealed class IndexModel(LitigesDbContext db) : PageModel
{
    public const int PageSize = 25;

    /// <summary>A search that matches more invoices than this is too vague to list them all.</summary>
    private const int MaxSearchMatches = 1000;

    [BindProperty(SupportsGet = true)]
    public DisputeStatus? Status { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Search { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? After { get; set; }

    public IReadOnlyList<DisputeRow> Rows { get; private set; } = [];

    public PagerModel Pager { get; private set; } = null!;

    public IReadOnlyDictionary<string, Localization.LocalizedText> Reasons { get; private set; } = new Dictionary<string, Localization.LocalizedText>();

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var (rows, next) = await ListAsync(db, User, Status, Search, After, cancellationToken);
        Rows = rows;
        Reasons = await db.ReasonCodes.AsNoTracking().ToDictionaryAsync(r => r.Code, r => r.Label, cancellationToken);
        Pager = new PagerModel(Request, next);
    }

    /// <summary>One page of the disputes the user may see and the cursor of the next page (also measured by bench/Portal).</summary>
    public static async Task<(IReadOnlyList<DisputeRow> Rows, string? Next)> ListAsync(
        LitigesDbContext db,
        ClaimsPrincipal user,
        DisputeStatus? status,
        string? search,
        string? after,
        CancellationToken cancellationToken)
    {
        var query = db.Disputes.AsNoTracking().VisibleTo(user);
        if (status is { } wanted)
        {
            query = query.Where(d => d.Status == wanted);
        }

        if (!string.IsNullOrWhiteSpace(search))
        {
            // References are upper case; invoice numbers are matched as typed or in upper case. The
            // company's matching invoices are found first, through the company's own index, so that
            // the search never scans every invoice of every customer.
            var term = search.Trim();
            var upper = term.ToUpperInvariant();
            var company = user.CustomerAccountId();
            var invoiceIds = await db.Invoices.AsNoTracking()
                .Where(i => i.CustomerAccountId == company && (i.Number.Contains(term) || i.Number.Contains(upper)))
                .Select(i => i.Id)
                .Take(MaxSearchMatches)
                .ToListAsync(cancellationToken);
            var disputeIds = invoiceIds.Count == 0
                ? []
                : await db.DisputedItems.AsNoTracking()
                    .Where(i => invoiceIds.Contains(i.InvoiceId))
                    .Select(i => i.DisputeId)
                    .Distinct()
                    .Take(MaxSearchMatches)
                    .ToListAsync(cancellationToken);
            query = query.Where(d => d.Reference.Contains(upper) || disputeIds.Contains(d.Id));
        }

        if (KeysetCursor.TryDecode(after, out var ticks, out var lastId))
        {
            var last = new DateTimeOffset(ticks, TimeSpan.Zero);
            query = query.Where(d => d.SubmittedAt < last || (d.SubmittedAt == last && d.Id < lastId));
        }

        var rows = await query
            .OrderByDescending(d => d.SubmittedAt).ThenByDescending(d => d.Id)
            .Select(d => new DisputeRow(d.Id, d.Reference, d.SubmittedAt, d.Status, d.ReasonCode, d.DisputedAmount, d.Currency, d.LastActivityAt))
            .Take(PageSize + 1)
            .ToListAsync(cancellationToken);

        var next = rows.Count > PageSize ? KeysetCursor.Encode(rows[PageSize - 1].SubmittedAt.UtcTicks, rows[PageSize - 1].Id) : null;
        return (rows.Take(PageSize).ToList(), next);
    }

    public sealed record DisputeRow(int Id, string Reference, DateTimeOffset SubmittedAt, DisputeStatus Status, string ReasonCode, decimal Amount, string Currency, DateTimeOffset LastActivityAt);
}
