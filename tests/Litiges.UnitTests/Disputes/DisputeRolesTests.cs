using Litiges.Disputes;
using Litiges.Invoices;
using Litiges.Settlements;
using Litiges.UnitTests.Builders;

namespace Litiges.UnitTests.Disputes;

/// <summary>
/// The questions the back-office pages ask before offering an act (<see cref="DisputeRoles"/>)
/// answer exactly what the dispute itself then allows: no button that is refused, no act hidden
/// from someone who may do it.
/// </summary>
public sealed class DisputeRolesTests
{
    private static readonly DelegationLimits Limits = new(DelegationLimit.Defaults());

    public static TheoryData<ActorRole> Roles() => [.. Actors.AllRoles];

    [Theory]
    [MemberData(nameof(Roles))]
    public void Completing_a_task_is_offered_exactly_to_whom_the_dispute_allows_it(ActorRole role)
    {
        var builder = new DisputeBuilder();
        var dispute = builder.In(DisputeStatus.InReview);
        var now = builder.Clock.GetUtcNow();
        var task = dispute.OpenTask(Actors.Agent, "Vérifier le prix", ReasonCodeBuilder.BillingDepartment, null, null, DateOnly.FromDateTime(now.UtcDateTime).AddDays(2), 0m, now);
        var actor = Actors.WithRole(role);

        var offered = DisputeRoles.MayCompleteTask(actor, task);
        var allowed = Record.Exception(() => dispute.CompleteTask(actor, task.Id, null, now)) is null;

        Assert.Equal(allowed, offered);
    }

    [Fact]
    public void A_resolver_of_the_tasks_department_may_complete_it_and_one_of_another_may_not()
    {
        var builder = new DisputeBuilder();
        var dispute = builder.In(DisputeStatus.InReview);
        var now = builder.Clock.GetUtcNow();
        var task = dispute.OpenTask(Actors.Agent, "Vérifier le prix", ReasonCodeBuilder.BillingDepartment, null, null, DateOnly.FromDateTime(now.UtcDateTime).AddDays(2), 0m, now);

        Assert.True(DisputeRoles.MayCompleteTask(Actors.Resolver, task));
        Assert.False(DisputeRoles.MayCompleteTask(Actors.Resolver with { DepartmentId = ReasonCodeBuilder.BillingDepartment + 1 }, task));
    }

    [Theory]
    [MemberData(nameof(Roles))]
    public void Deciding_a_waiting_proposal_is_offered_exactly_to_whom_the_dispute_allows_it(ActorRole role)
    {
        var builder = new DisputeBuilder();
        var invoice = new InvoiceBuilder().WithLine(10, 1000m, 0.20m).Build();
        var dispute = builder.Claiming(invoice).In(DisputeStatus.InReview);
        var now = builder.Clock.GetUtcNow();
        // 2 400 € incl. VAT: above the agent's 500 €, within the credit manager's 5 000 €.
        var proposal = dispute.ProposeSettlement(Actors.Agent, new SettlementDraft(SettlementKind.CreditNote, "Avoir sur le prix") { Credits = [new ProposedCredit(invoice.Id, null, "Écart de prix", 1, 2000m, 0.20m)] }, Limits, 50m, now);
        Assert.Equal(ProposalStatus.AwaitingApproval, proposal.Status);
        var actor = Actors.WithRole(role);

        var offered = DisputeRoles.MayDecideSettlement(actor.Role, Limits, proposal.Value);
        var allowed = Record.Exception(() => dispute.ApproveSettlement(actor, proposal.Id, Limits, now)) is null;

        Assert.Equal(allowed, offered);
    }
}
