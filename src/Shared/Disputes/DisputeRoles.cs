using Litiges.Settlements;

namespace Litiges.Disputes;

/// <summary>
/// Who may do what on a dispute, said once: the dispute's methods check these rules, and the
/// back-office pages ask them to show only the actions the user may take.
/// </summary>
public static class DisputeRoles
{
    /// <summary>Customer service and the credit manager work the dispute: acknowledge, ask, reject, close, reopen, share evidence, open and cancel tasks.</summary>
    public static readonly ActorRole[] Work = [ActorRole.Agent, ActorRole.CreditManager];

    /// <summary>Who may propose a settlement (within their delegation limit).</summary>
    public static readonly ActorRole[] Propose = [ActorRole.Agent, ActorRole.CreditManager, ActorRole.Finance];

    /// <summary>Who may approve or refuse a proposal waiting above its author's limit (within their own limit).</summary>
    public static readonly ActorRole[] Decide = [ActorRole.CreditManager, ActorRole.Finance, ActorRole.Agent];

    /// <summary>Staff who may add evidence (the customer too, on the portal).</summary>
    public static readonly ActorRole[] AddEvidence = [ActorRole.Agent, ActorRole.CreditManager, ActorRole.Resolver, ActorRole.Finance];

    /// <summary>Staff who open a dispute for a customer (from a call, an e-mail, a dunning call, the sales rep), and record a customer's answer received outside the portal.</summary>
    public static readonly ActorRole[] OpenForCustomer = Work;

    /// <summary>Who may carry out an accepted settlement of some kind (the kind then narrows it: <see cref="MayCompleteSettlement"/>).</summary>
    public static readonly ActorRole[] Complete = [.. Propose, ActorRole.System];

    public static bool MayWork(ActorRole role) => Work.Contains(role);

    public static bool MayOpenForCustomer(ActorRole role) => OpenForCustomer.Contains(role);

    public static bool MayPropose(ActorRole role) => Propose.Contains(role);

    public static bool MayAddEvidence(ActorRole role) => role == ActorRole.Customer || AddEvidence.Contains(role);

    /// <summary>A waiting proposal is decided by a role whose delegation limit covers its value.</summary>
    public static bool MayDecideSettlement(ActorRole role, DelegationLimits limits, decimal value) =>
        Decide.Contains(role) && limits.Covers(role, value);

    /// <summary>A credit note is carried out by issuing it (finance, or the automatic issue); any other settlement by whoever may propose one.</summary>
    public static bool MayCompleteSettlement(ActorRole role, SettlementKind kind) =>
        kind == SettlementKind.CreditNote ? role is ActorRole.Finance or ActorRole.System : role == ActorRole.System || Propose.Contains(role);

    /// <summary>A task is done by whoever works the dispute, or by the person or department it was given to.</summary>
    public static bool MayCompleteTask(Actor actor, DisputeTask task) =>
        MayWork(actor.Role) || (actor.IsStaff && task.IsFor(actor));
}
