using Litiges.Disputes;
using Litiges.UnitTests.Builders;

namespace Litiges.UnitTests.Disputes;

/// <summary>Internal tasks: who opens them and for whom, who completes or cancels them, and what each leaves in the history.</summary>
public class TaskTests
{
    private static readonly DateOnly Tomorrow = DateOnly.FromDateTime(DisputeBuilder.Submitted.UtcDateTime).AddDays(1);

    [Fact]
    public void Owner_opens_a_task_for_a_department_with_its_due_date_and_cash_at_stake()
    {
        var builder = new DisputeBuilder();
        var dispute = builder.In(DisputeStatus.InReview);
        var now = builder.Clock.GetUtcNow();

        var task = dispute.OpenTask(Actors.Agent, "  Émettre l'avoir  ", ReasonCodeBuilder.BillingDepartment, null, null, Tomorrow, 100_000m, now);

        Assert.Equal(("Émettre l'avoir", ReasonCodeBuilder.BillingDepartment, Tomorrow, 100_000m), (task.Title, task.DepartmentId, task.DueOn, task.CashAtStake));
        Assert.Equal(DisputeTaskStatus.Open, task.Status);
        Assert.Equal(("Sophie Agent", now), (task.CreatedByName, task.CreatedAt));
        var entry = dispute.History[^1];
        Assert.Equal((DisputeAction.TaskOpened, "Émettre l'avoir", false), (entry.Action, entry.Text, entry.IsPublic));
        Assert.Equal(DisputeStatus.InReview, dispute.Status);
    }

    [Fact]
    public void Task_may_name_a_person_instead_of_a_department()
    {
        var builder = new DisputeBuilder();
        var dispute = builder.In(DisputeStatus.InReview);

        var task = dispute.OpenTask(Actors.CreditManager, "Valider l'échéancier", null, Actors.Finance.UserId, Actors.Finance.DisplayName, Tomorrow, 0m, builder.Clock.GetUtcNow());

        Assert.True(task.IsFor(Actors.Finance));
        Assert.False(task.IsFor(Actors.Resolver));
    }

    [Theory]
    [InlineData(ActorRole.Customer)]
    [InlineData(ActorRole.Resolver)]
    [InlineData(ActorRole.Finance)]
    [InlineData(ActorRole.Admin)]
    [InlineData(ActorRole.System)]
    public void Only_customer_service_and_the_credit_manager_open_tasks(ActorRole role)
    {
        var builder = new DisputeBuilder();
        var dispute = builder.In(DisputeStatus.InReview);

        var refused = Assert.Throws<DomainException>(() => dispute.OpenTask(Actors.WithRole(role), "Émettre l'avoir", ReasonCodeBuilder.BillingDepartment, null, null, Tomorrow, 10m, builder.Clock.GetUtcNow()));

        Assert.Equal("Dispute.RoleNotAllowed", refused.Code);
        Assert.Empty(dispute.Tasks);
    }

    [Theory]
    [InlineData(DisputeStatus.Rejected)]
    [InlineData(DisputeStatus.Closed)]
    [InlineData(DisputeStatus.Withdrawn)]
    public void No_task_is_opened_on_an_ended_dispute(DisputeStatus status)
    {
        var builder = new DisputeBuilder();
        var dispute = builder.In(status);

        var refused = Assert.Throws<DomainException>(() => dispute.OpenTask(Actors.Agent, "Émettre l'avoir", ReasonCodeBuilder.BillingDepartment, null, null, Tomorrow, 10m, builder.Clock.GetUtcNow()));

        Assert.Equal("Dispute.IllegalTransition", refused.Code);
    }

    [Theory]
    [InlineData("", 1, 10, "Task.TitleRequired")]
    [InlineData("Émettre l'avoir", null, 10, "Task.NobodyToDoIt")]
    [InlineData("Émettre l'avoir", 1, -1, "Task.CashAtStakeInvalid")]
    [InlineData("Émettre l'avoir", 1, 10.001, "Task.CashAtStakeInvalid")]
    public void Task_needs_a_title_someone_to_do_it_and_a_cash_amount_in_cents(string title, int? departmentId, double cash, string code)
    {
        var builder = new DisputeBuilder();
        var dispute = builder.In(DisputeStatus.InReview);

        var refused = Assert.Throws<DomainException>(() => dispute.OpenTask(Actors.Agent, title, departmentId, null, null, Tomorrow, (decimal)cash, builder.Clock.GetUtcNow()));

        Assert.Equal(code, refused.Code);
        Assert.Empty(dispute.Tasks);
    }

    [Fact]
    public void Task_cannot_be_due_in_the_past_nor_have_an_overlong_title()
    {
        var builder = new DisputeBuilder();
        var dispute = builder.In(DisputeStatus.InReview);
        var now = builder.Clock.GetUtcNow();

        Assert.Equal("Task.DueInThePast", Assert.Throws<DomainException>(() => dispute.OpenTask(Actors.Agent, "Relancer", 1, null, null, Tomorrow.AddDays(-2), 10m, now)).Code);
        Assert.Equal("Dispute.TextTooLong", Assert.Throws<DomainException>(() => dispute.OpenTask(Actors.Agent, new string('x', DisputeTask.MaxTitleLength + 1), 1, null, null, Tomorrow, 10m, now)).Code);
    }

    [Fact]
    public void Resolver_of_the_department_completes_the_task_with_an_outcome()
    {
        var builder = new DisputeBuilder();
        var dispute = builder.In(DisputeStatus.InReview);
        dispute.OpenTask(Actors.Agent, "Émettre l'avoir", ReasonCodeBuilder.BillingDepartment, null, null, Tomorrow, 120m, builder.Clock.GetUtcNow());
        builder.Clock.Advance(TimeSpan.FromHours(2));

        dispute.CompleteTask(Actors.Resolver, 0, " AV-2026-000042 ", builder.Clock.GetUtcNow());

        var task = dispute.Tasks.Single();
        Assert.Equal((DisputeTaskStatus.Done, "AV-2026-000042", "Marc Billing", builder.Clock.GetUtcNow()), (task.Status, task.Outcome, task.CompletedByName, task.CompletedAt));
        Assert.Equal((DisputeAction.TaskCompleted, "Émettre l'avoir — AV-2026-000042", false), (dispute.History[^1].Action, dispute.History[^1].Text, dispute.History[^1].IsPublic));
    }

    [Fact]
    public void The_person_named_completes_their_task()
    {
        var builder = new DisputeBuilder();
        var dispute = builder.In(DisputeStatus.InReview);
        dispute.OpenTask(Actors.Agent, "Valider l'échéancier", null, Actors.Finance.UserId, Actors.Finance.DisplayName, Tomorrow, 0m, builder.Clock.GetUtcNow());

        dispute.CompleteTask(Actors.Finance, 0, null, builder.Clock.GetUtcNow());

        Assert.Equal(DisputeTaskStatus.Done, dispute.Tasks.Single().Status);
        Assert.Equal("Valider l'échéancier", dispute.History[^1].Text);
    }

    [Fact]
    public void Someone_the_task_is_not_for_cannot_complete_it()
    {
        var builder = new DisputeBuilder();
        var dispute = builder.In(DisputeStatus.InReview);
        dispute.OpenTask(Actors.Agent, "Reprendre la palette", ReasonCodeBuilder.LogisticsDepartment, null, null, Tomorrow, 10m, builder.Clock.GetUtcNow());
        var history = dispute.HistoryCount;

        Assert.Equal("Dispute.RoleNotAllowed", Assert.Throws<DomainException>(() => dispute.CompleteTask(Actors.Resolver, 0, null, builder.Clock.GetUtcNow())).Code);
        Assert.Equal("Dispute.RoleNotAllowed", Assert.Throws<DomainException>(() => dispute.CompleteTask(Actors.Finance, 0, null, builder.Clock.GetUtcNow())).Code);
        Assert.Equal("Dispute.RoleNotAllowed", Assert.Throws<DomainException>(() => dispute.CompleteTask(Actors.CustomerOfCompany1, 0, null, builder.Clock.GetUtcNow())).Code);
        Assert.Equal(DisputeTaskStatus.Open, dispute.Tasks.Single().Status);
        Assert.Equal(history, dispute.HistoryCount);
    }

    [Fact]
    public void Only_customer_service_and_the_credit_manager_cancel_a_task()
    {
        var builder = new DisputeBuilder();
        var dispute = builder.In(DisputeStatus.InReview);
        dispute.OpenTask(Actors.Agent, "Émettre l'avoir", ReasonCodeBuilder.BillingDepartment, null, null, Tomorrow, 10m, builder.Clock.GetUtcNow());

        // Even the department the task is for cannot cancel it: it can only do it.
        Assert.Equal("Dispute.RoleNotAllowed", Assert.Throws<DomainException>(() => dispute.CancelTask(Actors.Resolver, 0, builder.Clock.GetUtcNow())).Code);
        dispute.CancelTask(Actors.CreditManager, 0, builder.Clock.GetUtcNow());

        var task = dispute.Tasks.Single();
        Assert.Equal((DisputeTaskStatus.Cancelled, "Hélène Credit"), (task.Status, task.CompletedByName));
        Assert.Equal(DisputeAction.TaskCancelled, dispute.History[^1].Action);
    }

    [Fact]
    public void A_task_done_or_cancelled_is_closed_for_good()
    {
        var builder = new DisputeBuilder();
        var dispute = builder.In(DisputeStatus.InReview);
        var now = builder.Clock.GetUtcNow();
        dispute.OpenTask(Actors.Agent, "Émettre l'avoir", ReasonCodeBuilder.BillingDepartment, null, null, Tomorrow, 10m, now);
        dispute.CompleteTask(Actors.Agent, 0, null, now);

        Assert.Equal("Task.NotOpen", Assert.Throws<DomainException>(() => dispute.CompleteTask(Actors.Agent, 0, null, now)).Code);
        Assert.Equal("Task.NotOpen", Assert.Throws<DomainException>(() => dispute.CancelTask(Actors.Agent, 0, now)).Code);
        Assert.Equal("Task.NotFound", Assert.Throws<DomainException>(() => dispute.CompleteTask(Actors.Agent, 99, null, now)).Code);
    }

    [Fact]
    public void Open_task_of_an_ended_dispute_can_still_be_done()
    {
        var builder = new DisputeBuilder();
        var dispute = builder.In(DisputeStatus.InReview);
        dispute.OpenTask(Actors.Agent, "Reprendre la palette", ReasonCodeBuilder.BillingDepartment, null, null, Tomorrow, 10m, builder.Clock.GetUtcNow());
        dispute.DriveTo(DisputeStatus.Rejected, builder.Clock);

        dispute.CompleteTask(Actors.Resolver, 0, "Palette reprise", builder.Clock.GetUtcNow());

        Assert.Equal(DisputeTaskStatus.Done, dispute.Tasks.Single().Status);
    }

    [Fact]
    public void Overdue_means_open_and_past_its_due_day()
    {
        var builder = new DisputeBuilder();
        var dispute = builder.In(DisputeStatus.InReview);
        var task = dispute.OpenTask(Actors.Agent, "Émettre l'avoir", ReasonCodeBuilder.BillingDepartment, null, null, Tomorrow, 10m, builder.Clock.GetUtcNow());

        Assert.False(task.IsOverdue(Tomorrow));
        Assert.True(task.IsOverdue(Tomorrow.AddDays(1)));
        dispute.CompleteTask(Actors.Agent, 0, null, builder.Clock.GetUtcNow());
        Assert.False(task.IsOverdue(Tomorrow.AddDays(1)));
    }

    [Fact]
    public void Each_reminder_is_counted_with_its_time()
    {
        var builder = new DisputeBuilder();
        var dispute = builder.In(DisputeStatus.InReview);
        var task = dispute.OpenTask(Actors.Agent, "Émettre l'avoir", ReasonCodeBuilder.BillingDepartment, null, null, Tomorrow, 10m, builder.Clock.GetUtcNow());
        var first = builder.Clock.GetUtcNow().AddDays(2);

        task.RecordReminder(first);
        task.RecordReminder(first.AddDays(1));

        Assert.Equal((2, first.AddDays(1)), (task.Reminders, task.LastReminderAt));
    }

    [Fact]
    public void Someone_the_task_is_for_answers_it_in_an_internal_note_and_the_handlers_hear_of_it()
    {
        var builder = new DisputeBuilder();
        var dispute = builder.In(DisputeStatus.InReview);
        var task = dispute.OpenTask(Actors.Agent, "Récupérer le CMR", ReasonCodeBuilder.BillingDepartment, null, null, Tomorrow, 10m, builder.Clock.GetUtcNow());

        dispute.AnswerTask(Actors.Resolver, 0, "  CMR récupéré.  ", builder.Clock.GetUtcNow());

        var entry = dispute.History[^1];
        Assert.Equal((DisputeAction.TaskAnswered, "Récupérer le CMR — CMR récupéré.", false), (entry.Action, entry.Text, entry.IsPublic));
        Assert.Equal(DisputeTaskStatus.Open, task.Status);
        Assert.Empty(dispute.Messages);
        var answered = dispute.PendingEvents[^1];
        Assert.Equal((DisputeEventKind.TaskAnswered, "CMR récupéré.", task), (answered.Kind, answered.Text, answered.Task));
    }

    [Fact]
    public void Neither_the_customer_nor_someone_the_task_is_not_for_answers_it_nor_anyone_once_it_is_done()
    {
        var builder = new DisputeBuilder();
        var dispute = builder.In(DisputeStatus.InReview);
        dispute.OpenTask(Actors.Agent, "Valider l'échéancier", null, Actors.Finance.UserId, Actors.Finance.DisplayName, Tomorrow, 0m, builder.Clock.GetUtcNow());

        Assert.Equal("Dispute.RoleNotAllowed", Assert.Throws<DomainException>(() => dispute.AnswerTask(Actors.CustomerOfCompany1, 0, "Moi ?", builder.Clock.GetUtcNow())).Code);
        Assert.Equal("Dispute.RoleNotAllowed", Assert.Throws<DomainException>(() => dispute.AnswerTask(Actors.Resolver, 0, "Moi ?", builder.Clock.GetUtcNow())).Code);
        dispute.CompleteTask(Actors.Finance, 0, null, builder.Clock.GetUtcNow());
        Assert.Equal("Task.NotOpen", Assert.Throws<DomainException>(() => dispute.AnswerTask(Actors.Finance, 0, "Encore", builder.Clock.GetUtcNow())).Code);
        Assert.DoesNotContain(dispute.History, h => h.Action == DisputeAction.TaskAnswered);
    }
}
