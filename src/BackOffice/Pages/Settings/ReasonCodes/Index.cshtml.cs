using Litiges.Data;
using Litiges.Disputes;
using Litiges.Localization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Litiges.BackOffice.Pages.Settings.ReasonCodes;

/// <summary>The codification: each reason code with its department, awaited action and deadlines.</summary>
public sealed class IndexModel(LitigesDbContext db) : PageModel
{
    public IReadOnlyList<ReasonCode> Codes { get; private set; } = [];

    public IReadOnlyDictionary<int, LocalizedText> Departments { get; private set; } = new Dictionary<int, LocalizedText>();

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Codes = await db.ReasonCodes.AsNoTracking().OrderBy(r => r.Code).ToListAsync(cancellationToken);
        Departments = await db.Departments.AsNoTracking().ToDictionaryAsync(d => d.Id, d => d.Name, cancellationToken);
    }
}
