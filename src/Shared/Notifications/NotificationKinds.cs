using System.Text.RegularExpressions;
using Litiges.Localization;

namespace Litiges.Notifications;

/// <summary>
/// The messages a user may turn off, and the essential ones that always leave (account security,
/// a change in the user's own dispute, a question waiting for an answer, a settlement to accept,
/// work given to a staff member, a deadline breach).
/// </summary>
public static partial class NotificationKinds
{
    public const string PreDueReminder = nameof(PreDueReminder);
    public const string DeadlineDueSoon = nameof(DeadlineDueSoon);
    public const string TaskReminder = nameof(TaskReminder);
    public const string WeeklyReport = nameof(WeeklyReport);

    /// <summary>What a user may turn off on the preferences page.</summary>
    public static readonly IReadOnlyList<string> Optional = [PreDueReminder, DeadlineDueSoon, TaskReminder, WeeklyReport];

    /// <summary>The essential e-mails a customer gets, listed on the preferences page.</summary>
    public static readonly IReadOnlyList<string> EssentialForCustomers =
        ["DisputeSubmitted", "DisputeAcknowledged", "DisputeQuestion", "DisputeAnswered", "SettlementProposed", "DisputeResolved", "DisputeRejected", "ReopeningReceived", "CreditNoteIssued", "ResetPassword", "AccountLocked"];

    /// <summary>The essential e-mails a staff member gets, listed on the preferences page.</summary>
    public static readonly IReadOnlyList<string> EssentialForStaff =
        ["DisputeAssigned", "DisputeOpenedByApi", "PlatformStatusAlert", "TaskAssigned", "CustomerReplied", "DisputeReopened", "ApprovalRequested", "DeadlineBreached", "DeadlineEscalated", "InstalmentMissed", "HistorySealed", "ResetPassword", "AccountLocked"];

    /// <summary>Every e-mail the text catalogue has a template for (<c>Email.{Kind}.Subject</c>), in order.</summary>
    public static IReadOnlyList<string> EmailTemplates { get; } =
        [.. TextCatalog.Instance.Keys.Select(key => TemplateKey().Match(key)).Where(m => m.Success).Select(m => m.Groups[1].Value).Order(StringComparer.Ordinal)];

    public static bool IsOptional(string kind) => Optional.Contains(kind);

    /// <summary>The preference that governs an e-mail of <paramref name="emailKind"/>, or null when it is essential.</summary>
    public static string? PreferenceFor(string emailKind) => emailKind switch
    {
        PreDueReminder => PreDueReminder,
        DeadlineDueSoon => DeadlineDueSoon,
        "TaskOverdue" => TaskReminder,
        "KpiReport" => WeeklyReport,
        _ => null,
    };

    /// <summary>Whether a user whose muted kinds are <paramref name="muted"/> (comma-separated) turned this e-mail off.</summary>
    public static bool Mutes(string muted, string emailKind) =>
        PreferenceFor(emailKind) is { } preference && muted.Split(',', StringSplitOptions.RemoveEmptyEntries).Contains(preference);

    [GeneratedRegex(@"^Email\.(\w+)\.Subject$")]
    private static partial Regex TemplateKey();
}
