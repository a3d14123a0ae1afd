using System.Globalization;
using Litiges.Accounts;
using Litiges.Data;
using Litiges.Hosting;
using Litiges.Kpis;
using Litiges.Localization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;

namespace Litiges.BackOffice.Pages.Dashboard;

/// <summary>
/// The credit manager's dashboard (DESIGN §7): the period and filters, every figure with its
/// definition, charts drawn on the server, the same numbers in tables, a CSV file per table, and
/// each figure linked to the queue filtered on exactly the disputes it counts. Administrators see
/// the figures but not the disputes, as everywhere else.
/// </summary>
[Authorize(Roles = StaffRoles.CreditManager + "," + StaffRoles.Admin)]
public sealed class IndexModel(LitigesDbContext db, IServiceScopeFactory scopes, TimeProvider clock, IStringLocalizer t) : PageModel
{
    /// <summary>Longest period shown at once (about five years).</summary>
    public const int MaxDays = 1830;

    [BindProperty(SupportsGet = true)]
    public DateOnly? From { get; set; }

    [BindProperty(SupportsGet = true)]
    public DateOnly? To { get; set; }

    [BindProperty(SupportsGet = true)]
    public KpiInterval? Interval { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Reason { get; set; }

    [BindProperty(SupportsGet = true)]
    public int? Department { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Owner { get; set; }

    /// <summary>A customer number.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Customer { get; set; }

    public KpiReport? Report { get; private set; }

    public IReadOnlyList<KpiTable> Tables { get; private set; } = [];

    /// <summary>The same figures over the period just before, for the headline cards' changes.</summary>
    public KpiReport? Previous { get; private set; }

    /// <summary>The first screen's cards.</summary>
    public IReadOnlyList<KpiHeadline> Headlines { get; private set; } = [];

    public IReadOnlyDictionary<string, LocalizedText> Reasons { get; private set; } = new Dictionary<string, LocalizedText>();

    public IReadOnlyDictionary<int, LocalizedText> Departments { get; private set; } = new Dictionary<int, LocalizedText>();

    public IReadOnlyList<StaffOption> Owners { get; private set; } = [];

    /// <summary>Whether the figures link to the queue: administrators do not see disputes.</summary>
    public bool CanDrillDown => User.IsInRole(StaffRoles.CreditManager);

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken);
        return Page();
    }

    /// <summary>One table of the page as a CSV file (semicolon-separated, as French spreadsheets read it).</summary>
    public async Task<IActionResult> OnGetCsvAsync(string table, CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken, withHeadlines: false);
        var found = Tables.FirstOrDefault(x => x.Key == table);
        if (Report is null || found is null)
        {
            return NotFound();
        }

        var name = string.Create(CultureInfo.InvariantCulture, $"kpi-{found.Key}-{Report.Filter.From:yyyy-MM-dd}-{Report.Filter.To:yyyy-MM-dd}.csv");
        Response.MarkPrivateDownload();
        return File(KpiCsv.Write(found.Headers, found.Rows), "text/csv; charset=utf-8", name);
    }

    /// <summary>The figure's disputes in the queue, or null for those who may not see them.</summary>
    public string? QueueUrl(DisputeSelection? selection) =>
        selection is null || !CanDrillDown
            ? null
            : Url.Page("/Disputes/Index", new RouteValueDictionary(QueueLinks.ToQuery(selection).ToDictionary(v => v.Key, v => (object?)v.Value)));

    /// <summary>A table drawn as bars, each bar linked like its cell; <paramref name="Prefix"/> tells apart a second drawing of the same table.</summary>
    public sealed record ChartView(KpiTable Table, IndexModel Page, string Prefix = "");

    /// <summary>The current period and filters, for the CSV link of <paramref name="table"/>.</summary>
    public Dictionary<string, string> CsvRouteValues(string table)
    {
        var values = new Dictionary<string, string?>
        {
            ["handler"] = "Csv",
            ["table"] = table,
            ["from"] = Report?.Filter.From.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["to"] = Report?.Filter.To.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["interval"] = Interval?.ToString(),
            ["reason"] = Reason,
            ["department"] = Department?.ToString(CultureInfo.InvariantCulture),
            ["owner"] = Owner,
            ["customer"] = Customer,
        };
        return values.Where(v => !string.IsNullOrEmpty(v.Value)).ToDictionary(v => v.Key, v => v.Value!);
    }

    private async Task LoadAsync(CancellationToken cancellationToken, bool withHeadlines = true)
    {
        Reasons = await db.ReasonCodes.AsNoTracking().OrderBy(r => r.Code).ToDictionaryAsync(r => r.Code, r => r.Label, cancellationToken);
        Departments = await db.Departments.AsNoTracking().ToDictionaryAsync(d => d.Id, d => d.Name, cancellationToken);
        Owners = await StaffDirectory.OwnersAsync(db, cancellationToken);

        var now = clock.GetUtcNow();
        var today = KpiDays.DateOf(now);
        var to = To ?? today;
        var from = From ?? to.AddDays(-89);
        if (from > to)
        {
            ModelState.AddModelError(nameof(To), t["Kpis.PeriodReversed"]);
        }
        else if (to.DayNumber - from.DayNumber >= MaxDays)
        {
            ModelState.AddModelError(nameof(From), t["Kpis.PeriodTooLong"]);
        }

        int? customerId = null;
        var number = Customer?.Trim();
        if (!string.IsNullOrEmpty(number))
        {
            customerId = await db.CustomerAccounts.AsNoTracking().Where(c => c.CustomerNumber == number).Select(c => (int?)c.Id).FirstOrDefaultAsync(cancellationToken);
            if (customerId is null)
            {
                ModelState.AddModelError(nameof(Customer), t["Kpis.CustomerUnknown", number]);
            }
        }

        if (!ModelState.IsValid)
        {
            return;
        }

        var filter = new KpiFilter(from, to)
        {
            Interval = Interval,
            ReasonCode = string.IsNullOrEmpty(Reason) ? null : Reason,
            DepartmentId = Department,
            OwnerUserId = string.IsNullOrEmpty(Owner) ? null : Owner,
            CustomerAccountId = customerId,
        };
        // The figures' queries run side by side, each on a context of its own.
        Report = await KpiQueries.ComputeAsync(scopes, filter, now, cancellationToken: cancellationToken);
        if (withHeadlines)
        {
            // No period before the first day there is: the cards then go without a change.
            Previous = filter.From.DayNumber > filter.Days
                ? await KpiQueries.ComputeAsync(scopes, KpiHeadlines.PreviousOf(filter), now, cancellationToken: cancellationToken)
                : null;
        }

        Headlines = new KpiHeadlines(t, CultureInfo.CurrentUICulture).Of(Report, Previous);
        var rootCauses = await db.RootCauses.AsNoTracking().ToDictionaryAsync(r => r.Id, r => r.Label, cancellationToken);
        Tables = new KpiTables(CultureInfo.CurrentUICulture, Reasons, rootCauses).Of(Report);
    }
}
