namespace Litiges.Notifications;

/// <summary>
/// The messages a user may turn off. Everything else is essential (account security, a change in
/// the user's own dispute, a question waiting for an answer, a settlement to accept, a deadline
/// breach) and always leaves.
/// </summary>
public static class NotificationKinds
{
    public const string PreDueReminder = nameof(PreDueReminder);
    public const string DeadlineDueSoon = nameof(DeadlineDueSoon);
    public const string TaskReminder = nameof(TaskReminder);
    public const string WeeklyReport = nameof(WeeklyReport);

    public static readonly IReadOnlyList<string> Optional = [PreDueReminder, DeadlineDueSoon, TaskReminder, WeeklyReport];

    public static bool IsOptional(string kind) => Optional.Contains(kind);
}
