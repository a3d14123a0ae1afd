using Litiges.Disputes;
using Litiges.Testing;
using Microsoft.EntityFrameworkCore;

namespace Litiges.IntegrationTests.BackOffice;

/// <summary>"Verify history" recomputes the hash chain as stored: intact, or the first entry that was altered or removed.</summary>
public abstract class HistoryVerificationTests<TFixture>(TFixture fixture) : BackOfficeScenario<TFixture>(fixture), IClassFixture<TFixture>
    where TFixture : LitigesFixture
{
    [Fact]
    public async Task Untouched_history_is_reported_intact()
    {
        var id = await NewDisputeAsync(DisputeStatus.Closed);
        var agent = await StaffAsync(Agent);

        var page = await agent.GetPageAsync($"{Url(id)}?handler=Verify");

        var count = (await LoadAsync(id)).HistoryCount;
        Assert.StartsWith($"Historique intact : les {count} entrées sont authentifiées", page.QuerySelector("[data-testid=history-check]")!.TextContent.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Entry_rewritten_in_the_database_is_caught()
    {
        var id = await NewDisputeAsync(DisputeStatus.Rejected);
        var agent = await StaffAsync(Agent);

        // Someone with database access softens the rejection reason after the fact.
        var rows = await Fixture.WithDbAsync(db => db.Database.ExecuteSqlRawAsync(
            "UPDATE \"DisputeHistory\" SET \"Text\" = {0} WHERE \"DisputeId\" = {1} AND \"Sequence\" = {2}",
            "Geste commercial accordé",
            id,
            3));
        Assert.Equal(1, rows);

        var page = await agent.GetPageAsync($"{Url(id)}?handler=Verify");

        var check = page.QuerySelector("[data-testid=history-check]")!;
        Assert.Contains("alert-danger", check.ClassName, StringComparison.Ordinal);
        Assert.StartsWith("Historique altéré à partir de l'entrée 3 :", check.TextContent.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Entry_deleted_from_the_database_is_caught()
    {
        var id = await NewDisputeAsync(DisputeStatus.Closed);
        var agent = await StaffAsync(Agent);
        await Fixture.WithDbAsync(db => db.Database.ExecuteSqlRawAsync("DELETE FROM \"DisputeHistory\" WHERE \"DisputeId\" = {0} AND \"Sequence\" = {1}", id, 2));

        var page = await agent.GetPageAsync($"{Url(id)}?handler=Verify");

        Assert.Contains("à partir de l'entrée 2 :", page.QuerySelector("[data-testid=history-check]")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Last_entry_given_a_forged_hash_is_caught()
    {
        var id = await NewDisputeAsync(DisputeStatus.Rejected);
        var agent = await StaffAsync(Agent);
        var last = (await LoadAsync(id)).History.OrderBy(h => h.Sequence).Last();

        // The last entry has no successor to betray it: its own hash and the dispute's record of the chain's end do.
        await Fixture.WithDbAsync(db => db.Database.ExecuteSqlRawAsync(
            "UPDATE \"DisputeHistory\" SET \"Hash\" = {0} WHERE \"Id\" = {1}",
            new string('0', 64),
            last.Id));

        var page = await agent.GetPageAsync($"{Url(id)}?handler=Verify");

        Assert.Contains($"à partir de l'entrée {last.Sequence} :", page.QuerySelector("[data-testid=history-check]")!.TextContent, StringComparison.Ordinal);
    }
}

public sealed class SqliteHistoryVerificationTests(SqliteFixture fixture) : HistoryVerificationTests<SqliteFixture>(fixture);

public sealed class PostgreSqlHistoryVerificationTests(PostgreSqlFixture fixture) : HistoryVerificationTests<PostgreSqlFixture>(fixture);
