using Litiges.Accounts;
using Litiges.Data;
using Litiges.Deadlines;
using Litiges.Disputes;
using Litiges.Localization;
using Litiges.Pages.Shared;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Litiges.BackOffice.Pages.Tasks;

/// <summary>
/// "My tasks": the open internal tasks of the user's department or given to them, the overdue
/// first (they are due earliest), each with the cash that waits on it. The credit manager can
/// widen the list to every open task, to chase the departments.
/// </summary>
public sealed class IndexModel(LitigesDbContext db, DisputeCommands commands, TimeProvider clock, IStringLocalizer t) : PageModel
{
    public const int PageSize = 50;

    /// <summary>Every open task, not only mine (credit managers).</summary>
    [BindProperty(SupportsGet = true)]
    public bool All { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? After { get; set; }

    public IReadOnlyList<TaskRow> Rows { get; private set; } = [];

    public IReadOnlyDictionary<int, LocalizedText> Departments { get; private set; } = new Dictionary<int, LocalizedText>();

    public PagerModel Pager { get; private set; } = null!;

    public DateOnly Today { get; private set; }

    public bool CanSeeAll => User.IsInRole(StaffRoles.CreditManager);

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var me = User.UserId();
        var department = User.DepartmentId();
        var tasks = db.DisputeTasks.AsNoTracking().Where(task => task.Status == DisputeTaskStatus.Open);
        if (!(All && CanSeeAll))
        {
            tasks = tasks.Where(task => task.AssigneeUserId == me || (department != null && task.DepartmentId == department));
        }

        if (KeysetCursor.TryDecode(After, out var dayNumber, out var lastId))
        {
            var lastDue = DateOnly.FromDayNumber((int)dayNumber);
            tasks = tasks.Where(task => task.DueOn > lastDue || (task.DueOn == lastDue && task.Id > lastId));
        }

        var rows = await tasks
            .Join(db.Disputes.AsNoTracking().VisibleTo(User), task => task.DisputeId, dispute => dispute.Id, (task, dispute) => new { task, dispute })
            .OrderBy(x => x.task.DueOn).ThenBy(x => x.task.Id)
            .Select(x => new TaskRow(
                x.task.Id,
                x.task.Title,
                x.task.DepartmentId,
                x.task.AssigneeName,
                x.task.DueOn,
                x.task.CashAtStake,
                x.task.Reminders,
                x.dispute.Id,
                x.dispute.Reference,
                db.CustomerAccounts.Where(c => c.Id == x.dispute.CustomerAccountId).Select(c => c.LegalName).First(),
                x.dispute.Currency,
                x.dispute.Version,
                x.dispute.HistoryCount))
            .Take(PageSize + 1)
            .ToListAsync(cancellationToken);

        var next = rows.Count > PageSize ? KeysetCursor.Encode(rows[PageSize - 1].DueOn.DayNumber, rows[PageSize - 1].Id) : null;
        Rows = rows.Take(PageSize).ToList();
        Pager = new PagerModel(Request, next);
        Departments = await db.Departments.AsNoTracking().ToDictionaryAsync(d => d.Id, d => d.Name, cancellationToken);
        Today = clock.Today();
    }

    /// <summary>Marks a task done from the list, under the version of its dispute the list showed.</summary>
    public async Task<IActionResult> OnPostCompleteAsync(int disputeId, int taskId, int version, int seen, string? outcome)
    {
        var result = await commands.RunAsync(User, disputeId, version, seen, async (dispute, actor, now) =>
        {
            await db.Entry(dispute).Collection(d => d.Tasks).LoadAsync();
            dispute.CompleteTask(actor, taskId, outcome, now);
        }, HttpContext.RequestAborted);
        if (!result.Found)
        {
            return NotFound();
        }

        if (result.Succeeded)
        {
            TempData["Success"] = t["Details.TaskCompleted"].Value;
        }
        else
        {
            TempData["Error"] = result.Message;
        }

        return RedirectToPage(new { all = All ? "true" : null });
    }

    public sealed record TaskRow(
        int Id,
        string Title,
        int? DepartmentId,
        string? AssigneeName,
        DateOnly DueOn,
        decimal CashAtStake,
        int Reminders,
        int DisputeId,
        string Reference,
        string Customer,
        string Currency,
        int Version,
        int HistoryCount);
}
