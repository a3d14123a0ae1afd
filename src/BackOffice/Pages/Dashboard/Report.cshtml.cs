using System.Text.RegularExpressions;
using Litiges.Accounts;
using Litiges.Hosting;
using Litiges.Kpis;
using Litiges.Storage;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Litiges.BackOffice.Pages.Dashboard;

/// <summary>The PDF of a scheduled report, as linked from its e-mail: for credit managers only.</summary>
[Authorize(Roles = StaffRoles.CreditManager)]
public sealed partial class ReportModel(IBlobStore store) : PageModel
{
    /// <summary>A week ("2026-w47") or a month ("2026-m11").</summary>
    [BindProperty(SupportsGet = true)]
    public string? Period { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Language { get; set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var language = Language is "en" ? "en" : "fr";
        if (Period is null || !PeriodKey().IsMatch(Period))
        {
            return NotFound();
        }

        var content = await store.OpenReadAsync(KpiReportPeriod.BlobName(Period, language), cancellationToken);
        if (content is null)
        {
            return NotFound();
        }

        Response.MarkPrivateDownload();
        return File(content, "application/pdf", $"litiges-{Period}-{language}.pdf");
    }

    [GeneratedRegex(@"^\d{4}-(w|m)\d{2}$")]
    private static partial Regex PeriodKey();
}
