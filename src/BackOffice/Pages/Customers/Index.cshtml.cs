using Litiges.Data;
using Litiges.Disputes;
using Litiges.Pages.Shared;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Litiges.BackOffice.Pages.Customers;

/// <summary>
/// The customers, by name, searched by name or customer number, with how many portal users and
/// open disputes each has: a company nobody can sign in for stands out, to be onboarded from its page.
/// </summary>
public sealed class IndexModel(LitigesDbContext db) : PageModel
{
    public const int PageSize = 50;

    [BindProperty(SupportsGet = true, Name = "q")]
    public string? Search { get; set; }

    public IReadOnlyList<CustomerRow> Customers { get; private set; } = [];

    public PagerModel Pager { get; private set; } = null!;

    public async Task OnGetAsync(string? after, CancellationToken cancellationToken)
    {
        var query = db.CustomerAccounts.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(Search))
        {
            // Lower-cased on both sides (like the queue's customer filter): the same answer on every database.
            var term = Search.Trim().ToLowerInvariant();
#pragma warning disable CA1304, CA1862 // Translated to SQL lower(): no .NET culture or comparison is involved.
            query = query.Where(c => c.LegalName.ToLower().Contains(term) || c.CustomerNumber.ToLower().Contains(term));
#pragma warning restore CA1304, CA1862
        }

        // By name, then id; the cursor is the last id shown, whose name is read back.
        if (KeysetCursor.TryDecode(after, out _, out var lastId)
            && await db.CustomerAccounts.AsNoTracking().Where(c => c.Id == lastId).Select(c => c.LegalName).SingleOrDefaultAsync(cancellationToken) is { } lastName)
        {
            query = query.Where(c => string.Compare(c.LegalName, lastName) > 0 || (c.LegalName == lastName && c.Id > lastId));
        }

        var open = DisputeStatuses.Open;
        var rows = await query
            .OrderBy(c => c.LegalName).ThenBy(c => c.Id)
            .Take(PageSize + 1)
            .Select(c => new CustomerRow(
                c.Id,
                c.CustomerNumber,
                c.LegalName,
                db.Users.Count(u => u.CustomerAccountId == c.Id && u.IsActive && u.EmailConfirmed),
                db.Disputes.Count(d => d.CustomerAccountId == c.Id && open.Contains(d.Status))))
            .ToListAsync(cancellationToken);
        Customers = rows.Take(PageSize).ToList();
        Pager = new PagerModel(Request, rows.Count > PageSize ? KeysetCursor.Encode(0, Customers[^1].Id) : null);
    }

    public sealed record CustomerRow(int Id, string Number, string Name, int ActiveUsers, int OpenDisputes);
}
