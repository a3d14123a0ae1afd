using System.Globalization;
using Litiges.Accounts;
using Litiges.BackOffice.Pages.Dashboard;
using Litiges.Data;
using Litiges.Deadlines;
using Litiges.Disputes;
using Litiges.Documents;
using Litiges.Hosting;
using Litiges.Kpis;
using Litiges.Localization;
using Litiges.Notifications;
using Litiges.Pages.Shared;
using Litiges.Queue;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Litiges.BackOffice.Pages.Disputes;

/// <summary>
/// What the one search box of the queue found: disputes by their reference or by the number of an
/// invoice they contest, and customers by their number or part of their name. A dispute matches
/// when it is one of <see cref="DisputeIds"/> or belongs to one of <see cref="CustomerAccountIds"/>.
/// </summary>
public sealed record QueueSearch(IReadOnlyList<int> DisputeIds, IReadOnlyList<int> CustomerAccountIds)
{
    /// <summary>The most of each kind a search keeps: a box, not a report.</summary>
    public const int Limit = 200;

    /// <summary>
    /// Looks up <paramref name="text"/> by each of the four keys, each on its own index: the
    /// reference (unique), the invoice number (unique, then the disputed items by invoice), the
    /// customer number (unique) exactly, as typed or in capitals; the customer's name by part, in
    /// any case (the only key read as a part, on the few thousand customers, never on the disputes).
    /// </summary>
    public static async Task<QueueSearch> FindAsync(LitigesDbContext db, string text, CancellationToken cancellationToken)
    {
        var typed = text.Trim();
        var upper = typed.ToUpperInvariant();
        var lowered = typed.ToLowerInvariant();
        var byReference = await db.Disputes.AsNoTracking()
            .Where(d => d.Reference == typed || d.Reference == upper)
            .Select(d => d.Id)
            .Take(Limit)
            .ToListAsync(cancellationToken);
        var invoices = db.Invoices.AsNoTracking().Where(i => i.Number == typed || i.Number == upper).Select(i => i.Id);
        var byInvoice = await db.DisputedItems.AsNoTracking()
            .Where(item => invoices.Contains(item.InvoiceId))
            .Select(item => item.DisputeId)
            .Distinct()
            .Take(Limit)
            .ToListAsync(cancellationToken);
#pragma warning disable CA1304, CA1862 // Translated to SQL lower(): no .NET culture or comparison is involved.
        var customers = await db.CustomerAccounts.AsNoTracking()
            .Where(c => c.CustomerNumber == typed || c.CustomerNumber == upper || c.LegalName.ToLower().Contains(lowered))
            .OrderBy(c => c.Id)
            .Select(c => c.Id)
            .Take(Limit)
            .ToListAsync(cancellationToken);
#pragma warning restore CA1304, CA1862
        return new QueueSearch([.. byReference.Union(byInvoice)], customers);
    }
}

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

    /// <summary>What the search box found, or null when nothing was searched.</summary>
    public QueueSearch? Search { get; init; }

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
public sealed class IndexModel(LitigesDbContext db, DisputeCommands commands, ReferenceDataCache reference, QueueCountsCache counts, IStringLocalizer t, TimeProvider clock) : PageModel
{
    public const int PageSize = 50;

    /// <summary>Rows read at a time while the CSV file streams out.</summary>
    public const int CsvBatchSize = 500;

    /// <summary>The parameters of the queue's own filters, as <see cref="RouteValues"/> writes them.</summary>
    private static readonly string[] FilterKeys = ["status", "reason", "department", "owner", "q", "minAmount", "maxAmount", "deadline", "mine", "sort"];

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

    /// <summary>The search box: a dispute reference, an invoice number, a customer number or part of a customer's name.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Q { get; set; }

    /// <summary>The search box's former name, still read so that earlier links and bookmarks keep working.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Customer { get; set; }

    /// <summary>What is searched: the box, or a link's former parameter.</summary>
    public string? SearchText => (string.IsNullOrWhiteSpace(Q) ? Customer : Q)?.Trim() is { Length: > 0 } text ? text[..Math.Min(text.Length, MaxSearchLength)] : null;

    public const int MaxSearchLength = 100;

    /// <summary>Whether a filter beyond the search and the status is set: the filters then show unfolded.</summary>
    public bool HasOtherFilters =>
        !string.IsNullOrEmpty(Reason) || Department is not null || !string.IsNullOrEmpty(Owner) || MinAmount is not null
        || MaxAmount is not null || Deadline is not null || Mine || Sort != QueueSort.Deadline;

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

    /// <summary>The invoice numbers of each dispute shown.</summary>
    public IReadOnlyDictionary<int, IReadOnlyList<string>> InvoiceNumbers { get; private set; } = new Dictionary<int, IReadOnlyList<string>>();

    /// <summary>The views the user saved, by name.</summary>
    public IReadOnlyList<SavedQueueView> SavedViews { get; private set; } = [];

    /// <summary>The name under which to save the current filters.</summary>
    [BindProperty]
    public string? ViewName { get; set; }

    /// <summary>The current filters as a saved view keeps them.</summary>
    public string CurrentQuery => QueryString.Create(RouteValues().Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).ToUriComponent().TrimStart('?');

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var filter = await FilterAsync(cancellationToken);
        var visible = db.Disputes.AsNoTracking().VisibleTo(User);
        var page = await QueryAsync(db, visible, filter, PageSize, cancellationToken);
        Rows = page.Rows;
        InvoiceNumbers = await InvoiceNumbersAsync(db, [.. Rows.Select(r => r.Id)], cancellationToken);
        var me = User.UserId();
        SavedViews = await db.SavedQueueViews.AsNoTracking().Where(v => v.UserId == me).OrderBy(v => v.Name).ToListAsync(cancellationToken);
        Pager = new PagerModel(Request, page.NextCursor);
        Counts = await CountsAsync(visible, filter with { Status = null, Sort = default, After = null }, cancellationToken);
        // The filters' lists and the reason labels: reference data, cached (shown only; an assignment checks its owner in the database).
        Reasons = await reference.ReasonLabelsAsync(db, cancellationToken);
        Departments = await reference.DepartmentNamesAsync(db, cancellationToken);
        Owners = await StaffDirectory.CachedOwnersAsync(reference, db, cancellationToken);
        CanAssign = User.ToActor().Role is ActorRole.Agent or ActorRole.CreditManager;
    }

    /// <summary>Opens one of the user's saved views: the queue under its filters. Another user's view, or none, is not found.</summary>
    public async Task<IActionResult> OnGetViewAsync(int id, CancellationToken cancellationToken)
    {
        var me = User.UserId();
        var view = await db.SavedQueueViews.AsNoTracking().SingleOrDefaultAsync(v => v.Id == id && v.UserId == me, cancellationToken);
        if (view is null)
        {
            return NotFound();
        }

        // Only the queue's own parameters go back into the address, whatever the row holds.
        var allowed = FilterKeys.Concat(QueueLinks.SelectionKeys).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var values = QueryHelpers.ParseQuery(view.Query)
            .Where(v => allowed.Contains(v.Key) && !string.IsNullOrEmpty(v.Value))
            .ToDictionary(v => v.Key, v => v.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        return RedirectToPage("./Index", values);
    }

    /// <summary>Saves the current filters under the name given; the user's view of that name, if any, takes them.</summary>
    public async Task<IActionResult> OnPostSaveViewAsync(CancellationToken cancellationToken)
    {
        var me = User.UserId();
        string name;
        try
        {
            name = SavedQueueView.Normalise(ViewName ?? string.Empty);
        }
        catch (ArgumentException)
        {
            TempData["Error"] = t["Queue.Views.NameRequired", SavedQueueView.MaxNameLength].Value;
            return RedirectToPage(RouteValues());
        }

        var query = CurrentQuery;
        if (query.Length > SavedQueueView.MaxQueryLength)
        {
            TempData["Error"] = t["Queue.Views.TooLong"].Value;
            return RedirectToPage(RouteValues());
        }

        var now = clock.GetUtcNow();
        var existing = await db.SavedQueueViews.SingleOrDefaultAsync(v => v.UserId == me && v.Name == name, cancellationToken);
        if (existing is not null)
        {
            existing.Replace(query, now);
        }
        else if (await db.SavedQueueViews.CountAsync(v => v.UserId == me, cancellationToken) >= SavedQueueView.MaxPerUser)
        {
            TempData["Error"] = t["Queue.Views.TooMany", SavedQueueView.MaxPerUser].Value;
            return RedirectToPage(RouteValues());
        }
        else
        {
            db.SavedQueueViews.Add(new SavedQueueView(me, name, query, now));
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // The same name saved twice at once from two tabs: the other save stands.
            TempData["Error"] = t["Queue.Views.Conflict", name].Value;
            return RedirectToPage(RouteValues());
        }

        TempData["Success"] = t[existing is null ? "Queue.Views.Saved" : "Queue.Views.Replaced", name].Value;
        return RedirectToPage(RouteValues());
    }

    /// <summary>Deletes one of the user's saved views; another user's view, or none, is not found.</summary>
    public async Task<IActionResult> OnPostDeleteViewAsync(int id, CancellationToken cancellationToken)
    {
        var me = User.UserId();
        var view = await db.SavedQueueViews.SingleOrDefaultAsync(v => v.Id == id && v.UserId == me, cancellationToken);
        if (view is null)
        {
            return NotFound();
        }

        db.SavedQueueViews.Remove(view);
        await db.SaveChangesAsync(cancellationToken);
        TempData["Success"] = t["Queue.Views.Deleted", view.Name].Value;
        return RedirectToPage(RouteValues());
    }

    /// <summary>
    /// The current view as a CSV file: every dispute the filters and the search select among those
    /// the user may see (not only the page shown), in the sort of the screen, headers in the user's
    /// language, each cell by the app's CSV rule; streamed in batches, never kept by a cache.
    /// </summary>
    public async Task<IActionResult> OnGetCsvAsync(CancellationToken cancellationToken)
    {
        var filter = await FilterAsync(cancellationToken) with { After = null };
        var visible = db.Disputes.AsNoTracking().VisibleTo(User);
        var reasons = await db.ReasonCodes.AsNoTracking().ToDictionaryAsync(r => r.Code, r => r.Label, cancellationToken);
        var departments = await db.Departments.AsNoTracking().ToDictionaryAsync(d => d.Id, d => d.Name, cancellationToken);
        var culture = CultureInfo.CurrentUICulture;

        var name = string.Create(CultureInfo.InvariantCulture, $"litiges-{clock.GetUtcNow():yyyyMMdd-HHmm}.csv");
        Response.ContentType = "text/csv; charset=utf-8";
        Response.Headers.ContentDisposition = new Microsoft.Net.Http.Headers.ContentDispositionHeaderValue("attachment") { FileNameStar = name, FileName = name }.ToString();
        Response.MarkPrivateDownload();

        await using var writer = new StreamWriter(Response.Body, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: true), 16 * 1024, leaveOpen: true);
        await writer.WriteAsync(Line(
        [
            Text(t["Disputes.Reference"]), Text(t["Queue.Customer"]), Text(t["Queue.Csv.CustomerNumber"]), Text(t["Queue.Invoices"]),
            Text(t["Disputes.SubmittedOn"]), Text(t["Disputes.Status"]), Text(t["Disputes.Reason"]), Text(t["Details.Department"]),
            Text(t["Queue.Owner"]), Text(t["Queue.Csv.Amount"]), Text(t["Queue.Csv.Currency"]), Text(t["Queue.NextDeadline"]), Text(t["Queue.DeadlineState"]),
        ]));
        var after = (string?)null;
        do
        {
            var page = await QueryAsync(db, visible, filter with { After = after }, CsvBatchSize, cancellationToken);
            var ids = page.Rows.Select(r => r.Id).ToList();
            var invoices = await InvoiceNumbersAsync(db, ids, cancellationToken);
            var numbers = await CustomerNumbersAsync(db, ids, cancellationToken);
            foreach (var row in page.Rows)
            {
                await writer.WriteAsync(Line(
                [
                    Text(row.Reference),
                    Text(row.Customer),
                    Text(numbers.GetValueOrDefault(row.Id, string.Empty)),
                    Text(string.Join(", ", invoices.GetValueOrDefault(row.Id, []))),
                    Number(row.SubmittedAt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
                    Text(t[Litiges.Localization.StatusWords.Key(row.Status, forCustomer: false)]),
                    Text(reasons.TryGetValue(row.ReasonCode, out var reason) ? $"{row.ReasonCode} — {reason.For(culture)}" : row.ReasonCode),
                    Text(departments.TryGetValue(row.DepartmentId, out var department) ? department.For(culture) : string.Empty),
                    Text(row.Owner ?? t["Queue.Unassigned"]),
                    Number(row.Amount.ToString("0.00", culture)),
                    Text(row.Currency),
                    Number(row.NextDeadlineAt?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? string.Empty),
                    Text(row.DeadlineState is { } state ? t["DeadlineState." + state].Value : string.Empty),
                ]));
            }

            after = page.NextCursor;
        }
        while (after is not null);

        await writer.FlushAsync(cancellationToken);
        return new EmptyResult();

        // Semicolons and a byte-order mark, as French spreadsheets open it (like the dashboard's files).
        static string Text(string value) => CsvCells.Text(value, ';');
        static string Number(string value) => CsvCells.Number(value, ';');
        static string Line(IEnumerable<string> cells) => string.Join(';', cells) + "\r\n";
    }

    /// <summary>The invoice numbers each dispute contests, in the order of its lines.</summary>
    public static async Task<IReadOnlyDictionary<int, IReadOnlyList<string>>> InvoiceNumbersAsync(LitigesDbContext db, IReadOnlyList<int> disputeIds, CancellationToken cancellationToken)
    {
        if (disputeIds.Count == 0)
        {
            return new Dictionary<int, IReadOnlyList<string>>();
        }

        var pairs = await db.DisputedItems.AsNoTracking()
            .Where(item => disputeIds.Contains(item.DisputeId))
            .OrderBy(item => item.Id)
            .Select(item => new { item.DisputeId, Number = db.Invoices.Where(i => i.Id == item.InvoiceId).Select(i => i.Number).First() })
            .ToListAsync(cancellationToken);
        return pairs.GroupBy(p => p.DisputeId).ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.Select(p => p.Number).Distinct().ToList());
    }

    private static async Task<Dictionary<int, string>> CustomerNumbersAsync(LitigesDbContext db, IReadOnlyList<int> disputeIds, CancellationToken cancellationToken) =>
        await db.Disputes.AsNoTracking()
            .Where(d => disputeIds.Contains(d.Id))
            .Select(d => new { d.Id, Number = db.CustomerAccounts.Where(c => c.Id == d.CustomerAccountId).Select(c => c.CustomerNumber).First() })
            .ToDictionaryAsync(d => d.Id, d => d.Number, cancellationToken);

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

    /// <summary>
    /// The tabs' counts: kept a few seconds per user, role, department and filters
    /// (<see cref="QueueCountsCache"/>) when nothing was searched and no dashboard figure chosen
    /// (those lists are read once, from the database); counted otherwise.
    /// </summary>
    private Task<IReadOnlyDictionary<DisputeStatus, int>> CountsAsync(IQueryable<Dispute> visible, QueueFilter filter, CancellationToken cancellationToken)
    {
        async Task<IReadOnlyDictionary<DisputeStatus, int>> Count() => await CountAsync(visible, filter, cancellationToken);
        if (filter.Search is not null || filter.Selection is not null)
        {
            return Count();
        }

        // Who sees what (VisibleTo: the role, and a resolver's department and id), then the filters
        // (the record compared field by field; the caller clears the status, the sort and the page).
        var key = (User.UserId(), User.ToActor().Role, User.DepartmentId(), filter);
        return counts.GetAsync(key, Count);
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

        if (filter.Search is { } search)
        {
            var disputes = search.DisputeIds;
            var customers = search.CustomerAccountIds;
            query = query.Where(d => disputes.Contains(d.Id) || customers.Contains(d.CustomerAccountId));
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
        var text = SearchText;
        var search = string.IsNullOrEmpty(text) ? null : await QueueSearch.FindAsync(db, text, cancellationToken);

        // A status tab chosen on a dashboard figure's list narrows it to that status.
        var selection = QueueLinks.Parse(Request.Query);
        return new QueueFilter
        {
            Status = Status,
            ReasonCode = Reason,
            DepartmentId = Department,
            OwnerUserId = Mine ? User.UserId() : Owner,
            Search = search,
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


    /// <summary>The current filters and one more value (a saved view's id), for a form that comes back to the same view.</summary>
    public Dictionary<string, string> RouteValuesWith(string key, int value)
    {
        var values = RouteValues();
        values[key] = value.ToString(CultureInfo.InvariantCulture);
        return values;
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
            ["q"] = SearchText,
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
