namespace Litiges.Disputes;

public enum DisputeStatus
{
    Submitted,
    InReview,
    AwaitingCustomer,
    SettlementProposed,
    Accepted,
    Resolved,
    Rejected,
    Closed,
    Withdrawn,
}

public enum DisputeSource
{
    CustomerPortal,
    Staff,
    Api,
    Reminder,

    /// <summary>A lifecycle status (207, 210, 206, 208) the customer set on its e-invoicing platform (PA).</summary>
    EInvoicingPlatform,

    /// <summary>The customer called customer service; staff opened the dispute for them.</summary>
    Phone,

    /// <summary>The customer wrote an e-mail; staff opened the dispute for them.</summary>
    Email,

    /// <summary>The credit function heard of it while calling the customer about an overdue invoice.</summary>
    DunningCall,

    /// <summary>The sales representative passed it on.</summary>
    SalesRepresentative,
}

public enum DisputePriority
{
    Low,
    Normal,
    High,
    Urgent,
}

/// <summary>What the customer would like to happen.</summary>
public enum DesiredOutcome
{
    CreditNote,
    Replacement,
    Return,
    Other,
}

public static class DisputeStatuses
{
    /// <summary>States in which a dispute is still being worked and its invoices stay out of dunning.</summary>
    public static readonly IReadOnlyList<DisputeStatus> Open =
    [
        DisputeStatus.Submitted,
        DisputeStatus.InReview,
        DisputeStatus.AwaitingCustomer,
        DisputeStatus.SettlementProposed,
        DisputeStatus.Accepted,
    ];

    /// <summary>Ended states from which a dispute may be reopened for a while (a withdrawal is final).</summary>
    public static readonly IReadOnlyList<DisputeStatus> Reopenable =
    [
        DisputeStatus.Resolved,
        DisputeStatus.Rejected,
        DisputeStatus.Closed,
    ];

    public static bool IsOpen(this DisputeStatus status) => Open.Contains(status);

    public static bool IsReopenable(this DisputeStatus status) => Reopenable.Contains(status);
}
