using Litiges.Accounts;
using Litiges.Data;
using Litiges.Disputes;
using Litiges.Localization;
using Litiges.Pages.Shared;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Litiges.BackOffice.Pages.Disputes;

/// <summary>The dispute queue: open disputes first by age, with counts per status.</summary>
public sealed class IndexModel(LitigesDbContext db) : PageModel
{
    public const int PageSize = 50;

    /// <summary>A status, or null for every open dispute.</summary>
    [BindProperty(SupportsGet = true)]
    public DisputeStatus? Status { get; set; }

    [BindProperty(SupportsGet = true)]
    public bool Mine { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? After { get; set; }

    public IReadOnlyList<QueueRow> Rows { get; private set; } = [];

    public IReadOnlyDictionary<DisputeStatus, int> Counts { get; private set; } = new Dictionary<DisputeStatus, int>();

    public IReadOnlyDictionary<string, LocalizedText> Reasons { get; private set; } = new Dictionary<string, LocalizedText>();

    public PagerModel Pager { get; private set; } = null!;

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var query = VisibleDisputes();
        query = Status is { } status ? query.Where(d => d.Status == status) : query.Where(d => DisputeStatuses.Open.Contains(d.Status));
        if (Mine)
        {
            var me = User.UserId();
            query = query.Where(d => d.OwnerUserId == me);
        }

        // Oldest first: the queue is worked from the dispute that has waited longest.
        if (KeysetCursor.TryDecode(After, out var ticks, out var lastId))
        {
            var last = new DateTimeOffset(ticks, TimeSpan.Zero);
            query = query.Where(d => d.SubmittedAt > last || (d.SubmittedAt == last && d.Id > lastId));
        }

        var rows = await query
            .OrderBy(d => d.SubmittedAt).ThenBy(d => d.Id)
            .Select(d => new QueueRow(
                d.Id,
                d.Reference,
                db.CustomerAccounts.Where(c => c.Id == d.CustomerAccountId).Select(c => c.LegalName).First(),
                d.SubmittedAt,
                d.Status,
                d.ReasonCode,
                d.OwnerName,
                d.DisputedAmount,
                d.Currency,
                d.Priority))
            .Take(PageSize + 1)
            .ToListAsync(cancellationToken);

        var next = rows.Count > PageSize ? KeysetCursor.Encode(rows[PageSize - 1].SubmittedAt.UtcTicks, rows[PageSize - 1].Id) : null;
        Rows = rows.Take(PageSize).ToList();
        Pager = new PagerModel(Request, next);
        Counts = await VisibleDisputes().GroupBy(d => d.Status).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, cancellationToken);
        Reasons = await db.ReasonCodes.AsNoTracking().ToDictionaryAsync(r => r.Code, r => r.Label, cancellationToken);
    }

    private IQueryable<Dispute> VisibleDisputes() => db.Disputes.AsNoTracking().VisibleTo(User);

    public sealed record QueueRow(int Id, string Reference, string Customer, DateTimeOffset SubmittedAt, DisputeStatus Status, string ReasonCode, string? Owner, decimal Amount, string Currency, DisputePriority Priority);
}
