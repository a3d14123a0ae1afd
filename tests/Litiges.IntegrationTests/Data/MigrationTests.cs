using Litiges.Data;
using Litiges.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;

namespace Litiges.IntegrationTests.Data;

/// <summary>Each provider's migrations cover the model; SQL Server, which cannot run here, is checked offline.</summary>
public sealed class MigrationTests
{
    [Fact]
    public void Sqlite_migrations_cover_the_model()
    {
        using var db = new SqliteLitigesDbContext(new DbContextOptionsBuilder<SqliteLitigesDbContext>().UseSqlite("Data Source=:memory:").Options);
        Assert.False(db.Database.HasPendingModelChanges(), "The model has changes that no SQLite migration covers: add one with dotnet ef migrations add.");
    }

    [Fact]
    public void PostgreSql_migrations_cover_the_model()
    {
        using var db = new PostgreSqlLitigesDbContext(new DbContextOptionsBuilder<PostgreSqlLitigesDbContext>().UseNpgsql("Host=localhost;Database=offline").Options);
        Assert.False(db.Database.HasPendingModelChanges(), "The model has changes that no PostgreSQL migration covers.");
    }

    [Fact]
    public void SqlServer_migrations_cover_the_model()
    {
        using var db = SqlServerContext();
        Assert.False(db.Database.HasPendingModelChanges(), "The model has changes that no SQL Server migration covers.");
    }

    [Fact]
    public void SqlServer_migration_script_generates_offline()
    {
        using var db = SqlServerContext();
        var migrations = db.Database.GetMigrations().ToList();
        Assert.NotEmpty(migrations);
        var script = db.GetService<IMigrator>().GenerateScript(options: MigrationsSqlGenerationOptions.Idempotent);
        Assert.Contains("CREATE TABLE [Disputes]", script, StringComparison.Ordinal);
        Assert.Contains("CREATE TABLE [Invoices]", script, StringComparison.Ordinal);
        Assert.Contains("[Version] int NOT NULL", script, StringComparison.Ordinal);
        Assert.Contains(migrations[^1], script, StringComparison.Ordinal);
    }

    [Fact]
    public void Each_provider_has_its_own_migrations()
    {
        using var sqlite = new SqliteLitigesDbContext(new DbContextOptionsBuilder<SqliteLitigesDbContext>().UseSqlite("Data Source=:memory:").Options);
        using var postgres = new PostgreSqlLitigesDbContext(new DbContextOptionsBuilder<PostgreSqlLitigesDbContext>().UseNpgsql("Host=localhost;Database=offline").Options);
        using var sqlServer = SqlServerContext();
        var sets = new[] { sqlite.Database.GetMigrations(), postgres.Database.GetMigrations(), sqlServer.Database.GetMigrations() };
        Assert.All(sets, set => Assert.NotEmpty(set));
        Assert.Equal(3, sets.Select(s => string.Join(",", s)).Distinct().Count());
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.PostgreSql)]
    public async Task Migrating_twice_is_harmless_and_seeds_reference_data_once(DatabaseProvider provider)
    {
        await using var database = TestDatabase.Create(provider);
        var folder = Directory.CreateTempSubdirectory("litiges-migrate-").FullName;
        await using var app = new AppFactory<Litiges.BackOffice.Program>(database, folder);
        await DatabaseMigrator.MigrateAsync(app.Services, demoData: false);
        await DatabaseMigrator.MigrateAsync(app.Services, demoData: false);

        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<LitigesDbContext>();
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.Equal(["COM", "EXT", "FAC", "LIV", "QUA", "TEC"], await db.ReasonCodes.OrderBy(r => r.Code).Select(r => r.Code).ToListAsync());
        Assert.Equal(6, await db.Departments.CountAsync());
        Assert.True(await db.RootCauses.CountAsync() >= 5);
        var billing = await db.ReasonCodes.Where(r => r.Code == "FAC").Select(r => new { r.Department!.Code, r.Category, r.Sla.ResolveBusinessDays }).SingleAsync();
        Assert.Equal(ReferenceData.Departments.Billing, billing.Code);
        Assert.Equal(Litiges.Disputes.DisputeCategory.Financial, billing.Category);
        Assert.Equal(30, billing.ResolveBusinessDays);

        // The step creates the one Data Protection key: instances started together on the new
        // database use it instead of each creating its own at first start.
        Assert.Equal(1, await db.DataProtectionKeys.CountAsync());
        await using var other = new AppFactory<Litiges.BackOffice.Program>(database, folder);
        other.Services.GetRequiredService<Microsoft.AspNetCore.DataProtection.IDataProtectionProvider>().CreateProtector("test").Protect("first start"u8.ToArray());
        Assert.Equal(1, await db.DataProtectionKeys.CountAsync());
    }

    /// <summary>
    /// The apps read and write the Data Protection keys through <see cref="KeyRingContext"/>, which is
    /// never migrated: it must map the table the migrations make, column for column, on every provider.
    /// </summary>
    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.PostgreSql)]
    [InlineData(DatabaseProvider.SqlServer)]
    public void The_key_ring_maps_the_table_the_migrations_make(DatabaseProvider provider)
    {
        using LitigesDbContext db = provider switch
        {
            DatabaseProvider.Sqlite => new SqliteLitigesDbContext(new DbContextOptionsBuilder<SqliteLitigesDbContext>().UseSqlite("Data Source=:memory:").Options),
            DatabaseProvider.PostgreSql => new PostgreSqlLitigesDbContext(new DbContextOptionsBuilder<PostgreSqlLitigesDbContext>().UseNpgsql("Host=localhost;Database=offline").Options),
            _ => SqlServerContext(),
        };
        var keyRing = new DbContextOptionsBuilder<KeyRingContext>();
        _ = provider switch
        {
            DatabaseProvider.Sqlite => keyRing.UseSqlite("Data Source=:memory:"),
            DatabaseProvider.PostgreSql => keyRing.UseNpgsql("Host=localhost;Database=offline"),
            _ => keyRing.UseSqlServer("Server=offline;Database=Litiges;User Id=sa;Password=unused;TrustServerCertificate=true"),
        };
        using var keys = new KeyRingContext(keyRing.Options);

        static string Shape(DbContext context)
        {
            var table = context.Model.GetRelationalModel().Tables.Single(t => t.EntityTypeMappings.Any(m => m.TypeBase.ClrType == typeof(Microsoft.AspNetCore.DataProtection.EntityFrameworkCore.DataProtectionKey)));
            return $"{table.Schema}.{table.Name}(" + string.Join(", ", table.Columns.OrderBy(c => c.Name).Select(c => $"{c.Name} {c.StoreType}{(c.IsNullable ? " NULL" : "")}")) + $") PK {table.PrimaryKey?.Name}";
        }

        Assert.Equal(Shape(db), Shape(keys));
        Assert.Single(keys.Model.GetEntityTypes());
    }

    private static SqlServerLitigesDbContext SqlServerContext() =>
        new(new DbContextOptionsBuilder<SqlServerLitigesDbContext>()
            .UseSqlServer("Server=offline;Database=Litiges;User Id=sa;Password=unused;TrustServerCertificate=true")
            .Options);
}
