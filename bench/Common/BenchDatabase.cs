using Litiges.Data;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace Litiges.Bench;

/// <summary>The database a benchmark works on: a SQLite file or a PostgreSQL database of its own.</summary>
internal static class BenchDatabase
{
    /// <summary>
    /// The connection string of the database <paramref name="name"/>: a SQLite file in
    /// <paramref name="folder"/>, or a database on the PostgreSQL server <paramref name="postgres"/>;
    /// started afresh unless <paramref name="keep"/>.
    /// </summary>
    public static async Task<string> PrepareAsync(DatabaseProvider provider, string folder, string name, string? postgres, bool keep)
    {
        if (provider == DatabaseProvider.Sqlite)
        {
            var file = Path.Combine(folder, name + ".db");
            if (!keep && File.Exists(file))
            {
                File.Delete(file);
            }

            return $"Data Source={file};Default Timeout=60";
        }

        var server = postgres ?? throw new InvalidOperationException("PostgreSQL needs --postgres or LITIGES_TEST_POSTGRES.");
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync();
            await using var exists = new NpgsqlCommand($"SELECT 1 FROM pg_database WHERE datname = '{name}'", connection);
            var found = await exists.ExecuteScalarAsync() is not null;
            if (found && !keep)
            {
                await using var drop = new NpgsqlCommand($"DROP DATABASE \"{name}\" WITH (FORCE)", connection);
                await drop.ExecuteNonQueryAsync();
                found = false;
            }

            if (!found)
            {
                await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
                await create.ExecuteNonQueryAsync();
            }
        }

        return new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
    }

    /// <summary>The configuration that points the product's database setup at it.</summary>
    public static IConfiguration Configuration(DatabaseProvider provider, string connectionString) =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = provider.ToString(),
            ["ConnectionStrings:Litiges"] = connectionString,
        }).Build();
}
