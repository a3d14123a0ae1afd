using Litiges.Data;
using Litiges.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Litiges.IntegrationTests.Data;

/// <summary>
/// The server providers run with a retrying execution strategy, which refuses an explicit
/// transaction opened outside the strategy ("does not support user-initiated transactions").
/// PostgreSQL retries like SQL Server, so every PostgreSQL test of a page or job that opens a
/// transaction catches a bare one before SQL Server does in production.
/// </summary>
public sealed class ExecutionStrategyTests(PostgreSqlFixture fixture) : IClassFixture<PostgreSqlFixture>
{
    [Fact]
    public async Task The_apps_retry_transient_failures_on_PostgreSQL()
    {
        await fixture.WithDbAsync(db =>
        {
            Assert.True(db.Database.CreateExecutionStrategy().RetriesOnFailure);
            return Task.CompletedTask;
        });
    }

    [Fact]
    public async Task A_transaction_opened_outside_the_strategy_is_refused_on_PostgreSQL()
    {
        // What the portal's colleague invite did before it ran its transaction inside the strategy.
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => fixture.WithDbAsync(async db =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            await db.ReasonCodes.CountAsync();
        }));
        Assert.Contains("user-initiated transactions", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_transaction_inside_the_strategy_runs()
    {
        var count = await fixture.WithDbAsync(db => db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            var codes = await db.ReasonCodes.CountAsync();
            await transaction.CommitAsync();
            return codes;
        }));
        Assert.True(count > 0);
    }

    [Theory]
    [InlineData("SqlServer", "Server=sql.example;Database=Litiges;User Id=app;Password=unused;TrustServerCertificate=true")]
    [InlineData("PostgreSql", "Host=pg.example;Database=litiges;Username=app;Password=unused")]
    public void The_server_providers_retry_unless_turned_off(string provider, string connectionString)
    {
        Assert.True(Strategy(provider, connectionString, retry: null));
        Assert.False(Strategy(provider, connectionString, retry: "false"));
    }

    // The context as the apps register it; nothing connects (building a strategy needs no server).
    private static bool Strategy(string provider, string connectionString, string? retry)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = provider,
            ["ConnectionStrings:Litiges"] = connectionString,
            ["Database:RetryOnFailure"] = retry,
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddLitigesDatabase(configuration, Path.GetTempPath());
        using var provided = services.BuildServiceProvider();
        using var scope = provided.CreateScope();
        return scope.ServiceProvider.GetRequiredService<LitigesDbContext>().Database.CreateExecutionStrategy().RetriesOnFailure;
    }
}
