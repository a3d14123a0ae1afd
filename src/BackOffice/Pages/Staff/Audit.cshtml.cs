using System.Globalization;
using Litiges.Audit;
using Litiges.Data;
using Litiges.Pages.Shared;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Litiges.BackOffice.Pages.Staff;

/// <summary>The audit log for administrators: staff sign-ins, role changes, API keys, anonymised users; newest first.</summary>
public sealed class AuditModel(LitigesDbContext db) : PageModel
{
    public const int PageSize = 50;

    [BindProperty(SupportsGet = true)]
    public AuditAction? Action { get; set; }

    [BindProperty(SupportsGet = true, Name = "after")]
    public string? After { get; set; }

    public IReadOnlyList<AuditEntry> Entries { get; private set; } = [];

    public PagerModel Pager { get; private set; } = null!;

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var query = db.AuditLog.AsNoTracking();
        if (Action is { } action)
        {
            query = query.Where(e => e.Action == action);
        }

        if (long.TryParse(After, NumberStyles.Integer, CultureInfo.InvariantCulture, out var after))
        {
            query = query.Where(e => e.Id < after);
        }

        var rows = await query.OrderByDescending(e => e.Id).Take(PageSize + 1).ToListAsync(cancellationToken);
        Entries = rows.Take(PageSize).ToList();
        Pager = new PagerModel(Request, rows.Count > PageSize ? Entries[^1].Id.ToString(CultureInfo.InvariantCulture) : null);
    }
}
