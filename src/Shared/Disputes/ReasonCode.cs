using Litiges.Deadlines;
using Litiges.Localization;

namespace Litiges.Disputes;

public enum DisputeCategory
{
    Financial,
    Operational,
    External,
}

/// <summary>
/// The codification of disputes (FAC, LIV, QUA, COM, TEC, EXT by default): each code names the
/// department that resolves it, the action awaited, and its deadlines.
/// </summary>
public sealed class ReasonCode
{
    private ReasonCode()
    {
        Code = string.Empty;
        Label = Details = AwaitedAction = new LocalizedText(string.Empty, string.Empty);
        Sla = SlaPolicy.Default with { };
    }

    public ReasonCode(
        string code,
        LocalizedText label,
        LocalizedText details,
        int departmentId,
        LocalizedText awaitedAction,
        DisputeCategory category,
        SlaPolicy sla)
    {
        Code = code.Trim().ToUpperInvariant();
        if (Code.Length is < 2 or > 8)
        {
            throw new DomainException("ReasonCode.InvalidCode", code);
        }

        Label = label;
        Details = details;
        DepartmentId = departmentId;
        AwaitedAction = awaitedAction;
        Category = category;
        Sla = sla with { }; // an owned value: each owner keeps its own copy
        IsActive = true;
    }

    /// <summary>Short code, the key: "FAC", "LIV"...</summary>
    public string Code { get; private set; }

    public LocalizedText Label { get; private set; }

    /// <summary>What the code covers, e.g. "price, quantity, VAT, duplicate".</summary>
    public LocalizedText Details { get; private set; }

    public int DepartmentId { get; private set; }

    public Department? Department { get; private set; }

    public LocalizedText AwaitedAction { get; private set; }

    public DisputeCategory Category { get; private set; }

    public SlaPolicy Sla { get; private set; }

    public bool IsActive { get; private set; }

    public void Update(LocalizedText label, LocalizedText details, int departmentId, LocalizedText awaitedAction, DisputeCategory category, SlaPolicy sla, bool isActive)
    {
        Label = label;
        Details = details;
        DepartmentId = departmentId;
        AwaitedAction = awaitedAction;
        Category = category;
        Sla = sla with { };
        IsActive = isActive;
    }
}
