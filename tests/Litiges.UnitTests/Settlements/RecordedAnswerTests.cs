using Litiges.Disputes;
using Litiges.Settlements;
using Litiges.UnitTests.Builders;

namespace Litiges.UnitTests.Settlements;

/// <summary>Staff record a customer's answer received outside the portal: the customer's act, on their behalf, said so.</summary>
public sealed class RecordedAnswerTests
{
    private readonly DisputeBuilder _builder = new();

    private DateTimeOffset Now => _builder.Clock.GetUtcNow();

    private DateOnly Today => Litiges.Deadlines.BusinessDate.Of(Now);

    private ReceivedAnswer ByLetter(DateOnly? on = null) => new("  Jean Dupont ", "jean.dupont@client.example", null, AnswerChannel.Letter, on ?? Today);

    [Fact]
    public void An_acceptance_recorded_by_staff_accepts_the_proposal_and_says_who_recorded_it_for_whom_how_and_when()
    {
        var dispute = _builder.In(DisputeStatus.SettlementProposed);

        dispute.AcceptSettlement(Actors.Agent, ByLetter(), " D'accord. ", Now);

        Assert.Equal(DisputeStatus.Accepted, dispute.Status);
        var entry = dispute.History[^1];
        Assert.Equal((DisputeAction.SettlementAccepted, Actors.Agent.UserId, true), (entry.Action, entry.ActorUserId, entry.IsPublic));
        Assert.Equal($"Réponse du client enregistrée par {Actors.Agent.DisplayName} pour le compte de Jean Dupont <jean.dupont@client.example>, reçue par courrier le {Today:dd/MM/yyyy}.\nD'accord.", entry.Text);
        var proposal = dispute.Proposals.Single();
        Assert.Equal(
            (ProposalStatus.Accepted, "Jean Dupont", AnswerChannel.Letter, Today, Actors.Agent.DisplayName, "D'accord."),
            (proposal.Status, proposal.RespondedByName, proposal.AnswerChannel, proposal.AnswerReceivedOn, proposal.AnswerRecordedByName, proposal.CustomerComment));
        Assert.True(proposal.AnswerRecordedByStaff);
        Assert.Null(dispute.FirstBrokenHistoryEntry());
    }

    [Fact]
    public void A_decline_recorded_by_staff_sends_the_dispute_back_to_review()
    {
        var dispute = _builder.In(DisputeStatus.SettlementProposed);

        dispute.DeclineSettlement(Actors.CreditManager, ByLetter() with { Channel = AnswerChannel.Phone }, null, Now);

        Assert.Equal(DisputeStatus.InReview, dispute.Status);
        Assert.Equal(ProposalStatus.Declined, dispute.Proposals.Single().Status);
        Assert.Contains("reçue par téléphone", dispute.History[^1].Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ActorRole.Customer)]
    [InlineData(ActorRole.Resolver)]
    [InlineData(ActorRole.Finance)]
    [InlineData(ActorRole.Admin)]
    [InlineData(ActorRole.System)]
    public void Only_customer_service_and_the_credit_manager_record_an_answer(ActorRole role)
    {
        var dispute = _builder.In(DisputeStatus.SettlementProposed);
        var before = DisputeSnapshot.Of(dispute);

        var refused = Assert.Throws<DomainException>(() => dispute.AcceptSettlement(Actors.WithRole(role), ByLetter(), null, Now));

        Assert.Equal("Dispute.RoleNotAllowed", refused.Code);
        Assert.Equal(before, DisputeSnapshot.Of(dispute));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(-30)]
    public void An_answer_dated_after_today_or_before_the_proposal_is_refused(int days)
    {
        var dispute = _builder.In(DisputeStatus.SettlementProposed);
        var before = DisputeSnapshot.Of(dispute);

        var refused = Assert.Throws<DomainException>(() => dispute.AcceptSettlement(Actors.Agent, ByLetter(Today.AddDays(days)), null, Now));

        Assert.Equal("Settlement.AnswerDateOutOfRange", refused.Code);
        Assert.Equal(before, DisputeSnapshot.Of(dispute));
        Assert.Equal(ProposalStatus.Proposed, dispute.Proposals.Single().Status);
    }

    [Fact]
    public void An_answer_without_a_name_or_with_an_unreadable_address_is_refused()
    {
        var dispute = _builder.In(DisputeStatus.SettlementProposed);

        Assert.Equal("Settlement.AnswerContactRequired", Assert.Throws<DomainException>(() => dispute.AcceptSettlement(Actors.Agent, ByLetter() with { ContactName = " " }, null, Now)).Code);
        Assert.Equal("Settlement.AnswerContactEmailInvalid", Assert.Throws<DomainException>(() => dispute.AcceptSettlement(Actors.Agent, ByLetter() with { ContactEmail = "jean@" }, null, Now)).Code);
        Assert.Equal(DisputeStatus.SettlementProposed, dispute.Status);
    }

    [Fact]
    public void No_answer_can_be_recorded_while_no_proposal_waits_for_one()
    {
        var dispute = _builder.In(DisputeStatus.InReview);

        var refused = Assert.Throws<DomainException>(() => dispute.AcceptSettlement(Actors.Agent, ByLetter(), null, Now));

        Assert.Equal("Dispute.IllegalTransition", refused.Code);
    }

    [Fact]
    public void Staff_open_a_dispute_only_for_a_named_contact()
    {
        var refused = Assert.Throws<DomainException>(() => Dispute.Open(
            "LIT-2026-999999",
            Actors.Company1,
            new ReasonCodeBuilder().Build(),
            "Remise non appliquée",
            DesiredOutcome.CreditNote,
            [new DisputeClaim(new InvoiceBuilder().OfCompany(Actors.Company1).Build(), null, 10m)],
            DisputeSource.DunningCall,
            Actors.Agent,
            Now,
            new DisputeContact(" ", "x@client.example", null)));

        Assert.Equal("Dispute.ContactRequired", refused.Code);
    }

    [Fact]
    public void A_dispute_staff_open_says_who_opened_it_for_whom_and_how_it_came_in()
    {
        var dispute = Dispute.Open(
            "LIT-2026-999998",
            Actors.Company1,
            new ReasonCodeBuilder().Build(),
            "Remise non appliquée",
            DesiredOutcome.CreditNote,
            [new DisputeClaim(new InvoiceBuilder().OfCompany(Actors.Company1).Build(), null, 10m)],
            DisputeSource.SalesRepresentative,
            Actors.CreditManager,
            Now,
            new DisputeContact("Paul Martin", null, "04 72 00 00 00"));

        Assert.Equal($"Ouvert par {Actors.CreditManager.DisplayName} pour le compte de Paul Martin (signalé par le commercial).\nRemise non appliquée", dispute.History.Single().Text);
        Assert.Equal("Remise non appliquée", dispute.Description);
    }
}
