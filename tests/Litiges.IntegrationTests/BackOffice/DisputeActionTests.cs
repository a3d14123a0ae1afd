using System.Net;
using Litiges.Data;
using Litiges.Disputes;
using Litiges.Testing;
using Microsoft.EntityFrameworkCore;
using BackOfficeProgram = Litiges.BackOffice.Program;

namespace Litiges.IntegrationTests.BackOffice;

/// <summary>
/// Every act of the dispute file, through the page: done when the rules allow it, and refused
/// with a clear message (nothing saved) for the wrong role, the wrong state, and a stale page.
/// </summary>
public abstract class DisputeActionTests<TFixture>(TFixture fixture) : BackOfficeScenario<TFixture>(fixture), IClassFixture<TFixture>
    where TFixture : LitigesFixture
{
    public static TheoryData<string> Acts =>
    [
        "Acknowledge", "AssignToMe", "Assign", "Qualify", "Priority", "RequestInformation", "Answer", "Note",
        "Propose", "Reject", "Close", "Reopen", "ShareEvidence", "OpenTask", "CompleteTask", "CancelTask",
    ];

    /// <summary>Acts a resolver may not perform on a dispute of their own department.</summary>
    public static TheoryData<string> ActsRefusedToResolvers =>
    [
        "Acknowledge", "AssignToMe", "Assign", "Qualify", "Priority", "RequestInformation", "Answer",
        "Propose", "Reject", "Close", "Reopen", "ShareEvidence", "OpenTask", "CancelTask",
    ];

    /// <summary>Acts that have a state (of the dispute, its evidence or its task) where they are illegal.</summary>
    public static TheoryData<string> ActsWithAnIllegalState =>
    [
        "Acknowledge", "AssignToMe", "Assign", "Qualify", "Priority", "RequestInformation", "Answer",
        "Propose", "Reject", "Close", "Reopen", "ShareEvidence", "OpenTask", "CompleteTask", "CancelTask",
    ];

    [Theory]
    [MemberData(nameof(Acts))]
    public async Task Agent_performs_the_act_from_the_page(string act)
    {
        var setup = await SetupAsync(act, legal: true);
        var agent = await StaffAsync(Agent);
        var section = UrlOf(act, setup.Id);
        var page = await agent.GetPageAsync(section);

        var response = await ClickAsync(agent, page, section, act, setup.Fields);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(section, response.Headers.Location?.OriginalString);
        var after = await LoadAsync(setup.Id);
        Assert.True(setup.Done(after), $"{act} did not take effect.");
        Assert.Equal(setup.Before.HistoryCount + 1, after.HistoryCount);
        Assert.Null(after.FirstBrokenHistoryEntry());
        var shown = await agent.GetPageAsync(section);
        Assert.NotNull(shown.QuerySelector("[role=status].alert-success"));
    }

    [Theory]
    [MemberData(nameof(ActsRefusedToResolvers))]
    public async Task Resolver_is_refused_the_acts_of_customer_service(string act)
    {
        var setup = await SetupAsync(act, legal: true);
        var resolver = await StaffAsync(Resolver);
        Assert.Null(FormFor(await resolver.GetPageAsync(UrlOf(act, setup.Id)), act));

        // The token and version of the dispute page (the section may offer the resolver no form at all).
        var page = await resolver.GetPageAsync(Url(setup.Id));
        var response = await PostActAsync(resolver, page, UrlOf(act, setup.Id), act, setup.Fields);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("ne permet pas cette action", await TextOfAsync(response), StringComparison.Ordinal);
        await AssertUnchangedAsync(setup);
    }

    [Theory]
    [MemberData(nameof(ActsWithAnIllegalState))]
    public async Task Act_in_the_wrong_state_is_refused_with_a_clear_message(string act)
    {
        var setup = await SetupAsync(act, legal: false);
        var agent = await StaffAsync(Agent);
        var page = await agent.GetPageAsync(Url(setup.Id));

        var response = await PostActAsync(agent, page, UrlOf(act, setup.Id), act, setup.Fields);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await TextOfAsync(response);
        Assert.True(
            text.Contains("Action impossible", StringComparison.Ordinal) || text.Contains("n'est plus ouverte", StringComparison.Ordinal) || text.Contains("déjà visible du client", StringComparison.Ordinal),
            text);
        await AssertUnchangedAsync(setup);
    }

    [Theory]
    [MemberData(nameof(Acts))]
    public async Task Act_on_a_stale_page_is_refused_and_tells_what_changed(string act)
    {
        var setup = await SetupAsync(act, legal: true);
        var agent = await StaffAsync(Agent);
        var page = await agent.GetPageAsync(Url(setup.Id));
        await ColleagueNotesAsync(setup.Id, "Client rappelé ce matin");

        var response = await PostActAsync(agent, page, UrlOf(act, setup.Id), act, setup.Fields);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await TextOfAsync(response);
        Assert.Contains("Colette Collègue a modifié ce litige pendant que vous le consultiez", text, StringComparison.Ordinal);
        Assert.Contains("Client rappelé ce matin", text, StringComparison.Ordinal);
        var after = await LoadAsync(setup.Id);
        Assert.Equal(setup.Before.HistoryCount + 1, after.HistoryCount);
        Assert.Equal(DisputeAction.InternalNoteAdded, after.History.OrderBy(h => h.Sequence).Last().Action);
        Assert.False(setup.Done(after), $"{act} was applied over a stale page.");
    }

    [Fact]
    public async Task Acknowledging_tells_the_customer_the_reference_and_deadlines()
    {
        // Filed on Monday 2 March 2026 at 10:00 in Paris: resolution is due 30 business days later, on Tuesday
        // 14 April (Easter Monday, 6 April, does not count); the hard limit is two months later, 2 May.
        var id = await NewDisputeAsync(submittedAt: new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
        var agent = await StaffAsync(Agent);
        var response = await ClickAsync(agent, await agent.GetPageAsync(Url(id)), Url(id), "Acknowledge");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);

        var dispute = await LoadAsync(id);
        var mail = await Fixture.WithDbAsync(db => db.Outbox.AsNoTracking().Where(m => m.Kind == "DisputeAcknowledged" && m.Subject.Contains(dispute.Reference)).SingleAsync());
        Assert.Equal("alice@alpha.test", mail.Recipient);
        Assert.Contains("14/04/2026", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains("02/05/2026", mail.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Asking_the_customer_pauses_the_deadlines_and_mails_the_question()
    {
        var id = await NewDisputeAsync(DisputeStatus.InReview);
        var agent = await StaffAsync(Agent);
        await ClickAsync(agent, await agent.GetPageAsync(Url(id)), Url(id), "RequestInformation", new Dictionary<string, string> { ["Text"] = "Pouvez-vous joindre la photo de la palette abîmée ?" });

        var page = await agent.GetPageAsync(Url(id));
        Assert.Contains("Délai suspendu : en attente du client", Browser.Text(page), StringComparison.Ordinal);
        var reference = (await LoadAsync(id)).Reference;
        var mail = await Fixture.WithDbAsync(db => db.Outbox.AsNoTracking().SingleAsync(m => m.Kind == "DisputeQuestion" && m.Subject.Contains(reference)));
        Assert.Contains("la photo de la palette abîmée", mail.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Opening_a_task_tells_the_department_the_cash_at_stake()
    {
        var id = await NewDisputeAsync(DisputeStatus.InReview);
        var billing = await DepartmentIdAsync(ReferenceData.Departments.Billing);
        var agent = await StaffAsync(Agent);
        var response = await ClickAsync(agent, await agent.GetPageAsync(TasksUrl(id)), TasksUrl(id), "OpenTask", new Dictionary<string, string>
        {
            ["NewTask.Title"] = "Émettre l'avoir",
            ["NewTask.DepartmentId"] = billing.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["NewTask.DueOn"] = DateTime.UtcNow.AddDays(3).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            ["NewTask.CashAtStake"] = "100 000,00",
        });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);

        var task = (await LoadAsync(id)).Tasks.Single();
        Assert.Equal(100_000m, task.CashAtStake);
        var mail = await Fixture.WithDbAsync(db => db.Outbox.AsNoTracking().Where(m => m.Kind == "TaskAssigned" && m.Recipient == Resolver).OrderBy(m => m.Id).LastAsync());
        var cash = "100\u202F000,00 €"; // as the French write it: a narrow no-break space between thousands
        Assert.Contains($"Encaissement de {cash} en attente de cette tâche", mail.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Assigning_an_owner_mails_them()
    {
        var id = await NewDisputeAsync();
        var credit = await UserIdAsync(CreditManager);
        var agent = await StaffAsync(Agent);
        await ClickAsync(agent, await agent.GetPageAsync(Url(id)), Url(id), "Assign", new Dictionary<string, string> { ["OwnerId"] = credit });

        var reference = (await LoadAsync(id)).Reference;
        Assert.True(await Fixture.WithDbAsync(db => db.Outbox.AnyAsync(m => m.Kind == "DisputeAssigned" && m.Recipient == CreditManager && m.Subject.Contains(reference))));
    }

    [Fact]
    public async Task Owner_must_be_an_agent_or_a_credit_manager()
    {
        var id = await NewDisputeAsync();
        var finance = await UserIdAsync(Finance);
        var agent = await StaffAsync(Agent);
        var response = await PostActAsync(agent, await agent.GetPageAsync(Url(id)), Url(id), "Assign", new Dictionary<string, string> { ["OwnerId"] = finance });

        Assert.Contains("Choisissez un pilote parmi les chargés de clientèle et credit managers.", await TextOfAsync(response), StringComparison.Ordinal);
        Assert.Null((await LoadAsync(id)).OwnerUserId);
    }

    [Fact]
    public async Task Empty_note_is_refused()
    {
        var id = await NewDisputeAsync();
        var agent = await StaffAsync(Agent);
        var response = await ClickAsync(agent, await agent.GetPageAsync(Url(id)), Url(id), "Note", new Dictionary<string, string> { ["Text"] = "   " });
        Assert.Contains("La note est vide.", await TextOfAsync(response), StringComparison.Ordinal);
        Assert.Equal(1, (await LoadAsync(id)).HistoryCount);
    }

    [Fact]
    public async Task Reopening_after_the_window_is_refused_and_the_window_comes_from_configuration()
    {
        var id = await NewDisputeAsync(DisputeStatus.Rejected, submittedAt: DateTimeOffset.UtcNow.AddDays(-45));
        var agent = await StaffAsync(Agent);
        var refused = await ClickAsync(agent, await agent.GetPageAsync(Url(id)), Url(id), "Reopen", new Dictionary<string, string> { ["Text"] = "Nouvelle pièce du client" });
        Assert.Contains("ne peut être rouvert que dans les 30 jours", await TextOfAsync(refused), StringComparison.Ordinal);

        await using var longer = new AppFactory<BackOfficeProgram>(Fixture.Database, Fixture.DataFolder, new Dictionary<string, string?> { ["Disputes:ReopenWindowDays"] = "60" });
        var browser = new Browser(longer.CreateClient(NoRedirects));
        await browser.SignInAsync(Agent);
        var reopened = await ClickAsync(browser, await browser.GetPageAsync(Url(id)), Url(id), "Reopen", new Dictionary<string, string> { ["Text"] = "Nouvelle pièce du client" });
        Assert.Equal(HttpStatusCode.Redirect, reopened.StatusCode);
        Assert.Equal(DisputeStatus.InReview, (await LoadAsync(id)).Status);
    }

    [Fact]
    public async Task Resolver_completes_a_task_of_their_department()
    {
        var setup = await SetupAsync("CompleteTask", legal: true);
        var resolver = await StaffAsync(Resolver);
        var page = await resolver.GetPageAsync(TasksUrl(setup.Id));
        var response = await ClickAsync(resolver, page, TasksUrl(setup.Id), "CompleteTask", new Dictionary<string, string> { ["Text"] = "Avoir AV-2026-000042 émis" });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var task = (await LoadAsync(setup.Id)).Tasks.Single();
        Assert.Equal(DisputeTaskStatus.Done, task.Status);
        Assert.Equal("Rémi Résolveur", task.CompletedByName);
        Assert.Equal("Avoir AV-2026-000042 émis", task.Outcome);
    }

    [Fact]
    public async Task Resolver_cannot_complete_the_task_of_another_department()
    {
        var logistics = await DepartmentIdAsync(ReferenceData.Departments.Logistics);
        var id = await NewDisputeAsync(DisputeStatus.InReview, then: (dispute, at) => dispute.OpenTask(SeedAgent, "Récupérer la palette", logistics, null, null, Litiges.Deadlines.BusinessDate.Of(DateTimeOffset.UtcNow).AddDays(2), 500m, at));
        var taskId = await TaskIdAsync(id);
        var resolver = await StaffAsync(Resolver);
        Assert.Null(FormFor(await resolver.GetPageAsync(TasksUrl(id)), "CompleteTask"));

        var page = await resolver.GetPageAsync(Url(id));
        var response = await PostActAsync(resolver, page, TasksUrl(id), "CompleteTask", new Dictionary<string, string> { ["TaskId"] = taskId.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        Assert.Contains("ne permet pas cette action", await TextOfAsync(response), StringComparison.Ordinal);
        Assert.Equal(DisputeTaskStatus.Open, (await LoadAsync(id)).Tasks.Single().Status);
    }

    [Fact]
    public async Task Finance_reads_the_file_and_may_propose_a_settlement_but_not_acknowledge()
    {
        var id = await NewDisputeAsync(DisputeStatus.InReview);
        var finance = await StaffAsync(Finance);
        var page = await finance.GetPageAsync(Url(id));
        Assert.Null(FormFor(page, "Acknowledge"));
        Assert.Null(FormFor(page, "Reject"));

        var proposed = await ClickAsync(finance, await finance.GetPageAsync(SettlementUrl(id)), SettlementUrl(id), "Propose", new Dictionary<string, string> { ["Settlement.Summary"] = "Geste de 50 €", ["Settlement.GestureAmount"] = "50", ["Settlement.GestureValidUntil"] = DateTime.UtcNow.AddDays(30).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) });
        Assert.Equal(HttpStatusCode.Redirect, proposed.StatusCode);
        Assert.Equal(DisputeStatus.SettlementProposed, (await LoadAsync(id)).Status);
    }

    private async Task AssertUnchangedAsync(ActSetup setup)
    {
        var after = await LoadAsync(setup.Id);
        Assert.Equal(setup.Before.Version, after.Version);
        Assert.Equal(setup.Before.HistoryCount, after.HistoryCount);
        Assert.False(setup.Done(after));
    }

    /// <summary>A dispute where <paramref name="act"/> is legal (or, if not <paramref name="legal"/>, illegal), the form fields, and how to tell it was done.</summary>
    private async Task<ActSetup> SetupAsync(string act, bool legal)
    {
        var billing = await DepartmentIdAsync(ReferenceData.Departments.Billing);
        var logistics = await DepartmentIdAsync(ReferenceData.Departments.Logistics);
        var credit = await UserIdAsync(CreditManager);
        var rootCause = await Fixture.WithDbAsync(db => db.RootCauses.Where(r => r.IsActive).OrderBy(r => r.Id).Select(r => r.Id).FirstAsync());
        var tomorrow = Litiges.Deadlines.BusinessDate.Of(DateTimeOffset.UtcNow).AddDays(2);
        var invariant = System.Globalization.CultureInfo.InvariantCulture;
        var open = legal ? DisputeStatus.InReview : DisputeStatus.Rejected;

        void WithEvidence(Dispute dispute, DateTimeOffset at)
        {
            dispute.AttachEvidence(SeedAgent, new StoredFile("evidence/" + Guid.NewGuid().ToString("N"), "bon-de-livraison.pdf", "application/pdf", 2048, new string('a', 64)), EvidenceVisibility.Internal, 100_000_000, at);
            if (!legal)
            {
                dispute.ShareEvidence(SeedAgent, 0, at);
            }
        }

        void WithTask(Dispute dispute, DateTimeOffset at)
        {
            dispute.OpenTask(SeedAgent, "Émettre l'avoir", billing, null, null, tomorrow, 100_000m, at);
            if (!legal)
            {
                dispute.CompleteTask(SeedAgent, 0, "fait", at);
            }
        }

        int id;
        Dictionary<string, string> fields = [];
        Func<Dispute, bool> done;
        switch (act)
        {
            case "Acknowledge":
                id = await NewDisputeAsync(legal ? DisputeStatus.Submitted : DisputeStatus.InReview);
                done = d => d.History.Count(h => h.Action == DisputeAction.Acknowledged) == 1 && d.Status == DisputeStatus.InReview && d.HistoryCount > (legal ? 1 : 2);
                break;
            case "AssignToMe":
                id = await NewDisputeAsync(open);
                done = d => d.OwnerName == "Agnès Agent";
                break;
            case "Assign":
                id = await NewDisputeAsync(open);
                fields["OwnerId"] = credit;
                done = d => d.OwnerUserId == credit;
                break;
            case "Qualify":
                id = await NewDisputeAsync(open);
                fields["ReasonCode"] = "LIV";
                done = d => d.ReasonCode == "LIV" && d.DepartmentId == logistics;
                break;
            case "Priority":
                id = await NewDisputeAsync(open);
                fields["Priority"] = nameof(DisputePriority.Urgent);
                done = d => d.Priority == DisputePriority.Urgent;
                break;
            case "RequestInformation":
                id = await NewDisputeAsync(legal ? DisputeStatus.InReview : DisputeStatus.Submitted);
                fields["Text"] = "Pouvez-vous joindre le bon de livraison signé ?";
                done = d => d.Status == DisputeStatus.AwaitingCustomer;
                break;
            case "Answer":
                id = await NewDisputeAsync(open);
                fields["Text"] = "Nous vérifions le tarif avec le commercial.";
                done = d => d.Messages.Any(m => m.Body == "Nous vérifions le tarif avec le commercial.");
                break;
            case "Note":
                id = await NewDisputeAsync(open);
                fields["Text"] = "Appeler le dépôt de Vénissieux";
                done = d => d.History.Any(h => h.Action == DisputeAction.InternalNoteAdded && h.Text == "Appeler le dépôt de Vénissieux" && !h.IsPublic);
                break;
            case "Propose":
                id = await NewDisputeAsync(legal ? DisputeStatus.InReview : DisputeStatus.Submitted);
                fields["Settlement.Summary"] = "Geste de 120 € sur la prochaine commande";
                fields["Settlement.GestureAmount"] = "120";
                fields["Settlement.GestureValidUntil"] = DateTime.UtcNow.AddDays(30).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
                done = d => d.Status == DisputeStatus.SettlementProposed;
                break;
            case "Reject":
                id = await NewDisputeAsync(legal ? DisputeStatus.InReview : DisputeStatus.Submitted);
                fields["Text"] = "Les quantités livrées correspondent au bon signé.";
                done = d => d.Status == DisputeStatus.Rejected && d.RejectionReason == "Les quantités livrées correspondent au bon signé.";
                break;
            case "Close":
                id = await NewDisputeAsync(legal ? DisputeStatus.Rejected : DisputeStatus.InReview);
                fields["RootCauseId"] = rootCause.ToString(invariant);
                done = d => d.Status == DisputeStatus.Closed && d.RootCauseId == rootCause;
                break;
            case "Reopen":
                id = await NewDisputeAsync(legal ? DisputeStatus.Rejected : DisputeStatus.InReview);
                fields["Text"] = "Le client apporte un nouveau bon de livraison.";
                done = d => d.ReopenCount == 1;
                break;
            case "ShareEvidence":
                id = await NewDisputeAsync(DisputeStatus.InReview, then: WithEvidence);
                var evidence = await Fixture.WithDbAsync(db => db.Evidence.Where(e => e.DisputeId == id).Select(e => e.Id).SingleAsync());
                fields["EvidenceId"] = evidence.ToString(invariant);
                done = d => d.History.Any(h => h.Action == DisputeAction.EvidenceShared) && (legal ? d.Evidence.Single().Visibility == EvidenceVisibility.Shared : d.History.Count(h => h.Action == DisputeAction.EvidenceShared) > 1);
                break;
            case "OpenTask":
                id = await NewDisputeAsync(open);
                fields["NewTask.Title"] = "Récupérer la palette";
                fields["NewTask.DepartmentId"] = logistics.ToString(invariant);
                fields["NewTask.DueOn"] = tomorrow.ToString("yyyy-MM-dd", invariant);
                fields["NewTask.CashAtStake"] = "1500,50";
                done = d => d.Tasks.Any(t => t.Title == "Récupérer la palette" && t.CashAtStake == 1500.50m && t.DepartmentId == logistics);
                break;
            case "CompleteTask":
                id = await NewDisputeAsync(DisputeStatus.InReview, then: WithTask);
                fields["TaskId"] = (await TaskIdAsync(id)).ToString(invariant);
                done = d => d.History.Count(h => h.Action == DisputeAction.TaskCompleted) == (legal ? 1 : 2);
                break;
            case "CancelTask":
                id = await NewDisputeAsync(DisputeStatus.InReview, then: WithTask);
                fields["TaskId"] = (await TaskIdAsync(id)).ToString(invariant);
                done = d => d.Tasks.Single().Status == DisputeTaskStatus.Cancelled;
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(act), act, null);
        }

        return new ActSetup(id, fields, done, await LoadAsync(id));
    }

    private Task<int> TaskIdAsync(int disputeId) =>
        Fixture.WithDbAsync(db => db.DisputeTasks.Where(t => t.DisputeId == disputeId).Select(t => t.Id).SingleAsync());

    private sealed record ActSetup(int Id, Dictionary<string, string> Fields, Func<Dispute, bool> Done, Dispute Before);
}

public sealed class SqliteDisputeActionTests(SqliteFixture fixture) : DisputeActionTests<SqliteFixture>(fixture);

public sealed class PostgreSqlDisputeActionTests(PostgreSqlFixture fixture) : DisputeActionTests<PostgreSqlFixture>(fixture);
