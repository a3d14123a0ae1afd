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
        ["DisputeAssigned", "DisputeOpenedByApi", "PlatformStatusAlert", "TaskAssigned", "TaskAnswered", "CustomerReplied", "CustomerSentFiles", "DisputeReopened", "ApprovalRequested", "SettlementAccepted", "CreditNoteAwaited", "DeadlineBreached", "DeadlineEscalated", "InstalmentMissed", "HistorySealed", "ResetPassword", "AccountLocked"];

    /// <summary>
    /// The notices of acts on disputes that a staff member receives (docs/notifications.md), each
    /// of which they may take at once or in the daily digest.
    /// </summary>
    public static readonly IReadOnlyList<string> StaffDisputeNotices =
        ["DisputeFiled", "DisputeOpenedByApi", "DisputeAssigned", "CustomerReplied", "ApprovalRequested", "SettlementApproved", "SettlementRefused", "SettlementAccepted", "SettlementDeclined", "CreditNoteAwaited", "DisputeWithdrawn", "DisputeReopened", "TaskAssigned", "TaskAnswered", "CustomerSentFiles"];

    /// <summary>
    /// The staff notices that may also be turned off: news, not work. Work handed to someone (a
    /// dispute, a task, an approval, a credit note to issue, a customer waiting for an answer or
    /// contesting a decision, a settlement to carry out) always reaches them, at once or in the digest.
    /// </summary>
    public static readonly IReadOnlyList<string> StaffMayTurnOffList =
        ["DisputeFiled", "SettlementApproved", "SettlementRefused", "SettlementDeclined", "DisputeWithdrawn"];

    public static bool StaffMayTurnOff(string kind) => StaffMayTurnOffList.Contains(kind) || IsOptional(kind);

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

    /// <summary>How a staff member whose choices are <paramref name="recipient"/>'s receives an e-mail of <paramref name="emailKind"/>.</summary>
    public static NotificationDelivery DeliveryFor(Recipient recipient, string emailKind)
    {
        if (!recipient.IsStaff || !StaffDisputeNotices.Contains(emailKind))
        {
            return Mutes(recipient.MutedNotifications, emailKind) ? NotificationDelivery.Off : NotificationDelivery.Immediately;
        }

        static bool Listed(string list, string kind) => list.Split(',', StringSplitOptions.RemoveEmptyEntries).Contains(kind);
        return Listed(recipient.MutedNotifications, emailKind) && StaffMayTurnOff(emailKind) ? NotificationDelivery.Off
            : Listed(recipient.DigestNotifications, emailKind) ? NotificationDelivery.Digest
            : NotificationDelivery.Immediately;
    }

    [GeneratedRegex(@"^Email\.(\w+)\.Subject$")]
    private static partial Regex TemplateKey();
}

/// <summary>When a staff member receives a kind of notice.</summary>
public enum NotificationDelivery
{
    Immediately,
    Digest,
    Off,
}
