using System.Globalization;
using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Litiges.Accounts;
using Litiges.Data;
using Litiges.Disputes;
using Litiges.Testing;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Litiges.IntegrationTests.BackOffice;

/// <summary>"My tasks": the open tasks of the user's department or given to them, overdue first, with the cash at stake.</summary>
public abstract class TaskListTests<TFixture>(TFixture fixture) : BackOfficeScenario<TFixture>(fixture), IClassFixture<TFixture>
    where TFixture : LitigesFixture
{
    [Fact]
    public async Task Resolver_sees_their_department_and_their_own_tasks_overdue_first()
    {
        var billing = await DepartmentIdAsync(ReferenceData.Departments.Billing);
        var logistics = await DepartmentIdAsync(ReferenceData.Departments.Logistics);
        var resolverId = await UserIdAsync(Resolver);
        var tag = Guid.NewGuid().ToString("N")[..6];
        var today = Litiges.Deadlines.BusinessDate.Of(DateTimeOffset.UtcNow);
        var longAgo = DateTimeOffset.UtcNow.AddDays(-10);
        await NewDisputeAsync(DisputeStatus.InReview, "FAC", submittedAt: longAgo, then: (d, at) =>
        {
            d.OpenTask(SeedAgent, $"Avoir en retard {tag}", billing, null, null, Litiges.Deadlines.BusinessDate.Of(at).AddDays(2), 100_000m, at);
            d.OpenTask(SeedAgent, $"Tâche logistique {tag}", logistics, null, null, today.AddDays(1), 50m, at);
        });
        await NewDisputeAsync(DisputeStatus.InReview, "LIV", then: (d, at) =>
        {
            d.OpenTask(SeedAgent, $"Tâche faite {tag}", billing, null, null, today.AddDays(1), 10m, at);
            d.CompleteTask(SeedAgent, 0, null, at);
            d.OpenTask(SeedAgent, $"Avis facturation {tag}", null, resolverId, "Rémi Résolveur", today.AddDays(5), 1_500m, at);
        });
        var resolver = await StaffAsync(Resolver);

        var page = await resolver.GetPageAsync("/Tasks");

        var rows = Rows(page).Where(r => r.Title.EndsWith(tag, StringComparison.Ordinal)).ToList();
        Assert.Equal([$"Avoir en retard {tag}", $"Avis facturation {tag}"], rows.Select(r => r.Title));
        Assert.True(rows[0].Overdue);
        Assert.False(rows[1].Overdue);
        var cash = "100\u202F000,00 €"; // as the French write it: a narrow no-break space between thousands
        Assert.Equal(cash, rows[0].Cash);
    }

    [Fact]
    public async Task Resolver_marks_a_task_done_from_the_list()
    {
        var billing = await DepartmentIdAsync(ReferenceData.Departments.Billing);
        var tag = Guid.NewGuid().ToString("N")[..6];
        var id = await NewDisputeAsync(DisputeStatus.InReview, "FAC", then: (d, at) => d.OpenTask(SeedAgent, $"Émettre l'avoir {tag}", billing, null, null, Litiges.Deadlines.BusinessDate.Of(DateTimeOffset.UtcNow).AddDays(1), 120m, at));
        var resolver = await StaffAsync(Resolver);
        var page = await resolver.GetPageAsync("/Tasks");
        var taskId = (await LoadAsync(id)).Tasks.Single().Id;
        var form = page.QuerySelector<IHtmlFormElement>($"tr[data-task='{taskId}'] form")!;

        var response = await resolver.PostFormAsync(form, "/Tasks", new Dictionary<string, string> { ["outcome"] = "Avoir AV-2026-000007" });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var task = (await LoadAsync(id)).Tasks.Single();
        Assert.Equal((DisputeTaskStatus.Done, "Avoir AV-2026-000007", "Rémi Résolveur"), (task.Status, task.Outcome, task.CompletedByName));
        Assert.DoesNotContain(Rows(await resolver.GetPageAsync("/Tasks")), r => r.Title.EndsWith(tag, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Completing_from_a_stale_list_is_refused_with_the_reason()
    {
        var billing = await DepartmentIdAsync(ReferenceData.Departments.Billing);
        var tag = Guid.NewGuid().ToString("N")[..6];
        var id = await NewDisputeAsync(DisputeStatus.InReview, "FAC", then: (d, at) => d.OpenTask(SeedAgent, $"Émettre l'avoir {tag}", billing, null, null, Litiges.Deadlines.BusinessDate.Of(DateTimeOffset.UtcNow).AddDays(1), 120m, at));
        var resolver = await StaffAsync(Resolver);
        var page = await resolver.GetPageAsync("/Tasks");
        await ColleagueNotesAsync(id);
        var taskId = (await LoadAsync(id)).Tasks.Single().Id;

        var response = await resolver.PostFormAsync(page.QuerySelector<IHtmlFormElement>($"tr[data-task='{taskId}'] form")!, "/Tasks", new Dictionary<string, string>());

        var shown = await resolver.GetPageAsync(response.Headers.Location!.ToString());
        Assert.Contains("a modifié ce litige pendant que vous le consultiez", shown.QuerySelector(".alert-danger")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(DisputeTaskStatus.Open, (await LoadAsync(id)).Tasks.Single().Status);
    }

    [Fact]
    public async Task Resolver_of_another_department_sees_none_of_these_tasks()
    {
        var billing = await DepartmentIdAsync(ReferenceData.Departments.Billing);
        var logistics = await DepartmentIdAsync(ReferenceData.Departments.Logistics);
        var tag = Guid.NewGuid().ToString("N")[..6];
        await NewDisputeAsync(DisputeStatus.InReview, "FAC", then: (d, at) => d.OpenTask(SeedAgent, $"Avoir {tag}", billing, null, null, Litiges.Deadlines.BusinessDate.Of(DateTimeOffset.UtcNow).AddDays(1), 120m, at));
        await LogisticsResolverAsync(logistics);
        var other = await StaffAsync("logistique@staff.test");

        var page = await other.GetPageAsync("/Tasks");

        Assert.DoesNotContain(Rows(page), r => r.Title.EndsWith(tag, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Credit_manager_widens_the_list_to_every_open_task()
    {
        var logistics = await DepartmentIdAsync(ReferenceData.Departments.Logistics);
        var tag = Guid.NewGuid().ToString("N")[..6];
        await NewDisputeAsync(DisputeStatus.InReview, "LIV", then: (d, at) => d.OpenTask(SeedAgent, $"Reprendre la palette {tag}", logistics, null, null, Litiges.Deadlines.BusinessDate.Of(DateTimeOffset.UtcNow).AddDays(1), 120m, at));
        var credit = await StaffAsync(CreditManager);

        Assert.DoesNotContain(Rows(await credit.GetPageAsync("/Tasks")), r => r.Title.EndsWith(tag, StringComparison.Ordinal));
        Assert.Contains(Rows(await credit.GetPageAsync("/Tasks?all=true")), r => r.Title.EndsWith(tag, StringComparison.Ordinal));

        var agent = await StaffAsync(Agent);
        Assert.DoesNotContain(Rows(await agent.GetPageAsync("/Tasks?all=true")), r => r.Title.EndsWith(tag, StringComparison.Ordinal));
    }

    private static IEnumerable<(string Title, bool Overdue, string Cash)> Rows(IDocument page) =>
        page.QuerySelectorAll("tr[data-task]").Select(tr =>
        {
            var cells = tr.QuerySelectorAll("td");
            return (cells[0].TextContent.Trim(), tr.ClassList.Contains("table-danger"), cells[5].TextContent.Trim());
        });

    private async Task LogisticsResolverAsync(int logistics)
    {
        using var scope = Fixture.BackOffice.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        if (await users.FindByEmailAsync("logistique@staff.test") is null)
        {
            var user = AppUser.NewStaff("logistique@staff.test", "Léa Logistique", logistics);
            user.EmailConfirmed = true;
            await users.CreateAsync(user, LitigesFixture.Password);
            await users.AddToRoleAsync(user, StaffRoles.Resolver);
        }
    }
}

public sealed class SqliteTaskListTests(SqliteFixture fixture) : TaskListTests<SqliteFixture>(fixture);

public sealed class PostgreSqlTaskListTests(PostgreSqlFixture fixture) : TaskListTests<PostgreSqlFixture>(fixture);
