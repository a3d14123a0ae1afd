using Litiges.Deadlines;
using Litiges.Disputes;
using Litiges.UnitTests.Builders;

namespace Litiges.UnitTests.Disputes;

public class DisputeLifeCycleTests
{
    // The builder's default claim: one whole invoice of 100.00 + 20 % VAT.
    private const decimal Claimed = 120.00m;

    public static TheoryData<string, DisputeStatus> LegalMoves => Transitions.LegalMoves();

    public static TheoryData<string, DisputeStatus> IllegalMoves => Transitions.IllegalMoves();

    public static TheoryData<string, ActorRole> AllowedRoles => Transitions.AllowedRoles();

    public static TheoryData<string, ActorRole> RefusedRoles => Transitions.RefusedRoles();

    public static TheoryData<string> OpenToCustomers => Transitions.OpenToCustomers();

    [Fact]
    public void The_table_covers_every_act_of_the_history_but_opening_evidence_and_tasks()
    {
        // Evidence, internal tasks and structured settlements are tested on their own (TaskTests, SettlementTests).
        DisputeAction[] notInTable =
        [
            DisputeAction.Opened,
            DisputeAction.EvidenceAdded,
            DisputeAction.EvidenceShared,
            DisputeAction.TaskOpened,
            DisputeAction.TaskCompleted,
            DisputeAction.TaskCancelled,
            DisputeAction.TaskAnswered,
            DisputeAction.ApprovalRequested,
            DisputeAction.SettlementApproved,
            DisputeAction.SettlementRefused,
        ];
        var covered = Transitions.All.Select(t => t.HistoryAction).Order().ToList();

        Assert.Equal(Enum.GetValues<DisputeAction>().Except(notInTable).Order(), covered);
    }

    [Theory]
    [MemberData(nameof(LegalMoves))]
    public void A_legal_transition_lands_in_its_status_and_writes_one_history_entry(string name, DisputeStatus from)
    {
        var transition = Transitions.Named(name);
        var builder = new DisputeBuilder();
        var dispute = builder.In(from);
        var invoice = dispute.Items.Single().Invoice!;
        var previous = dispute.History[^1];
        builder.Clock.Advance(TimeSpan.FromMinutes(5));
        var now = builder.Clock.GetUtcNow();

        transition.Apply(dispute, transition.Actor, now);

        var to = transition.Target(from);
        Assert.Equal(to, dispute.Status);
        Assert.Equal(previous.Sequence + 1, dispute.History.Count);
        Assert.Equal(dispute.History.Count, dispute.HistoryCount);
        var entry = dispute.History[^1];
        Assert.Equal(previous.Sequence + 1, entry.Sequence);
        Assert.Equal(transition.HistoryAction, entry.Action);
        Assert.Equal(from, entry.FromStatus);
        Assert.Equal(to, entry.ToStatus);
        Assert.Equal(transition.Actor.UserId, entry.ActorUserId);
        Assert.Equal(transition.Actor.DisplayName, entry.ActorName);
        Assert.Equal(transition.Actor.Role, entry.ActorRole);
        Assert.Equal(transition.IsPublic, entry.IsPublic);
        Assert.Equal(transition.Text, entry.Text);
        Assert.Equal(now, entry.At);
        Assert.Equal(previous.Hash, entry.PreviousHash);
        Assert.Equal(now, dispute.LastActivityAt);

        // While the dispute is open its amount is held out of dunning; once it has ended, nothing is.
        Assert.Equal(to.IsOpen() ? Claimed : 0m, invoice.BlockedAmount);
        Assert.Equal(to.IsOpen() ? 1 : 0, invoice.DunningBlocks.Count(b => b.IsActive));
    }

    [Theory]
    [MemberData(nameof(IllegalMoves))]
    public void An_illegal_transition_is_refused_and_changes_nothing(string name, DisputeStatus from)
    {
        var transition = Transitions.Named(name);
        var builder = new DisputeBuilder();
        var dispute = builder.In(from);
        var before = DisputeSnapshot.Of(dispute);
        builder.Clock.Advance(TimeSpan.FromMinutes(5));

        var refused = Assert.Throws<DomainException>(() => transition.Apply(dispute, transition.Actor, builder.Clock.GetUtcNow()));

        Assert.Equal("Dispute.IllegalTransition", refused.Code);
        Assert.Equal([transition.HistoryAction, from], refused.Arguments);
        Assert.Equal(before, DisputeSnapshot.Of(dispute));
    }

    [Theory]
    [MemberData(nameof(AllowedRoles))]
    public void Each_allowed_role_may_make_the_transition(string name, ActorRole role)
    {
        var transition = Transitions.Named(name);
        var builder = new DisputeBuilder();
        var from = transition.LegalFrom[0];
        var dispute = builder.In(from);
        var actor = Actors.WithRole(role);

        transition.Apply(dispute, actor, builder.Clock.GetUtcNow());

        Assert.Equal(transition.Target(from), dispute.Status);
        Assert.Equal(role, dispute.History[^1].ActorRole);
        Assert.Equal(actor.UserId, dispute.History[^1].ActorUserId);
    }

    [Theory]
    [MemberData(nameof(RefusedRoles))]
    public void A_role_not_allowed_is_refused_and_changes_nothing(string name, ActorRole role)
    {
        var transition = Transitions.Named(name);
        var builder = new DisputeBuilder();
        var dispute = builder.In(transition.LegalFrom[0]);
        var before = DisputeSnapshot.Of(dispute);

        var refused = Assert.Throws<DomainException>(() => transition.Apply(dispute, Actors.WithRole(role), builder.Clock.GetUtcNow()));

        Assert.Equal("Dispute.RoleNotAllowed", refused.Code);
        Assert.Equal(before, DisputeSnapshot.Of(dispute));
    }

    [Theory]
    [MemberData(nameof(OpenToCustomers))]
    public void A_customer_of_another_company_is_refused_and_changes_nothing(string name)
    {
        var transition = Transitions.Named(name);
        var builder = new DisputeBuilder();
        var dispute = builder.In(transition.LegalFrom[0]);
        var before = DisputeSnapshot.Of(dispute);

        var refused = Assert.Throws<DomainException>(() => transition.Apply(dispute, Actors.CustomerOfCompany2, builder.Clock.GetUtcNow()));

        Assert.Equal("Dispute.NotYourCompany", refused.Code);
        Assert.Equal(before, DisputeSnapshot.Of(dispute));
    }

    // A few rows of the tables above, spelled out.

    [Fact]
    public void Customer_cannot_withdraw_a_resolved_dispute()
    {
        var builder = new DisputeBuilder();
        var dispute = builder.In(DisputeStatus.Resolved);

        var refused = Assert.Throws<DomainException>(() => dispute.Withdraw(Actors.CustomerOfCompany1, null, builder.Clock.GetUtcNow()));

        Assert.Equal("Dispute.IllegalTransition", refused.Code);
        Assert.Equal(DisputeStatus.Resolved, dispute.Status);
    }

    [Fact]
    public void Agent_cannot_accept_a_settlement_for_the_customer()
    {
        var builder = new DisputeBuilder();
        var dispute = builder.In(DisputeStatus.SettlementProposed);

        var refused = Assert.Throws<DomainException>(() => dispute.AcceptSettlement(Actors.Agent, builder.Clock.GetUtcNow()));

        Assert.Equal("Dispute.RoleNotAllowed", refused.Code);
        Assert.Equal(DisputeStatus.SettlementProposed, dispute.Status);
    }

    [Fact]
    public void Declining_a_settlement_sends_the_dispute_back_to_review()
    {
        var builder = new DisputeBuilder();
        var dispute = builder.In(DisputeStatus.SettlementProposed);

        dispute.DeclineSettlement(Actors.CustomerOfCompany1, null, builder.Clock.GetUtcNow());

        Assert.Equal(DisputeStatus.InReview, dispute.Status);
        Assert.Null(dispute.History[^1].Text);
        dispute.ProposeSettlement(Actors.CreditManager, DisputeDriver.Gesture(builder.Clock.GetUtcNow()), DisputeDriver.Limits, 0m, builder.Clock.GetUtcNow());
        Assert.Equal(DisputeStatus.SettlementProposed, dispute.Status);
    }

    // Opening

    [Fact]
    public void Opening_a_dispute_submits_it_with_an_opening_history_entry()
    {
        var builder = new DisputeBuilder().Described("  Prix unitaire différent du devis.  ");

        var dispute = builder.Open();

        Assert.Equal(DisputeStatus.Submitted, dispute.Status);
        Assert.Equal(DisputeBuilder.Submitted, dispute.SubmittedAt);
        Assert.Equal("FAC", dispute.ReasonCode);
        Assert.Equal(ReasonCodeBuilder.BillingDepartment, dispute.DepartmentId);
        Assert.Equal(DisputeCategory.Financial, dispute.Category);
        Assert.Equal(Claimed, dispute.DisputedAmount);
        Assert.Equal("Prix unitaire différent du devis.", dispute.Description);
        var entry = Assert.Single(dispute.History);
        Assert.Equal(1, entry.Sequence);
        Assert.Equal(DisputeAction.Opened, entry.Action);
        Assert.Equal(DisputeStatus.Submitted, entry.FromStatus);
        Assert.Equal(DisputeStatus.Submitted, entry.ToStatus);
        Assert.Equal(Actors.CustomerOfCompany1.UserId, entry.ActorUserId);
        Assert.True(entry.IsPublic);
        Assert.Equal(string.Empty, entry.PreviousHash);
    }

    [Theory]
    [InlineData(ActorRole.Customer)]
    [InlineData(ActorRole.Agent)]
    [InlineData(ActorRole.CreditManager)]
    [InlineData(ActorRole.System)]
    public void A_customer_staff_on_their_behalf_or_the_ERP_may_open_a_dispute(ActorRole role)
    {
        var dispute = new DisputeBuilder().OpenedBy(Actors.WithRole(role)).Open();

        Assert.Equal(DisputeStatus.Submitted, dispute.Status);
        Assert.Equal(role, dispute.History[0].ActorRole);
    }

    [Theory]
    [InlineData(ActorRole.Resolver)]
    [InlineData(ActorRole.Finance)]
    [InlineData(ActorRole.Admin)]
    public void Other_roles_may_not_open_a_dispute(ActorRole role)
    {
        var invoice = new InvoiceBuilder().Build();
        var builder = new DisputeBuilder().OpenedBy(Actors.WithRole(role)).Claiming(invoice);

        var refused = Assert.Throws<DomainException>(builder.Open);

        Assert.Equal("Dispute.RoleNotAllowed", refused.Code);
        Assert.Equal(0m, invoice.BlockedAmount);
    }

    [Fact]
    public void Customer_cannot_open_a_dispute_for_another_company()
    {
        var invoice = new InvoiceBuilder().Build();
        var builder = new DisputeBuilder().OpenedBy(Actors.CustomerOfCompany2, DisputeSource.CustomerPortal).Claiming(invoice);

        var refused = Assert.Throws<DomainException>(builder.Open);

        Assert.Equal("Dispute.NotYourCompany", refused.Code);
        Assert.Empty(invoice.DunningBlocks);
    }

    [Fact]
    public void A_dispute_cannot_be_opened_under_an_inactive_reason_code()
    {
        var builder = new DisputeBuilder().WithReasonCode(new ReasonCodeBuilder().Inactive().Build());

        Assert.Equal("Dispute.ReasonCodeInactive", Assert.Throws<DomainException>(builder.Open).Code);
    }

    [Fact]
    public void A_dispute_needs_a_description()
    {
        var builder = new DisputeBuilder().Described("   ");

        Assert.Equal("Dispute.DescriptionRequired", Assert.Throws<DomainException>(builder.Open).Code);
    }

    [Fact]
    public void Qualifying_moves_the_dispute_to_the_codes_department_and_deadlines()
    {
        var builder = new DisputeBuilder();
        var dispute = builder.In(DisputeStatus.InReview);
        var slow = new SlaPolicy(5, 15, 40, 3);
        var reasonCode = new ReasonCodeBuilder()
            .Coded("qua ", new("Qualité", "Quality"))
            .ForDepartment(7)
            .InCategory(DisputeCategory.Operational)
            .WithSla(slow)
            .Build();

        dispute.Qualify(Actors.Agent, reasonCode, builder.Clock.GetUtcNow());

        Assert.Equal("QUA", dispute.ReasonCode);
        Assert.Equal(7, dispute.DepartmentId);
        Assert.Equal(DisputeCategory.Operational, dispute.Category);
        Assert.Equal(slow, dispute.Sla);
        Assert.Equal("FAC → QUA", dispute.History[^1].Text);
    }

    // Reject and close

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Rejecting_without_a_reason_is_refused(string reason)
    {
        var builder = new DisputeBuilder();
        var dispute = builder.In(DisputeStatus.InReview);
        var before = DisputeSnapshot.Of(dispute);

        var refused = Assert.Throws<DomainException>(() => dispute.Reject(Actors.Agent, reason, builder.Clock.GetUtcNow()));

        Assert.Equal("Dispute.RejectionReasonRequired", refused.Code);
        Assert.Equal(before, DisputeSnapshot.Of(dispute));
        Assert.Null(dispute.RejectionReason);
    }

    [Fact]
    public void Rejecting_records_the_reason_told_to_the_customer()
    {
        var builder = new DisputeBuilder();
        var dispute = builder.In(DisputeStatus.InReview);
        var now = builder.Clock.GetUtcNow();

        dispute.Reject(Actors.CreditManager, " Livraison conforme. ", now);

        Assert.Equal("Livraison conforme.", dispute.RejectionReason);
        Assert.Equal(now, dispute.EndedAt);
        Assert.Equal((now - dispute.SubmittedAt).TotalDays, dispute.ResolutionDays);
        Assert.True(dispute.ResolutionDays > 0);
        Assert.Equal(now, dispute.FirstAnsweredAt);
        Assert.True(dispute.History[^1].IsPublic);
    }

    [Fact]
    public void Closing_requires_an_active_root_cause()
    {
        var builder = new DisputeBuilder();
        var dispute = builder.In(DisputeStatus.Resolved);
        var before = DisputeSnapshot.Of(dispute);

        var refused = Assert.Throws<DomainException>(() => dispute.Close(Actors.Agent, RootCauses.Inactive(), builder.Clock.GetUtcNow()));

        Assert.Equal("Dispute.RootCauseInactive", refused.Code);
        Assert.Equal(before, DisputeSnapshot.Of(dispute));
        Assert.Null(dispute.ClosedAt);
    }

    [Fact]
    public void Closing_records_the_root_cause_and_when()
    {
        var builder = new DisputeBuilder();
        var dispute = builder.In(DisputeStatus.Rejected);
        builder.Clock.Advance(TimeSpan.FromDays(1));
        var now = builder.Clock.GetUtcNow();

        dispute.Close(Actors.CreditManager, RootCauses.PricingError(), now);

        Assert.Equal(DisputeStatus.Closed, dispute.Status);
        Assert.Equal(now, dispute.ClosedAt);
        Assert.Equal(0, dispute.RootCauseId); // the builder's root cause is not saved, so its id is 0
        Assert.Equal("PRIX", dispute.History[^1].Text);
    }

    // Reopen

    [Theory]
    [InlineData(DisputeStatus.Resolved)]
    [InlineData(DisputeStatus.Rejected)]
    [InlineData(DisputeStatus.Closed)]
    public void Customer_can_reopen_an_ended_dispute_within_the_window(DisputeStatus status)
    {
        var builder = new DisputeBuilder();
        var dispute = builder.In(status);
        builder.Clock.Advance(TimeSpan.FromDays(29));

        dispute.Reopen(Actors.CustomerOfCompany1, "L'avoir n'a pas été reçu.", TimeSpan.FromDays(30), builder.Clock.GetUtcNow());

        Assert.Equal(DisputeStatus.InReview, dispute.Status);
        Assert.Equal(1, dispute.ReopenCount);
        Assert.Null(dispute.EndedAt);
        Assert.Null(dispute.ResolutionDays);
        Assert.Null(dispute.ClosedAt);
        Assert.Null(dispute.RejectionReason);
        Assert.Null(dispute.RootCauseId);
        Assert.Equal(DisputeAction.Reopened, dispute.History[^1].Action);
        Assert.Equal(status, dispute.History[^1].FromStatus);
    }

    [Fact]
    public void Reopening_on_the_last_instant_of_the_window_is_allowed()
    {
        var builder = new DisputeBuilder();
        var dispute = builder.In(DisputeStatus.Resolved);
        builder.Clock.Advance(TimeSpan.FromDays(30));

        dispute.Reopen(Actors.Agent, "Avoir erroné.", TimeSpan.FromDays(30), builder.Clock.GetUtcNow());

        Assert.Equal(DisputeStatus.InReview, dispute.Status);
    }

    [Theory]
    [InlineData(DisputeStatus.Resolved)]
    [InlineData(DisputeStatus.Rejected)]
    public void Reopening_after_the_window_is_refused(DisputeStatus status)
    {
        var builder = new DisputeBuilder();
        var dispute = builder.In(status);
        builder.Clock.Advance(TimeSpan.FromDays(30) + TimeSpan.FromMinutes(1));
        var before = DisputeSnapshot.Of(dispute);

        var refused = Assert.Throws<DomainException>(
            () => dispute.Reopen(Actors.CustomerOfCompany1, "L'avoir n'a pas été reçu.", TimeSpan.FromDays(30), builder.Clock.GetUtcNow()));

        Assert.Equal("Dispute.ReopenWindowPassed", refused.Code);
        Assert.Equal([30], refused.Arguments);
        Assert.Equal(before, DisputeSnapshot.Of(dispute));
        Assert.Equal(0, dispute.ReopenCount);
    }

    [Fact]
    public void Reopening_needs_a_reason()
    {
        var builder = new DisputeBuilder();
        var dispute = builder.In(DisputeStatus.Resolved);
        var before = DisputeSnapshot.Of(dispute);

        var refused = Assert.Throws<DomainException>(
            () => dispute.Reopen(Actors.Agent, " ", TimeSpan.FromDays(30), builder.Clock.GetUtcNow()));

        Assert.Equal("Dispute.ReopenReasonRequired", refused.Code);
        Assert.Equal(before, DisputeSnapshot.Of(dispute));
    }

    [Fact]
    public void A_dispute_reopened_twice_counts_both()
    {
        var builder = new DisputeBuilder();
        var dispute = builder.In(DisputeStatus.Rejected);
        dispute.Reopen(Actors.Agent, "Nouvel élément.", Transitions.ReopenWindow, builder.Clock.GetUtcNow());
        dispute.DriveTo(DisputeStatus.Resolved, builder.Clock);

        dispute.Reopen(Actors.CustomerOfCompany1, "Avoir incomplet.", Transitions.ReopenWindow, builder.Clock.GetUtcNow());

        Assert.Equal(2, dispute.ReopenCount);
        Assert.Equal(DisputeStatus.InReview, dispute.Status);
    }

    // Messages and the SLA pause

    [Fact]
    public void Requesting_information_posts_the_question_and_pauses_the_deadlines()
    {
        var builder = new DisputeBuilder();
        var dispute = builder.In(DisputeStatus.InReview);
        builder.Clock.Advance(TimeSpan.FromHours(2));
        var asked = builder.Clock.GetUtcNow();

        dispute.RequestInformation(Actors.Agent, Transitions.Question, asked);

        var message = Assert.Single(dispute.Messages);
        Assert.Equal(Transitions.Question, message.Body);
        Assert.Equal(Actors.Agent.UserId, message.AuthorUserId);
        Assert.False(message.FromCustomer);
        Assert.Equal(asked, message.At);
        var pause = Assert.Single(dispute.Pauses);
        Assert.Equal(asked, pause.Start);
        Assert.Null(pause.End);
        Assert.Equal(asked, dispute.FirstAnsweredAt);
        builder.Clock.Advance(TimeSpan.FromDays(3));
        Assert.True(dispute.Deadlines(builder.Clock.GetUtcNow()).Single(d => d.Kind == DeadlineKind.Resolve).Paused);
    }

    [Fact]
    public void Requesting_information_without_a_question_is_refused()
    {
        var builder = new DisputeBuilder();
        var dispute = builder.In(DisputeStatus.InReview);
        var before = DisputeSnapshot.Of(dispute);

        var refused = Assert.Throws<DomainException>(() => dispute.RequestInformation(Actors.Agent, "  ", builder.Clock.GetUtcNow()));

        Assert.Equal("Dispute.QuestionRequired", refused.Code);
        Assert.Equal(before, DisputeSnapshot.Of(dispute));
    }

    [Fact]
    public void The_customers_reply_ends_the_pause_and_the_deadlines_run_again()
    {
        var builder = new DisputeBuilder();
        var dispute = builder.In(DisputeStatus.AwaitingCustomer);
        builder.Clock.Advance(TimeSpan.FromDays(2));
        var replied = builder.Clock.GetUtcNow();

        dispute.ReplyToRequest(Actors.CustomerOfCompany1, Transitions.Answer, replied);

        Assert.Equal(2, dispute.Messages.Count);
        Assert.True(dispute.Messages[1].FromCustomer);
        Assert.Equal(Transitions.Answer, dispute.Messages[1].Body);
        var pause = Assert.Single(dispute.Pauses);
        Assert.Equal(replied, pause.End);
        Assert.False(dispute.Deadlines(replied).Single(d => d.Kind == DeadlineKind.Resolve).Paused);
    }

    [Fact]
    public void Withdrawing_while_awaiting_the_customer_ends_the_pause()
    {
        var builder = new DisputeBuilder();
        var dispute = builder.In(DisputeStatus.AwaitingCustomer);
        builder.Clock.Advance(TimeSpan.FromDays(1));
        var withdrawn = builder.Clock.GetUtcNow();

        dispute.Withdraw(Actors.CustomerOfCompany1, null, withdrawn);

        Assert.Equal(DisputeStatus.Withdrawn, dispute.Status);
        Assert.Equal(withdrawn, Assert.Single(dispute.Pauses).End);
        Assert.Equal(withdrawn, dispute.EndedAt);
    }

    [Fact]
    public void A_message_from_staff_counts_as_the_first_answer_but_one_from_the_customer_does_not()
    {
        var builder = new DisputeBuilder();
        var dispute = builder.In(DisputeStatus.InReview);
        var fromCustomer = builder.Clock.GetUtcNow();

        dispute.PostMessage(Actors.CustomerOfCompany1, "Des nouvelles ?", fromCustomer);
        Assert.Null(dispute.FirstAnsweredAt);

        builder.Clock.Advance(TimeSpan.FromHours(1));
        dispute.PostMessage(Actors.Agent, "Nous vérifions auprès de la logistique.", builder.Clock.GetUtcNow());

        Assert.Equal(builder.Clock.GetUtcNow(), dispute.FirstAnsweredAt);
        Assert.Equal([true, false], dispute.Messages.Select(m => m.FromCustomer));
        Assert.Equal(DisputeStatus.InReview, dispute.Status);
    }

    [Fact]
    public void An_internal_note_is_not_public_and_adds_no_message()
    {
        var builder = new DisputeBuilder();
        var dispute = builder.In(DisputeStatus.InReview);

        dispute.AddInternalNote(Actors.Resolver, "Avoir en cours de saisie.", builder.Clock.GetUtcNow());

        Assert.False(dispute.History[^1].IsPublic);
        Assert.Empty(dispute.Messages);
    }
}
