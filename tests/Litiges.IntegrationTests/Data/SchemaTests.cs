using System.Data.Common;
using System.Text;
using Litiges.Data;
using Litiges.Testing;
using Microsoft.EntityFrameworkCore;

namespace Litiges.IntegrationTests.Data;

/// <summary>
/// The schema the migrations build, table by table (columns, types, nullability, defaults, keys,
/// indexes with their filters, foreign keys, checks), against the one written down in
/// <c>Data/Schema/{provider}.schema.txt</c>. The files were first written from the migration chain
/// that the baseline replaced, and the baseline was compared with them (docs/decisions/0015 says
/// what differed: eight column defaults per provider that only served rows existing before);
/// from then on a migration that changes the schema rewrites them on purpose
/// (<c>LITIGES_WRITE_SCHEMA=1 ./test.sh --filter SchemaTests</c>) and the diff shows in review.
/// </summary>
public sealed class SchemaTests
{
    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.PostgreSql)]
    public async Task Migrations_build_the_schema_written_down(DatabaseProvider provider)
    {
        await using var database = TestDatabase.Create(provider);
        await using var db = Context(database);
        await db.Database.MigrateAsync();
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        var schema = provider == DatabaseProvider.Sqlite ? await SqliteSchemaAsync(connection) : await PostgreSqlSchemaAsync(connection);

        var file = Path.Combine(RepositoryRoot(), "tests", "Litiges.IntegrationTests", "Data", "Schema", $"{provider.ToString().ToLowerInvariant()}.schema.txt");
        if (Environment.GetEnvironmentVariable("LITIGES_WRITE_SCHEMA") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            await File.WriteAllTextAsync(file, schema);
        }

        Assert.True(File.Exists(file), $"{file} is missing: write it with LITIGES_WRITE_SCHEMA=1.");
        var expected = (await File.ReadAllTextAsync(file)).Split('\n');
        var actual = schema.Split('\n');
        var missing = expected.Except(actual).ToList();
        var extra = actual.Except(expected).ToList();
        Assert.True(
            missing.Count == 0 && extra.Count == 0,
            $"The {provider} schema differs from {Path.GetFileName(file)}.\nMissing:\n  {string.Join("\n  ", missing)}\nNot written down:\n  {string.Join("\n  ", extra)}");
    }

    private static LitigesDbContext Context(TestDatabase database) => database.Provider switch
    {
        DatabaseProvider.Sqlite => new SqliteLitigesDbContext(new DbContextOptionsBuilder<SqliteLitigesDbContext>().UseSqlite(database.ConnectionString).Options),
        _ => new PostgreSqlLitigesDbContext(new DbContextOptionsBuilder<PostgreSqlLitigesDbContext>().UseNpgsql(database.ConnectionString).Options),
    };

    // One line per fact, sorted: the order of columns and of CREATE statements is not the schema.
    private static async Task<string> SqliteSchemaAsync(DbConnection connection)
    {
        var lines = new List<string>();
        var tables = await ReadAsync(connection, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'", r => r.GetString(0));
        foreach (var table in tables)
        {
            lines.Add($"table {table}");
            lines.AddRange(await ReadAsync(connection, $"SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info('{table}')", r =>
                $"column {table}.{r.GetString(0)} {r.GetString(1)} {(r.GetInt64(2) == 1 ? "not null" : "null")} default {(r.IsDBNull(3) ? "-" : r.GetString(3))} pk {r.GetInt64(4)}"));
            lines.AddRange(await ReadAsync(connection, $"SELECT \"table\", \"from\", \"to\", on_update, on_delete FROM pragma_foreign_key_list('{table}')", r =>
                $"foreign key {table}.{r.GetString(1)} -> {r.GetString(0)}.{(r.IsDBNull(2) ? "?" : r.GetString(2))} on update {r.GetString(3)} on delete {r.GetString(4)}"));
        }

        // Indexes by their definition (names included: a migration drops them by name).
        lines.AddRange(await ReadAsync(connection, "SELECT tbl_name, name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL", r =>
            $"index {r.GetString(0)}.{r.GetString(1)}: {Squeeze(r.GetString(2))}"));
        lines.AddRange(await ReadAsync(connection, "SELECT tbl_name, name FROM sqlite_master WHERE type = 'index' AND sql IS NULL", r =>
            $"implicit index {r.GetString(0)}.{r.GetString(1)}"));

        // CHECK constraints live in the table's CREATE statement only.
        foreach (var (table, sql) in await ReadAsync(connection, "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'", r => (r.GetString(0), r.GetString(1))))
        {
            lines.AddRange(ChecksOf(sql).Select(check => $"check {table}: {check}"));
        }

        return Sorted(lines);
    }

    private static async Task<string> PostgreSqlSchemaAsync(DbConnection connection)
    {
        var lines = new List<string>();
        lines.AddRange(await ReadAsync(connection, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'", r => $"table {r.GetString(0)}"));
        lines.AddRange(await ReadAsync(connection, """
            SELECT table_name, column_name, data_type, character_maximum_length, numeric_precision, numeric_scale, is_nullable, column_default, is_identity, identity_generation
            FROM information_schema.columns WHERE table_schema = 'public'
            """, r => $"column {r.GetString(0)}.{r.GetString(1)} {r.GetString(2)}({Text(r, 3)},{Text(r, 4)},{Text(r, 5)}) {(r.GetString(6) == "YES" ? "null" : "not null")} default {Text(r, 7)} identity {r.GetString(8)} {Text(r, 9)}"));
        lines.AddRange(await ReadAsync(connection, "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'", r =>
            $"index {r.GetString(0)}.{r.GetString(1)}: {r.GetString(2)}"));
        lines.AddRange(await ReadAsync(connection, """
            SELECT c.conrelid::regclass::text, c.conname, c.contype::text, pg_get_constraintdef(c.oid)
            FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = 'public'
            """, r => $"constraint {r.GetString(0)}.{r.GetString(1)} {r.GetString(2)}: {r.GetString(3)}"));
        lines.AddRange(await ReadAsync(connection, "SELECT sequence_name, data_type FROM information_schema.sequences WHERE sequence_schema = 'public'", r => $"sequence {r.GetString(0)} {r.GetString(1)}"));
        return Sorted(lines);
    }

    private static IEnumerable<string> ChecksOf(string createTable)
    {
        var at = 0;
        while ((at = createTable.IndexOf("CHECK", at, StringComparison.OrdinalIgnoreCase)) >= 0)
        {
            var open = createTable.IndexOf('(', at);
            var depth = 0;
            var end = open;
            for (; end < createTable.Length; end++)
            {
                depth += createTable[end] switch { '(' => 1, ')' => -1, _ => 0 };
                if (depth == 0)
                {
                    break;
                }
            }

            yield return Squeeze(createTable[open..(end + 1)]);
            at = end;
        }
    }

    private static string Text(DbDataReader reader, int column) => reader.IsDBNull(column) ? "-" : Convert.ToString(reader.GetValue(column), System.Globalization.CultureInfo.InvariantCulture)!;

    private static string Squeeze(string sql) => string.Join(' ', sql.Split((char[])[' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries));

    private static string Sorted(IEnumerable<string> lines) =>
        string.Join('\n', lines.Order(StringComparer.Ordinal)) + "\n";

    private static async Task<List<T>> ReadAsync<T>(DbConnection connection, string sql, Func<DbDataReader, T> read)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<T>();
        while (await reader.ReadAsync())
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Portal.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Portal.sln not found above the test folder.");
    }
}
