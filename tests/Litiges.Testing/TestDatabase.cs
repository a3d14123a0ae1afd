using Litiges.Data;
using Npgsql;

namespace Litiges.Testing;

/// <summary>A fresh, empty database for one fixture: a SQLite file or a PostgreSQL database on the test server.</summary>
public abstract class TestDatabase : IAsyncDisposable
{
    public abstract DatabaseProvider Provider { get; }

    public abstract string ConnectionString { get; }

    public abstract ValueTask DisposeAsync();

    public static TestDatabase Create(DatabaseProvider provider) => provider switch
    {
        DatabaseProvider.Sqlite => new SqliteTestDatabase(),
        DatabaseProvider.PostgreSql => new PostgreSqlTestDatabase(),
        _ => throw new NotSupportedException($"{provider} cannot run here; it is checked offline."),
    };
}

public sealed class SqliteTestDatabase : TestDatabase
{
    private readonly string _folder = Directory.CreateTempSubdirectory("litiges-test-").FullName;

    public override DatabaseProvider Provider => DatabaseProvider.Sqlite;

    public override string ConnectionString => $"Data Source={Path.Combine(_folder, "litiges.db")};Default Timeout=30";

    public override ValueTask DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still open by a finishing host: the OS temp cleaner will have it.
        }

        return ValueTask.CompletedTask;
    }
}

/// <summary>A database of its own on the PostgreSQL server that ./test.sh starts (LITIGES_TEST_POSTGRES).</summary>
public sealed class PostgreSqlTestDatabase : TestDatabase
{
    private readonly string _server;
    private readonly string _name = "litiges_" + Guid.NewGuid().ToString("N")[..12];

    public PostgreSqlTestDatabase()
    {
        _server = Environment.GetEnvironmentVariable("LITIGES_TEST_POSTGRES")
            ?? throw new InvalidOperationException("LITIGES_TEST_POSTGRES is not set: run the tests with ./test.sh, which starts PostgreSQL on loopback.");
        using var connection = new NpgsqlConnection(_server);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"CREATE DATABASE \"{_name}\"";
        command.ExecuteNonQuery();
    }

    public override DatabaseProvider Provider => DatabaseProvider.PostgreSql;

    public override string ConnectionString => new NpgsqlConnectionStringBuilder(_server) { Database = _name }.ConnectionString;

    public override async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_server);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"DROP DATABASE IF EXISTS \"{_name}\" WITH (FORCE)";
        await command.ExecuteNonQueryAsync();
    }
}
