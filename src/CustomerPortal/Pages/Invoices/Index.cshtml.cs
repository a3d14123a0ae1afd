using Litiges.Accounts;
using Litiges.Data;
using Litiges.Deadlines;
using Litiges.Invoices;
using Litiges.Pages.Shared;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding.Validation;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Litiges.CustomerPortal.Pages.Invoices;

/// <summary>The company's invoices, latest due date first, with what is still owed and what a dispute holds.</summary>
public sealed class IndexModel(LitigesDbContext db, TimeProvider clock) : PageModel
{
    public const int PageSize = 25;

    [BindProperty(SupportsGet = true)]
    public string? Search { get; set; }

    /// <summary>"open" (default): invoices with a balance; "overdue": those past their due date; "all": every invoice.</summary>
    /// <remarks>
    /// Not validated: a filter the address may leave out (any other value lists the open ones). Being
    /// non-nullable it was implicitly required, and every plain view of the list made and kept an
    /// unseen "field is required" error.
    /// </remarks>
    [BindProperty(SupportsGet = true)]
    [ValidateNever]
    public string Show { get; set; } = "open";

    [BindProperty(SupportsGet = true)]
    public string? After { get; set; }

    public IReadOnlyList<InvoiceRow> Rows { get; private set; } = [];

    public PagerModel Pager { get; private set; } = null!;

    /// <summary>The Paris date the list was made on: what is overdue, and by how long.</summary>
    public DateOnly Today { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Today = clock.Today();
        var (rows, next) = await ListAsync(db, User.CustomerAccountId(), Show, Search, After, Today, cancellationToken);
        Rows = rows;
        Pager = new PagerModel(Request, next);
    }

    /// <summary>One page of the company's invoices and the cursor of the next page (also measured by bench/Portal).</summary>
    public static Task<(IReadOnlyList<InvoiceRow> Rows, string? Next)> ListAsync(
        LitigesDbContext db,
        int customerId,
        string? show,
        string? search,
        string? after,
        CancellationToken cancellationToken) =>
        ListAsync(db, customerId, show, search, after, DateOnly.MinValue, cancellationToken);

    /// <summary>One page of the company's invoices as of <paramref name="today"/> (which "overdue" needs).</summary>
    public static async Task<(IReadOnlyList<InvoiceRow> Rows, string? Next)> ListAsync(
        LitigesDbContext db,
        int customerId,
        string? show,
        string? search,
        string? after,
        DateOnly today,
        CancellationToken cancellationToken)
    {
        var query = db.Invoices.AsNoTracking().Where(i => i.CustomerAccountId == customerId);
        if (show == "overdue")
        {
            query = query.Where(i => i.OpenBalance > 0 && i.DueDate < today);
        }
        else if (show != "all")
        {
            query = query.Where(i => i.OpenBalance > 0);
        }

        if (!string.IsNullOrWhiteSpace(search))
        {
            var term = search.Trim();
            query = query.Where(i => i.Number.Contains(term));
        }

        if (KeysetCursor.TryDecode(after, out var dayNumber, out var lastId))
        {
            var lastDue = DateOnly.FromDayNumber((int)dayNumber);
            query = query.Where(i => i.DueDate < lastDue || (i.DueDate == lastDue && i.Id < lastId));
        }

        var rows = await query
            .OrderByDescending(i => i.DueDate).ThenByDescending(i => i.Id)
            .Select(i => new InvoiceRow(i.Id, i.Number, i.IssueDate, i.DueDate, i.TotalGross, i.OpenBalance, i.BlockedAmount, i.Currency, i.Status, i.PdfBlobName != null))
            .Take(PageSize + 1)
            .ToListAsync(cancellationToken);

        var next = rows.Count > PageSize ? KeysetCursor.Encode(rows[PageSize - 1].DueDate.DayNumber, rows[PageSize - 1].Id) : null;
        return (rows.Take(PageSize).ToList(), next);
    }

    public sealed record InvoiceRow(int Id, string Number, DateOnly IssueDate, DateOnly DueDate, decimal Total, decimal Balance, decimal Blocked, string Currency, InvoiceStatus Status, bool HasPdf = false)
    {
        public bool Overdue(DateOnly today) => Balance > 0 && DueDate < today;
    }
}
