using Litiges.Disputes;
using Litiges.Invoices;
using Litiges.Settlements;
using Litiges.UnitTests.Builders;

namespace Litiges.UnitTests.Settlements;

/// <summary>Delegation limits and the customer's answer: who may send what, and what accepting or declining does.</summary>
public sealed class SettlementApprovalTests
{
    private const decimal WriteOffThreshold = 50m;

    // The defaults: agent 500 €, credit manager 5 000 €, finance unlimited.
    private static readonly DelegationLimits Limits = new(DelegationLimit.Defaults());

    private readonly DisputeBuilder _builder = new();

    private DateTimeOffset Now => _builder.Clock.GetUtcNow();

    // A dispute in review over an invoice of 10 × 1 000 € at 20 % (12 000 € incl. VAT).
    private (Dispute Dispute, Invoice Invoice) InReview()
    {
        var invoice = new InvoiceBuilder().WithLine(10, 1000m, 0.20m).Build();
        return (_builder.Claiming(invoice).In(DisputeStatus.InReview), invoice);
    }

    private static SettlementDraft Credit(Invoice invoice, decimal net) =>
        new(SettlementKind.CreditNote, "Avoir sur le prix") { Credits = [new ProposedCredit(invoice.Id, null, "Écart de prix", 1, net, 0.20m)] };

    [Fact]
    public void Proposal_within_the_proposers_limit_goes_to_the_customer_at_once()
    {
        var (dispute, invoice) = InReview();

        var proposal = dispute.ProposeSettlement(Actors.Agent, Credit(invoice, 400m), Limits, WriteOffThreshold, Now);

        Assert.Equal(480m, proposal.Value);
        Assert.Equal(ProposalStatus.Proposed, proposal.Status);
        Assert.Equal(DisputeStatus.SettlementProposed, dispute.Status);
    }

    [Fact]
    public void Proposal_above_the_agents_limit_is_not_sent_before_approval()
    {
        var (dispute, invoice) = InReview();
        var historyBefore = dispute.History.Count(h => h.IsPublic);

        var proposal = dispute.ProposeSettlement(Actors.Agent, Credit(invoice, 500m), Limits, WriteOffThreshold, Now);

        Assert.Equal(600m, proposal.Value);
        Assert.Equal(ProposalStatus.AwaitingApproval, proposal.Status);
        Assert.Equal("CreditManager,Finance", proposal.ApprovalRoles);
        Assert.Equal(DisputeStatus.InReview, dispute.Status);
        // The customer is told nothing and cannot accept it.
        Assert.Equal(historyBefore, dispute.History.Count(h => h.IsPublic));
        Assert.Throws<DomainException>(() => dispute.AcceptSettlement(Actors.CustomerOfCompany1, Now, "203.0.113.7"));
        Assert.Equal(ProposalStatus.AwaitingApproval, proposal.Status);
        Assert.Null(proposal.RespondedAt);
        // Nor can a second proposal go around it.
        var second = Assert.Throws<DomainException>(() => dispute.ProposeSettlement(Actors.Agent, Credit(invoice, 100m), Limits, WriteOffThreshold, Now));
        Assert.Equal("Settlement.AlreadyActive", second.Code);
    }

    [Fact]
    public void Approval_by_a_role_whose_limit_is_too_low_is_refused_and_one_whose_limit_covers_it_sends_it()
    {
        var (dispute, invoice) = InReview();
        var proposal = dispute.ProposeSettlement(Actors.Agent, Credit(invoice, 5000m), Limits, WriteOffThreshold, Now);
        Assert.Equal(6000m, proposal.Value);
        Assert.Equal("Finance", proposal.ApprovalRoles);

        foreach (var tooLow in new[] { Actors.Agent, Actors.CreditManager })
        {
            var approve = Assert.Throws<DomainException>(() => dispute.ApproveSettlement(tooLow, proposal.Id, Limits, Now));
            Assert.Equal("Settlement.AboveYourLimit", approve.Code);
            var refuse = Assert.Throws<DomainException>(() => dispute.RefuseSettlement(tooLow, proposal.Id, "Trop élevé", Limits, Now));
            Assert.Equal("Settlement.AboveYourLimit", refuse.Code);
        }

        Assert.Equal(ProposalStatus.AwaitingApproval, proposal.Status);
        Assert.Equal(DisputeStatus.InReview, dispute.Status);

        dispute.ApproveSettlement(Actors.Finance, proposal.Id, Limits, Now);

        Assert.Equal(ProposalStatus.Proposed, proposal.Status);
        Assert.Equal(Actors.Finance.DisplayName, proposal.DecidedByName);
        Assert.Equal(DisputeStatus.SettlementProposed, dispute.Status);
    }

    [Fact]
    public void Refused_proposal_never_reaches_the_customer()
    {
        var (dispute, invoice) = InReview();
        var proposal = dispute.ProposeSettlement(Actors.Agent, Credit(invoice, 1000m), Limits, WriteOffThreshold, Now);

        dispute.RefuseSettlement(Actors.CreditManager, proposal.Id, "Le devis ne le justifie pas.", Limits, Now);

        Assert.Equal(ProposalStatus.Refused, proposal.Status);
        Assert.Equal("Le devis ne le justifie pas.", proposal.RefusalReason);
        Assert.Equal(DisputeStatus.InReview, dispute.Status);
        Assert.Null(dispute.ActiveProposal);
    }

    [Fact]
    public void Acceptance_records_who_when_and_from_where_and_accepting_twice_has_one_effect()
    {
        var (dispute, invoice) = InReview();
        var proposal = dispute.ProposeSettlement(Actors.Agent, Credit(invoice, 100m), Limits, WriteOffThreshold, Now);
        _builder.Clock.Advance(TimeSpan.FromHours(2));
        var acceptedAt = Now;

        dispute.AcceptSettlement(Actors.CustomerOfCompany1, acceptedAt, "203.0.113.7", "D'accord");
        var history = dispute.History.Count;
        var version = (proposal.RespondedAt, proposal.RespondedByName, proposal.CustomerComment);
        _builder.Clock.Advance(TimeSpan.FromMinutes(1));
        dispute.AcceptSettlement(Actors.CustomerOfCompany1, Now, "198.51.100.9", "Encore");

        Assert.Equal(DisputeStatus.Accepted, dispute.Status);
        Assert.Equal(ProposalStatus.Accepted, proposal.Status);
        Assert.Equal(acceptedAt, proposal.RespondedAt);
        Assert.Equal(Actors.CustomerOfCompany1.DisplayName, proposal.RespondedByName);
        Assert.Equal(Actors.CustomerOfCompany1.UserId, proposal.RespondedByUserId);
        Assert.Equal("203.0.113.7", proposal.RespondedFrom);
        Assert.Equal(history, dispute.History.Count);
        Assert.Equal(version, (proposal.RespondedAt, proposal.RespondedByName, proposal.CustomerComment));
    }

    [Fact]
    public void Another_companys_customer_cannot_accept()
    {
        var (dispute, invoice) = InReview();
        dispute.ProposeSettlement(Actors.Agent, Credit(invoice, 100m), Limits, WriteOffThreshold, Now);

        Assert.Throws<DomainException>(() => dispute.AcceptSettlement(Actors.CustomerOfCompany2, Now, "203.0.113.7"));
        Assert.Equal(DisputeStatus.SettlementProposed, dispute.Status);
    }

    [Fact]
    public void Declined_proposal_sends_the_dispute_back_to_review_with_the_customers_comment()
    {
        var (dispute, invoice) = InReview();
        var proposal = dispute.ProposeSettlement(Actors.Agent, Credit(invoice, 100m), Limits, WriteOffThreshold, Now);

        dispute.DeclineSettlement(Actors.CustomerOfCompany1, "  Insuffisant : 200 € attendus.  ", Now, "203.0.113.7");

        Assert.Equal(DisputeStatus.InReview, dispute.Status);
        Assert.Equal(ProposalStatus.Declined, proposal.Status);
        Assert.Equal("Insuffisant : 200 € attendus.", proposal.CustomerComment);
        Assert.Equal("203.0.113.7", proposal.RespondedFrom);
        Assert.Null(dispute.ActiveProposal);
        // A new proposal can be made.
        Assert.Equal(ProposalStatus.Proposed, dispute.ProposeSettlement(Actors.Agent, Credit(invoice, 200m), Limits, WriteOffThreshold, Now).Status);
    }
}
