namespace Litiges.Audit;

/// <summary>What the audit log records: how staff get in, and changes to who may do what.</summary>
public enum AuditAction
{
    SignedIn,
    SignInFailed,
    LockedOut,
    RoleGranted,
    RoleRemoved,
    ApiKeyCreated,
    ApiKeyRevoked,
    UserAnonymised,

    /// <summary>A payment entered by hand in the back office (those from the API or an import are the ERP's).</summary>
    PaymentRecorded,
}

/// <summary>
/// One line of the audit log: staff sign-ins (and failures), role changes, API keys created and
/// revoked, users anonymised. Written in the same transaction as the change it records; never
/// updated, except to take a name out when its user is anonymised.
/// </summary>
public sealed class AuditEntry
{
    public const int MaxTextLength = 400;

    private AuditEntry()
    {
        ActorName = Subject = string.Empty;
    }

    public AuditEntry(DateTimeOffset at, AuditAction action, string? actorUserId, string actorName, string? subjectUserId, string subject, string? detail, string? ipAddress)
    {
        At = at;
        Action = action;
        ActorUserId = actorUserId;
        ActorName = Cut(actorName);
        SubjectUserId = subjectUserId;
        Subject = Cut(subject);
        Detail = detail is null ? null : Cut(detail);
        IpAddress = ipAddress;
    }

    public long Id { get; private set; }

    public DateTimeOffset At { get; private set; }

    public AuditAction Action { get; private set; }

    /// <summary>Who acted (null for the system or an unknown visitor).</summary>
    public string? ActorUserId { get; private set; }

    public string ActorName { get; private set; }

    /// <summary>The user the act was about, when it was about one.</summary>
    public string? SubjectUserId { get; private set; }

    /// <summary>What it was about, as shown: an e-mail address, an API client's name.</summary>
    public string Subject { get; private set; }

    /// <summary>The role granted, the key's prefix and scopes...</summary>
    public string? Detail { get; private set; }

    public string? IpAddress { get; private set; }

    /// <summary>Takes the name of an anonymised user out of this line; the user's id stays, so the line still counts.</summary>
    public void Anonymise(string userId, string label)
    {
        if (ActorUserId == userId)
        {
            ActorName = label;
        }

        if (SubjectUserId == userId)
        {
            Subject = label;
        }
    }

    private static string Cut(string text) => text.Length <= MaxTextLength ? text : text[..MaxTextLength];
}
