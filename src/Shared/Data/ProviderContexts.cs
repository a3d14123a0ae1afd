using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Litiges.Data;

/// <summary>SQLite: the embedded default. Its own migrations live in Data/Migrations/Sqlite.</summary>
public sealed class SqliteLitigesDbContext(DbContextOptions<SqliteLitigesDbContext> options) : LitigesDbContext(options)
{
    public override Task ShareOneConnectionAsync(CancellationToken cancellationToken) => Database.OpenConnectionAsync(cancellationToken);

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        base.ConfigureConventions(configurationBuilder);

        // SQLite has no decimal and no time-zone-aware type: store fixed-point integers and UTC
        // ticks, so that sums, comparisons and ordering run in the database and stay exact.
        configurationBuilder.Properties<decimal>().HaveConversion<FixedPointDecimalConverter>();
        configurationBuilder.Properties<decimal?>().HaveConversion<FixedPointDecimalConverter>();
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcTicksConverter>();
        configurationBuilder.Properties<DateTimeOffset?>().HaveConversion<UtcTicksConverter>();
    }
}

/// <summary>PostgreSQL (Npgsql). Its own migrations live in Data/Migrations/PostgreSql.</summary>
public sealed class PostgreSqlLitigesDbContext(DbContextOptions<PostgreSqlLitigesDbContext> options) : LitigesDbContext(options);

/// <summary>SQL Server. Its own migrations live in Data/Migrations/SqlServer.</summary>
public sealed class SqlServerLitigesDbContext(DbContextOptions<SqlServerLitigesDbContext> options) : LitigesDbContext(options)
{
    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);

        // Filters in SQL Server's own quoting: a script run without QUOTED_IDENTIFIER still reads them.
        builder.Entity<Invoices.Invoice>().HasIndex(i => new { i.Id, i.OpenBalance, i.IssueDate, i.CustomerAccountId })
            .HasFilter("[BlockedAmount] > 0");
    }
}

/// <summary>Decimal as a 64-bit integer of ten-thousandths: exact for amounts, quantities and VAT rates.</summary>
public sealed class FixedPointDecimalConverter() : ValueConverter<decimal, long>(
    value => (long)(value * Scale),
    stored => stored / Scale)
{
    private const decimal Scale = 10_000m;
}

/// <summary>Instants as UTC ticks: sortable and comparable in SQLite.</summary>
public sealed class UtcTicksConverter() : ValueConverter<DateTimeOffset, long>(
    value => value.UtcTicks,
    stored => new DateTimeOffset(stored, TimeSpan.Zero));

// Design-time factories, used only by `dotnet ef migrations add` (see docs/decisions).
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteLitigesDbContext>
{
    public SqliteLitigesDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteLitigesDbContext>().UseSqlite("Data Source=design.db").Options);
}

internal sealed class PostgreSqlDesignTimeFactory : IDesignTimeDbContextFactory<PostgreSqlLitigesDbContext>
{
    public PostgreSqlLitigesDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgreSqlLitigesDbContext>().UseNpgsql("Host=localhost;Database=litiges").Options);
}

internal sealed class SqlServerDesignTimeFactory : IDesignTimeDbContextFactory<SqlServerLitigesDbContext>
{
    public SqlServerLitigesDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqlServerLitigesDbContext>().UseSqlServer("Server=localhost;Database=Litiges;Trusted_Connection=True;TrustServerCertificate=True").Options);
}
