using System.ComponentModel.DataAnnotations;
using Litiges.Accounts;
using Litiges.Data;
using Litiges.Deadlines;
using Litiges.Disputes;
using Litiges.Finance;
using Litiges.Localization;
using Litiges.Notifications;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Litiges.BackOffice.Pages.Disputes;

/// <summary>
/// The internal tasks of a dispute: opened by whoever works it for a department or a person, done
/// by them (or cancelled) with an outcome.
/// </summary>
public sealed class TasksModel(LitigesDbContext Db, DisputeCommands commands, TimeProvider clock, IStringLocalizer t)
    : DisputeWorkspacePage(Db, commands, clock, t)
{
    public override WorkspaceTab Tab => WorkspaceTab.Tasks;

    public TaskFile Case { get; private set; } = null!;

    [BindProperty]
    public TaskInput NewTask { get; set; } = new();

    [BindProperty]
    public int? TaskId { get; set; }

    /// <summary>The outcome typed when completing a task.</summary>
    [BindProperty]
    [StringLength(Dispute.MaxMessageLength)]
    public string? Text { get; set; }

    public Task<IActionResult> OnGetAsync(int id, CancellationToken cancellationToken) => ShowAsync(id, cancellationToken);

    /// <summary>A post that names no act (an old form, a crafted request) just shows the section again.</summary>
    public IActionResult OnPost(int id) => RedirectToPage(new { id });

    /// <summary>Opens an internal task for a department or a person; they are told by e-mail.</summary>
    public async Task<IActionResult> OnPostOpenTaskAsync(int id)
    {
        var cancellationToken = HttpContext.RequestAborted;
        var assignee = string.IsNullOrEmpty(NewTask.AssigneeUserId) ? null
            : (await StaffDirectory.TaskAssigneesAsync(Db, cancellationToken)).FirstOrDefault(s => s.Id == NewTask.AssigneeUserId);
        var departmentExists = NewTask.DepartmentId is { } departmentId && await Db.Departments.AnyAsync(d => d.Id == departmentId, cancellationToken);
        if ((!string.IsNullOrEmpty(NewTask.AssigneeUserId) && assignee is null) || (NewTask.DepartmentId is not null && !departmentExists))
        {
            return await RedisplayAsync(id, Texts["Details.TaskNobody"]);
        }

        if (NewTask.DueOn is null || !AmountText.TryParse(NewTask.CashAtStake, out var cash))
        {
            return await RedisplayAsync(id, Texts["Details.TaskIncomplete"]);
        }

        return await RunAsync(id, "Details.TaskOpened", (dispute, actor, now) =>
        {
            dispute.OpenTask(actor, NewTask.Title ?? string.Empty, NewTask.DepartmentId, assignee?.Id, assignee?.Name, NewTask.DueOn.Value, cash, now);
            return Task.CompletedTask;
        });
    }

    public Task<IActionResult> OnPostCompleteTaskAsync(int id) =>
        RunAsync(id, "Details.TaskCompleted", async (dispute, actor, now) =>
        {
            await Db.Entry(dispute).Collection(d => d.Tasks).LoadAsync();
            dispute.CompleteTask(actor, TaskId ?? 0, Text, now);
        });

    public Task<IActionResult> OnPostCancelTaskAsync(int id) =>
        RunAsync(id, "Details.TaskCancelled", async (dispute, actor, now) =>
        {
            await Db.Entry(dispute).Collection(d => d.Tasks).LoadAsync();
            dispute.CancelTask(actor, TaskId ?? 0, now);
        });

    protected override async Task<Dispute?> LoadAsync(int id, CancellationToken cancellationToken)
    {
        var dispute = await Db.Disputes.AsNoTracking()
            .VisibleTo(User)
            .Include(d => d.Items).ThenInclude(i => i.Invoice)
            .Include(d => d.Tasks)
            .AsSplitQuery()
            .SingleOrDefaultAsync(d => d.Id == id, cancellationToken);
        if (dispute is null)
        {
            return null;
        }

        var departments = await Db.Departments.AsNoTracking().OrderBy(d => d.Code).ToDictionaryAsync(d => d.Id, d => d.Name, cancellationToken);
        Case = new TaskFile(dispute, departments, await StaffDirectory.TaskAssigneesAsync(Db, cancellationToken), User.ToActor(), BusinessDate.Of(Clock.GetUtcNow()));
        return dispute;
    }


    /// <summary>The tasks of a dispute and what this user may do with each; the rules are the domain's (<see cref="DisputeRoles"/>).</summary>
    public sealed record TaskFile(Dispute Dispute, IReadOnlyDictionary<int, LocalizedText> Departments, IReadOnlyList<StaffOption> Assignees, Actor Actor, DateOnly Today)
    {
        public bool CanOpen => Dispute.IsOpen && DisputeRoles.MayWork(Actor.Role);

        public bool CanComplete(DisputeTask task) => task.Status == DisputeTaskStatus.Open && DisputeRoles.MayCompleteTask(Actor, task);

        public bool CanCancel(DisputeTask task) => task.Status == DisputeTaskStatus.Open && DisputeRoles.MayWork(Actor.Role);

        /// <summary>Who the task is for: the person, the department, or both.</summary>
        public string For(DisputeTask task) =>
            string.Join(", ", new[] { task.AssigneeName, task.DepartmentId is { } d && Departments.TryGetValue(d, out var name) ? name.ForCurrentCulture() : null }.Where(s => s is not null));
    }

    public sealed class TaskInput
    {
        [StringLength(DisputeTask.MaxTitleLength)]
        public string? Title { get; set; }

        public int? DepartmentId { get; set; }

        public string? AssigneeUserId { get; set; }

        public DateOnly? DueOn { get; set; }

        /// <summary>Typed as text, so that "100 000,00" and "100000.00" both read right whatever the page's language.</summary>
        public string? CashAtStake { get; set; }
    }
}
