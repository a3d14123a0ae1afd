using System.Globalization;
using Litiges.Accounts;
using Litiges.BackOffice.Pages.Dashboard;
using Litiges.Data;
using Litiges.Deadlines;
using Litiges.Disputes;
using Litiges.Kpis;
using Litiges.Localization;
using Litiges.Notifications;
using Litiges.Pages.Shared;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Litiges.BackOffice.Pages.Disputes;

public enum QueueSort
{
    /// <summary>The next deadline first: what must be done soonest.</summary>
    Deadline,

    /// <summary>The largest amount at stake first.</summary>
    Amount,

    /// <summary>The oldest dispute first.</summary>
    Age,
}

/// <summary>What the queue is asked for: filters, sort and the keyset cursor of the page.</summary>
public sealed record QueueFilter
{
    /// <summary>A status, or null for every open dispute.</summary>
    public DisputeStatus? Status { get; init; }

    public string? ReasonCode { get; init; }

    public int? DepartmentId { get; init; }

    /// <summary>An owner's user id, or <see cref="Unassigned"/>.</summary>
    public string? OwnerUserId { get; init; }

    /// <summary>Customers whose name or number matched the search, or null for all.</summary>
    public IReadOnlyList<int>? CustomerAccountIds { get; init; }

    public decimal? MinAmount { get; init; }

    public decimal? MaxAmount { get; init; }

    public DeadlineState? DeadlineState { get; init; }

    public QueueSort Sort { get; init; }

    public string? After { get; init; }

    /// <summary>The criteria of a dashboard figure, so that the queue lists exactly the disputes it counts; its statuses replace "every open dispute".</summary>
    public DisputeSelection? Selection { get; init; }

    public const string Unassigned = "none";

    /// <summary>Deadlines run only while a dispute is open: for ended ones the deadline sort falls back to age.</summary>
    public QueueSort EffectiveSort =>
        Sort == QueueSort.Deadline && ((Status is { } status && !status.IsOpen()) || Selection?.Statuses?.Any(s => !s.IsOpen()) == true) ? QueueSort.Age : Sort;
}

/// <summary>
/// The dispute queue: filters, three sorts each paged by keyset on a unique order (sort key, Id),
/// counts per status, "my disputes", and assigning an owner to several disputes at once.
/// </summary>
public sealed class IndexModel(LitigesDbContext db, DisputeCommands commands, IStringLocalizer t) : PageModel
{
    public const int PageSize = 50;

    private static readonly DisputeStatus[] EndedStatuses = [.. Enum.GetValues<DisputeStatus>().Where(s => !s.IsOpen())];

    /// <summary>A status, or null for every open dispute.</summary>
    [BindProperty(SupportsGet = true)]
    public DisputeStatus? Status { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Reason { get; set; }

    [BindProperty(SupportsGet = true)]
    public int? Department { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Owner { get; set; }

    /// <summary>Part of the customer's name, or its customer number.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Customer { get; set; }

    [BindProperty(SupportsGet = true)]
    public decimal? MinAmount { get; set; }

    [BindProperty(SupportsGet = true)]
    public decimal? MaxAmount { get; set; }

    [BindProperty(SupportsGet = true)]
    public DeadlineState? Deadline { get; set; }

    [BindProperty(SupportsGet = true)]
    public bool Mine { get; set; }

    [BindProperty(SupportsGet = true)]
    public QueueSort Sort { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? After { get; set; }

    /// <summary>The rows ticked for bulk assignment, each "id:version:history" as the list showed it.</summary>
    [BindProperty]
    public List<string> Selected { get; set; } = [];

    [BindProperty]
    public string? AssignTo { get; set; }

    public IReadOnlyList<QueueRow> Rows { get; private set; } = [];

    public IReadOnlyDictionary<DisputeStatus, int> Counts { get; private set; } = new Dictionary<DisputeStatus, int>();

    public IReadOnlyDictionary<string, LocalizedText> Reasons { get; private set; } = new Dictionary<string, LocalizedText>();

    public IReadOnlyDictionary<int, LocalizedText> Departments { get; private set; } = new Dictionary<int, LocalizedText>();

    public IReadOnlyList<StaffOption> Owners { get; private set; } = [];

    public PagerModel Pager { get; private set; } = null!;

    public bool CanAssign { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var filter = await FilterAsync(cancellationToken);
        var visible = db.Disputes.AsNoTracking().VisibleTo(User);
        var page = await QueryAsync(db, visible, filter, PageSize, cancellationToken);
        Rows = page.Rows;
        Pager = new PagerModel(Request, page.NextCursor);
        Counts = await CountAsync(visible, filter with { Status = null }, cancellationToken);
        Reasons = await db.ReasonCodes.AsNoTracking().OrderBy(r => r.Code).ToDictionaryAsync(r => r.Code, r => r.Label, cancellationToken);
        Departments = await db.Departments.AsNoTracking().ToDictionaryAsync(d => d.Id, d => d.Name, cancellationToken);
        Owners = await StaffDirectory.OwnersAsync(db, cancellationToken);
        CanAssign = User.ToActor().Role is ActorRole.Agent or ActorRole.CreditManager;
    }

    /// <summary>
    /// Assigns the chosen owner to each ticked dispute, one by one through the domain and under
    /// each row's version: a dispute changed since the list was shown, or one the rules refuse, is
    /// reported on its own line and the others are still assigned.
    /// </summary>
    public async Task<IActionResult> OnPostAssignAsync(CancellationToken cancellationToken)
    {
        var owners = await StaffDirectory.OwnersAsync(db, cancellationToken);
        var owner = owners.FirstOrDefault(o => o.Id == AssignTo);
        if (owner is null || Selected.Count == 0)
        {
            TempData["Error"] = t[owner is null ? "Queue.ChooseOwner" : "Queue.NothingSelected"].Value;
            return RedirectToPage(RouteValues());
        }

        var rows = Selected.Select(ParseSelection).OfType<(int Id, int Version, int Seen)>().DistinctBy(r => r.Id).ToList();
        var ids = rows.Select(r => r.Id).ToList();
        var references = await db.Disputes.AsNoTracking().VisibleTo(User).Where(d => ids.Contains(d.Id)).ToDictionaryAsync(d => d.Id, d => d.Reference, cancellationToken);
        var assigned = 0;
        var refusals = new List<string>();
        foreach (var (id, version, seen) in rows)
        {
            var outcome = await commands.RunAsync(User, id, version, seen, (dispute, actor, now) => dispute.AssignOwner(actor, owner.Id, owner.Name, now), cancellationToken);

            // Each row is its own unit of work: nothing of a refused row may ride on the next save.
            db.ChangeTracker.Clear();
            if (outcome.Succeeded)
            {
                assigned++;
            }
            else
            {
                var reference = references.GetValueOrDefault(id, id.ToString(CultureInfo.InvariantCulture));
                refusals.Add(outcome.Found ? $"{reference} : {outcome.Message}" : t["Queue.NotFoundRow", reference].Value);
            }
        }

        TempData["Success"] = t["Queue.Assigned", assigned, owner.Name].Value;
        if (refusals.Count > 0)
        {
            TempData["Refusals"] = string.Join('\n', refusals);
        }

        return RedirectToPage(RouteValues());
    }

    /// <summary>
    /// One page of the queue, ordered by the sort key then the id, so that the order is total and a
    /// page starts exactly after the last row of the previous one. Public for the benchmark.
    /// </summary>
    public static async Task<QueuePage> QueryAsync(LitigesDbContext db, IQueryable<Dispute> visible, QueueFilter filter, int pageSize, CancellationToken cancellationToken)
    {
        var query = Filtered(visible, filter);
        var sort = filter.EffectiveSort;
        var hasCursor = KeysetCursor.TryDecode(filter.After, out var key, out var lastId);
        IOrderedQueryable<Dispute> ordered;
        switch (sort)
        {
            case QueueSort.Deadline:
                query = query.Where(d => d.NextDeadlineAt != null);
                if (hasCursor)
                {
                    var last = new DateTimeOffset(key, TimeSpan.Zero);
                    query = query.Where(d => d.NextDeadlineAt > last || (d.NextDeadlineAt == last && d.Id > lastId));
                }

                ordered = query.OrderBy(d => d.NextDeadlineAt).ThenBy(d => d.Id);
                break;
            case QueueSort.Amount:
                if (hasCursor)
                {
                    var last = key / 100m;
                    query = query.Where(d => d.DisputedAmount < last || (d.DisputedAmount == last && d.Id < lastId));
                }

                ordered = query.OrderByDescending(d => d.DisputedAmount).ThenByDescending(d => d.Id);
                break;
            default:
                if (hasCursor)
                {
                    var last = new DateTimeOffset(key, TimeSpan.Zero);
                    query = query.Where(d => d.SubmittedAt > last || (d.SubmittedAt == last && d.Id > lastId));
                }

                ordered = query.OrderBy(d => d.SubmittedAt).ThenBy(d => d.Id);
                break;
        }

        var rows = await ordered
            .Select(d => new QueueRow(
                d.Id,
                d.Reference,
                db.CustomerAccounts.Where(c => c.Id == d.CustomerAccountId).Select(c => c.LegalName).First(),
                d.SubmittedAt,
                d.Status,
                d.ReasonCode,
                d.DepartmentId,
                d.OwnerName,
                d.DisputedAmount,
                d.Currency,
                d.Priority,
                d.NextDeadlineAt,
                d.WorstDeadlineState,
                d.Version,
                d.HistoryCount))
            .Take(pageSize + 1)
            .ToListAsync(cancellationToken);

        string? next = null;
        if (rows.Count > pageSize)
        {
            var last = rows[pageSize - 1];
            next = sort switch
            {
                QueueSort.Deadline => KeysetCursor.Encode(last.NextDeadlineAt!.Value.UtcTicks, last.Id),
                QueueSort.Amount => KeysetCursor.Encode((long)(last.Amount * 100m), last.Id),
                _ => KeysetCursor.Encode(last.SubmittedAt.UtcTicks, last.Id),
            };
            rows.RemoveAt(pageSize);
        }

        return new QueuePage(rows, next);
    }

    /// <summary>Disputes per status under the same filters (the status aside), for the tabs.</summary>
    public static Task<Dictionary<DisputeStatus, int>> CountAsync(IQueryable<Dispute> visible, QueueFilter filter, CancellationToken cancellationToken) =>
        Filtered(visible, filter, withStatus: false)
            .GroupBy(d => d.Status)
            .Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.Key, g => g.Count, cancellationToken);

    private static IQueryable<Dispute> Filtered(IQueryable<Dispute> query, QueueFilter filter, bool withStatus = true)
    {
        if (withStatus)
        {
            // "Open" is written as "not ended": a filter no index serves, so that the planner walks
            // the index of the sort in order (SQLite would otherwise take the status index and sort 50 000 rows).
            query = filter.Status is { } status ? query.Where(d => d.Status == status)
                : filter.Selection?.Statuses is not null ? query
                : query.Where(d => !EndedStatuses.Contains(d.Status));
        }

        if (filter.Selection is { } selection)
        {
            query = selection.Apply(query);
        }

        if (!string.IsNullOrEmpty(filter.ReasonCode))
        {
            query = query.Where(d => d.ReasonCode == filter.ReasonCode);
        }

        if (filter.DepartmentId is { } department)
        {
            query = query.Where(d => d.DepartmentId == department);
        }

        if (filter.OwnerUserId == QueueFilter.Unassigned)
        {
            query = query.Where(d => d.OwnerUserId == null);
        }
        else if (!string.IsNullOrEmpty(filter.OwnerUserId))
        {
            query = query.Where(d => d.OwnerUserId == filter.OwnerUserId);
        }

        if (filter.CustomerAccountIds is { } customers)
        {
            query = query.Where(d => customers.Contains(d.CustomerAccountId));
        }

        if (filter.MinAmount is { } min)
        {
            query = query.Where(d => d.DisputedAmount >= min);
        }

        if (filter.MaxAmount is { } max)
        {
            query = query.Where(d => d.DisputedAmount <= max);
        }

        if (filter.DeadlineState is { } state)
        {
            query = query.Where(d => d.WorstDeadlineState == state);
        }

        return query;
    }

    private async Task<QueueFilter> FilterAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<int>? customers = null;
        var search = Customer?.Trim();
        if (!string.IsNullOrEmpty(search))
        {
            var lowered = search.ToLowerInvariant();
#pragma warning disable CA1304, CA1862 // Translated to SQL lower(): no .NET culture or comparison is involved.
            customers = await db.CustomerAccounts.AsNoTracking()
                .Where(c => c.CustomerNumber == search || c.LegalName.ToLower().Contains(lowered))
                .OrderBy(c => c.Id)
                .Select(c => c.Id)
                .Take(200)
                .ToListAsync(cancellationToken);
#pragma warning restore CA1304, CA1862
        }

        // A status tab chosen on a dashboard figure's list narrows it to that status.
        var selection = QueueLinks.Parse(Request.Query);
        return new QueueFilter
        {
            Status = Status,
            ReasonCode = Reason,
            DepartmentId = Department,
            OwnerUserId = Mine ? User.UserId() : Owner,
            CustomerAccountIds = customers,
            MinAmount = MinAmount,
            MaxAmount = MaxAmount,
            DeadlineState = Deadline,
            Sort = Sort,
            After = After,
            Selection = Status is null ? selection : selection is null ? null : selection with { Statuses = null },
        };
    }

    private static (int Id, int Version, int Seen)? ParseSelection(string value)
    {
        var parts = value.Split(':');
        return parts.Length == 3
            && int.TryParse(parts[0], CultureInfo.InvariantCulture, out var id)
            && int.TryParse(parts[1], CultureInfo.InvariantCulture, out var version)
            && int.TryParse(parts[2], CultureInfo.InvariantCulture, out var seen)
            ? (id, version, seen)
            : null;
    }


    /// <summary>The current filters (a status in place of the current one, if given), to come back to the same view.</summary>
    public Dictionary<string, string> RouteValues(DisputeStatus? status = null, bool keepStatus = true)
    {
        var values = new Dictionary<string, string?>
        {
            ["status"] = keepStatus ? Status?.ToString() : status?.ToString(),
            ["reason"] = Reason,
            ["department"] = Department?.ToString(CultureInfo.InvariantCulture),
            ["owner"] = Owner,
            ["customer"] = Customer,
            ["minAmount"] = MinAmount?.ToString(CultureInfo.InvariantCulture),
            ["maxAmount"] = MaxAmount?.ToString(CultureInfo.InvariantCulture),
            ["deadline"] = Deadline?.ToString(),
            ["mine"] = Mine ? "true" : null,
            ["sort"] = Sort == QueueSort.Deadline ? null : Sort.ToString(),
        };
        foreach (var (key, value) in QueueLinks.Kept(Request.Query))
        {
            values[key] = value;
        }

        return values.Where(v => !string.IsNullOrEmpty(v.Value)).ToDictionary(v => v.Key, v => v.Value!);
    }

    public sealed record QueueRow(
        int Id,
        string Reference,
        string Customer,
        DateTimeOffset SubmittedAt,
        DisputeStatus Status,
        string ReasonCode,
        int DepartmentId,
        string? Owner,
        decimal Amount,
        string Currency,
        DisputePriority Priority,
        DateTimeOffset? NextDeadlineAt,
        DeadlineState? DeadlineState,
        int Version,
        int HistoryCount)
    {
        /// <summary>What a ticked checkbox posts: the row as the user saw it.</summary>
        public string SelectionValue => string.Create(CultureInfo.InvariantCulture, $"{Id}:{Version}:{HistoryCount}");
    }

    public sealed record QueuePage(IReadOnlyList<QueueRow> Rows, string? NextCursor);
}
