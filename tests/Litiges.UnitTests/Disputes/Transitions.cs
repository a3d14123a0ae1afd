using Litiges.Disputes;
using Litiges.UnitTests.Builders;

namespace Litiges.UnitTests.Disputes;

/// <summary>
/// One act on a dispute as DESIGN.md §3 draws the life cycle: from which states it is legal,
/// where it leads (null: the dispute stays where it is), who may do it, and the history entry
/// it writes.
/// </summary>
internal sealed record Transition(
    string Name,
    DisputeAction HistoryAction,
    IReadOnlyList<DisputeStatus> LegalFrom,
    DisputeStatus? To,
    IReadOnlyList<ActorRole> Roles,
    bool IsPublic,
    string? Text,
    Action<Dispute, Actor, DateTimeOffset> Apply)
{
    public DisputeStatus Target(DisputeStatus from) => To ?? from;

    /// <summary>The usual actor: an agent where agents may act, else the first role allowed.</summary>
    public Actor Actor => Actors.WithRole(Roles.Contains(ActorRole.Agent) ? ActorRole.Agent : Roles[0]);

    public override string ToString() => Name;
}

internal static class Transitions
{
    public const string Question = "Pouvez-vous joindre le bon de livraison signé ?";
    public const string Answer = "Le voici, en pièce jointe.";
    public static readonly TimeSpan ReopenWindow = TimeSpan.FromDays(30);

    private static readonly DisputeStatus[] Every = Enum.GetValues<DisputeStatus>();

    // The states in which a dispute is still being worked (and its invoices stay blocked).
    private static readonly DisputeStatus[] Open =
    [
        DisputeStatus.Submitted,
        DisputeStatus.InReview,
        DisputeStatus.AwaitingCustomer,
        DisputeStatus.SettlementProposed,
        DisputeStatus.Accepted,
    ];

    private static readonly ActorRole[] AgentOrCreditManager = [ActorRole.Agent, ActorRole.CreditManager];
    private static readonly ActorRole[] CustomerOnly = [ActorRole.Customer];

    public static IReadOnlyList<Transition> All { get; } =
    [
        new("Acknowledge", DisputeAction.Acknowledged, [DisputeStatus.Submitted], DisputeStatus.InReview, AgentOrCreditManager, true, null,
            (d, a, t) => d.Acknowledge(a, t)),
        new("Qualify", DisputeAction.Qualified, Open, null, AgentOrCreditManager, false, "FAC → LIV",
            (d, a, t) => d.Qualify(a, ReasonCodeBuilder.Delivery(), t)),
        new("AssignOwner", DisputeAction.Assigned, Open, null, AgentOrCreditManager, false, "Nina Pilote",
            (d, a, t) => d.AssignOwner(a, "owner-nina", "Nina Pilote", t)),
        new("ChangePriority", DisputeAction.PriorityChanged, Open, null, AgentOrCreditManager, false, "Urgent",
            (d, a, t) => d.ChangePriority(a, DisputePriority.Urgent, t)),
        new("RequestInformation", DisputeAction.InformationRequested, [DisputeStatus.InReview], DisputeStatus.AwaitingCustomer, AgentOrCreditManager, true, Question,
            (d, a, t) => d.RequestInformation(a, "  " + Question + " ", t)),
        new("ReplyToRequest", DisputeAction.CustomerReplied, [DisputeStatus.AwaitingCustomer], DisputeStatus.InReview, CustomerOnly, true, Answer,
            (d, a, t) => d.ReplyToRequest(a, Answer, t)),
        new("PostMessage", DisputeAction.MessagePosted, Open, null, [ActorRole.Customer, ActorRole.Agent, ActorRole.CreditManager], true, "Où en est-on ?",
            (d, a, t) => d.PostMessage(a, "Où en est-on ?", t)),
        new("AddInternalNote", DisputeAction.InternalNoteAdded, Every, null,
            [ActorRole.Agent, ActorRole.Resolver, ActorRole.CreditManager, ActorRole.Finance, ActorRole.Admin], false, "Client sensible, voir avec le commercial.",
            (d, a, t) => d.AddInternalNote(a, "Client sensible, voir avec le commercial.", t)),
        new("RecordPlatformStatus", DisputeAction.PlatformStatusReceived, Open, null, [ActorRole.System], true, "PA 210 Refusée — DOUBLON (message CDAR-1)",
            (d, a, t) => d.RecordPlatformStatus(a, " PA 210 Refusée — DOUBLON (message CDAR-1) ", t)),
        new("ProposeSettlement", DisputeAction.SettlementProposed, [DisputeStatus.InReview], DisputeStatus.SettlementProposed,
            [ActorRole.Agent, ActorRole.CreditManager, ActorRole.Finance], true, DisputeDriver.GestureSummary,
            (d, a, t) => d.ProposeSettlement(a, DisputeDriver.Gesture(t), DisputeDriver.Limits, 0m, t)),
        new("AcceptSettlement", DisputeAction.SettlementAccepted, [DisputeStatus.SettlementProposed], DisputeStatus.Accepted, CustomerOnly, true, null,
            (d, a, t) => d.AcceptSettlement(a, t)),
        new("DeclineSettlement", DisputeAction.SettlementDeclined, [DisputeStatus.SettlementProposed], DisputeStatus.InReview, CustomerOnly, true, "Montant insuffisant.",
            (d, a, t) => d.DeclineSettlement(a, " Montant insuffisant. ", t)),
        new("CompleteSettlement", DisputeAction.Resolved, [DisputeStatus.Accepted], DisputeStatus.Resolved,
            [ActorRole.Agent, ActorRole.CreditManager, ActorRole.Finance, ActorRole.System], true, DisputeDriver.GestureSummary,
            (d, a, t) => d.CompleteSettlement(a, t)),
        new("Reject", DisputeAction.Rejected, [DisputeStatus.InReview], DisputeStatus.Rejected, AgentOrCreditManager, true, "Livraison conforme au bon signé.",
            (d, a, t) => d.Reject(a, "Livraison conforme au bon signé.", t)),
        new("Close", DisputeAction.Closed, [DisputeStatus.Resolved, DisputeStatus.Rejected], DisputeStatus.Closed, AgentOrCreditManager, true, "PRIX",
            (d, a, t) => d.Close(a, RootCauses.PricingError(), t)),
        new("Withdraw", DisputeAction.Withdrawn, Open, DisputeStatus.Withdrawn, CustomerOnly, true, "Réglé avec le commercial.",
            (d, a, t) => d.Withdraw(a, "Réglé avec le commercial.", t)),
        new("Reopen", DisputeAction.Reopened, [DisputeStatus.Resolved, DisputeStatus.Rejected, DisputeStatus.Closed], DisputeStatus.InReview,
            [ActorRole.Agent, ActorRole.CreditManager, ActorRole.Customer], true, "L'avoir ne couvre pas la TVA.",
            (d, a, t) => d.Reopen(a, "L'avoir ne couvre pas la TVA.", ReopenWindow, t)),
    ];

    public static Transition Named(string name) => All.Single(t => t.Name == name);

    public static TheoryData<string, DisputeStatus> LegalMoves() =>
        Moves(legal: true);

    public static TheoryData<string, DisputeStatus> IllegalMoves() =>
        Moves(legal: false);

    public static TheoryData<string, ActorRole> AllowedRoles() =>
        RoleData(allowed: true);

    public static TheoryData<string, ActorRole> RefusedRoles() =>
        RoleData(allowed: false);

    public static TheoryData<string> OpenToCustomers()
    {
        var data = new TheoryData<string>();
        foreach (var transition in All.Where(t => t.Roles.Contains(ActorRole.Customer)))
        {
            data.Add(transition.Name);
        }

        return data;
    }

    private static TheoryData<string, DisputeStatus> Moves(bool legal)
    {
        var data = new TheoryData<string, DisputeStatus>();
        foreach (var transition in All)
        {
            // Accepting an already accepted settlement is neither a move nor an error: it has no effect (SettlementTests).
            foreach (var status in Every.Where(s => transition.LegalFrom.Contains(s) == legal && !(transition.Name == "AcceptSettlement" && s == DisputeStatus.Accepted)))
            {
                data.Add(transition.Name, status);
            }
        }

        return data;
    }

    private static TheoryData<string, ActorRole> RoleData(bool allowed)
    {
        var data = new TheoryData<string, ActorRole>();
        foreach (var transition in All)
        {
            foreach (var role in Actors.AllRoles.Where(r => transition.Roles.Contains(r) == allowed))
            {
                data.Add(transition.Name, role);
            }
        }

        return data;
    }
}
