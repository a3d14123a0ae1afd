namespace Litiges.Disputes;

public enum DisputeTaskStatus
{
    Open,
    Done,
    Cancelled,
}

/// <summary>
/// An internal task the owner opens for a department or a person ("issue a credit note", "get the
/// pallet back"), with a due date and the cash that waits on it, chased when overdue.
/// </summary>
public sealed class DisputeTask
{
    public const int MaxTitleLength = 300;

    private DisputeTask()
    {
        Title = CreatedByName = string.Empty;
    }

    internal DisputeTask(string title, int? departmentId, string? assigneeUserId, string? assigneeName, DateOnly dueOn, decimal cashAtStake, Actor creator, DateTimeOffset at)
    {
        Title = title;
        DepartmentId = departmentId;
        AssigneeUserId = assigneeUserId;
        AssigneeName = assigneeName;
        DueOn = dueOn;
        CashAtStake = cashAtStake;
        CreatedByName = creator.DisplayName;
        CreatedAt = at;
        Status = DisputeTaskStatus.Open;
    }

    public int Id { get; private set; }

    public int DisputeId { get; private set; }

    public string Title { get; private set; }

    /// <summary>The department that must act, or null when the task names a person.</summary>
    public int? DepartmentId { get; private set; }

    public string? AssigneeUserId { get; private set; }

    public string? AssigneeName { get; private set; }

    public DateOnly DueOn { get; private set; }

    /// <summary>The collection that depends on this task ("100 k€ depends on this").</summary>
    public decimal CashAtStake { get; private set; }

    public DisputeTaskStatus Status { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public string CreatedByName { get; private set; }

    public DateTimeOffset? CompletedAt { get; private set; }

    public string? CompletedByName { get; private set; }

    public string? Outcome { get; private set; }

    /// <summary>When the last reminder went out, so that an overdue task is chased once a day, not on every run.</summary>
    public DateTimeOffset? LastReminderAt { get; private set; }

    public int Reminders { get; private set; }

    public bool IsOverdue(DateOnly today) => Status == DisputeTaskStatus.Open && DueOn < today;

    /// <summary>Whether <paramref name="actor"/> is one of the people who must do this task.</summary>
    public bool IsFor(Actor actor) =>
        (AssigneeUserId is not null && AssigneeUserId == actor.UserId)
        || (DepartmentId is not null && DepartmentId == actor.DepartmentId);

    internal void Complete(Actor actor, string? outcome, DateTimeOffset at)
    {
        Status = DisputeTaskStatus.Done;
        CompletedAt = at;
        CompletedByName = actor.DisplayName;
        Outcome = outcome;
    }

    internal void Cancel(Actor actor, DateTimeOffset at)
    {
        Status = DisputeTaskStatus.Cancelled;
        CompletedAt = at;
        CompletedByName = actor.DisplayName;
    }

    /// <summary>Records that the overdue task was chased.</summary>
    public void RecordReminder(DateTimeOffset at)
    {
        LastReminderAt = at;
        Reminders++;
    }
}
