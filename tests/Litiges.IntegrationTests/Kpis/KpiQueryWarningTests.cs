using Litiges.Data;
using Litiges.Kpis;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Litiges.IntegrationTests.Kpis;

/// <summary>
/// The start-up log stays clean: the KPI queries (run by the dashboard and the report job at
/// start) make EF warn neither about First/FirstOrDefault nor about a row limit without ORDER BY.
/// The queries run on a context whose warnings throw, over options of its own, so that EF
/// compiles them afresh instead of reusing what the apps already compiled.
/// </summary>
public abstract class KpiQueryWarningTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : KpiFixture
{
    [Fact]
    public async Task The_kpi_queries_raise_no_row_limit_warning()
    {
        var connection = await fixture.WithDbAsync(db => Task.FromResult((db.Database.ProviderName, db.Database.GetConnectionString())));
        await using var db = Strict(connection.ProviderName!, connection.Item2!);
        var filter = new KpiFilter(new DateOnly(2025, 1, 1), new DateOnly(2025, 3, 31));

        var all = await KpiQueries.ComputeAsync(db, filter, KpiFixture.Now);
        var one = await KpiQueries.ComputeAsync(db, filter with { CustomerAccountId = fixture.Kpi.K(1) }, KpiFixture.Now);

        Assert.NotNull(all);
        Assert.NotNull(one);
    }

    private static LitigesDbContext Strict(string provider, string connectionString)
    {
        static void Warnings(WarningsConfigurationBuilder w) => w.Throw(CoreEventId.FirstWithoutOrderByAndFilterWarning, CoreEventId.RowLimitingOperationWithoutOrderByWarning);
        return provider.Contains("Sqlite", StringComparison.Ordinal)
            ? new SqliteLitigesDbContext(new DbContextOptionsBuilder<SqliteLitigesDbContext>().UseSqlite(connectionString).ConfigureWarnings(Warnings).Options)
            : new PostgreSqlLitigesDbContext(new DbContextOptionsBuilder<PostgreSqlLitigesDbContext>().UseNpgsql(connectionString).ConfigureWarnings(Warnings).Options);
    }
}

public sealed class SqliteKpiQueryWarningTests(KpiSqliteFixture fixture) : KpiQueryWarningTests<KpiSqliteFixture>(fixture);

public sealed class PostgreSqlKpiQueryWarningTests(KpiPostgreSqlFixture fixture) : KpiQueryWarningTests<KpiPostgreSqlFixture>(fixture);
