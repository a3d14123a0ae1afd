using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using System.Diagnostics;
using System.Security.Claims;
using Litiges.Accounts;
using Litiges.Data;
using Litiges.Demo;
using Litiges.Disputes;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using DisputeList = Litiges.CustomerPortal.Pages.Disputes.IndexModel;
using InvoiceList = Litiges.CustomerPortal.Pages.Invoices.IndexModel;

namespace Litiges.Bench.Portal;

/// <summary>
/// (b) The customer's dispute list and invoice list, with the very queries the pages run, over
/// 100,000 disputes and 1,000,000 invoices (times --scale) made by the DataGenerator: 1,000
/// customers of 1,000 invoices each (10 % disputed), plus one large customer with 20 times more.
/// Target: p95 under 50 ms on SQLite and on PostgreSQL.
/// </summary>
internal static class ListBench
{
    private const double TargetMilliseconds = 50;
    private const int InvoicesPerCustomer = 1000;

    public static async Task<int> RunAsync(BenchOptions options)
    {
        var scale = options.Number("scale", 1.0);
        var samples = (int)options.Number("samples", 300);
        var providers = options.Text("providers", "sqlite,postgresql").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var failed = false;
        foreach (var provider in providers)
        {
            var kind = Enum.Parse<DatabaseProvider>(provider, ignoreCase: true);
            if (kind == DatabaseProvider.PostgreSql && Environment.GetEnvironmentVariable("LITIGES_TEST_POSTGRES") is null)
            {
                Console.WriteLine("PostgreSQL skipped: LITIGES_TEST_POSTGRES is not set (source scripts/services.sh; start_postgres).");
                continue;
            }

            failed |= !await RunOneAsync(kind, scale, samples);
        }

        return failed ? 1 : 0;
    }

    private static async Task<bool> RunOneAsync(DatabaseProvider provider, double scale, int samples)
    {
        var work = Directory.CreateTempSubdirectory("litiges-bench-lists-").FullName;
        var database = await CreateDatabaseAsync(provider, work);
        try
        {
            await using var app = BenchHost.Build(work, provider, database.ConnectionString);
            await DatabaseMigrator.MigrateAsync(app.Services, demoData: false);
            var customers = Math.Max(1, (int)Math.Round(1000 * scale));
            Console.WriteLine($"\n{provider}: generating {customers} customers x {InvoicesPerCustomer} invoices + 1 large customer x {InvoicesPerCustomer * 20}...");
            var (ids, large, invoices, disputes, elapsed) = await GenerateAsync(app.Services, customers);
            Console.WriteLine($"{provider}: {invoices:N0} invoices and {disputes:N0} disputes generated in {elapsed.TotalMinutes:0.0} min");

            var sample = ids.OrderBy(_ => Random.Shared.Next()).Take(20).ToList();
            var cases = await CasesAsync(app.Services, sample, large);
            var allOk = true;
            Console.WriteLine($"{"query",-44} {"p50 ms",8} {"p95 ms",8} {"max ms",8}  target");
            foreach (var (name, run) in cases)
            {
                var timings = await MeasureAsync(app.Services, run, samples);
                var p95 = Percentile(timings, 0.95);
                var ok = p95 < TargetMilliseconds;
                allOk &= ok;
                Console.WriteLine($"{name,-44} {Percentile(timings, 0.50),8:0.00} {p95,8:0.00} {timings.Max(),8:0.00}  {(ok ? "ok" : "MISSED")}");
            }

            return allOk;
        }
        finally
        {
            await database.DisposeAsync();
            Directory.Delete(work, recursive: true);
        }
    }

    private static async Task<(List<int> Customers, int Large, int Invoices, int Disputes, TimeSpan Elapsed)> GenerateAsync(IServiceProvider services, int customers)
    {
        var clock = Stopwatch.StartNew();
        var ids = new List<int>();
        var invoices = 0;
        var disputes = 0;
        const int Chunk = 25;
        for (var first = 1; first <= customers; first += Chunk)
        {
            using var scope = services.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<LitigesDbContext>();
            db.ChangeTracker.AutoDetectChangesEnabled = true;
            var generated = await new DataGenerator(db, TimeProvider.System).GenerateAsync(
                new GeneratorOptions(Math.Min(Chunk, customers - first + 1), InvoicesPerCustomer, DisputedShare: 0.1, Seed: first) { FirstCustomerNumber = first, BatchSize = 5000 });
            ids.AddRange(generated.CustomerAccountIds);
            invoices += generated.Invoices;
            disputes += generated.Disputes;
            Console.WriteLine($"  {ids.Count,5} customers, {invoices,9:N0} invoices, {disputes,7:N0} disputes — {clock.Elapsed.TotalMinutes:0.0} min, {invoices / clock.Elapsed.TotalSeconds:N0} invoices/s");
        }

        using (var scope = services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<LitigesDbContext>();
            var generated = await new DataGenerator(db, TimeProvider.System).GenerateAsync(
                new GeneratorOptions(1, InvoicesPerCustomer * 20, DisputedShare: 0.1, Seed: 7) { FirstCustomerNumber = customers + 1, BatchSize = 5000 });
            invoices += generated.Invoices;
            disputes += generated.Disputes;
            await AnalyzeAsync(db);
            return (ids, generated.CustomerAccountIds[0], invoices, disputes, clock.Elapsed);
        }
    }

    // Fresh statistics, as a database in service would have.
    private static async Task AnalyzeAsync(LitigesDbContext db) =>
        await db.Database.ExecuteSqlRawAsync("ANALYZE;");

    /// <summary>What a customer does on the two lists: first page, next page, a filter, a search.</summary>
    private static async Task<List<(string Name, Func<LitigesDbContext, int, Task>)>> CasesAsync(IServiceProvider services, List<int> customers, int large)
    {
        using var scope = services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<LitigesDbContext>();
        var all = customers.Append(large).ToList();
        var disputedNumbers = new Dictionary<int, string>();
        var invoiceNumbers = new Dictionary<int, string>();
        var disputeCursors = new Dictionary<int, string?>();
        var invoiceCursors = new Dictionary<int, string?>();
        foreach (var customer in all)
        {
            disputedNumbers[customer] = await db.DisputedItems.Where(i => i.Invoice!.CustomerAccountId == customer).Select(i => i.Invoice!.Number).FirstAsync();
            invoiceNumbers[customer] = await db.Invoices.Where(i => i.CustomerAccountId == customer).OrderBy(i => i.Id).Select(i => i.Number).Skip(500).FirstAsync();
            disputeCursors[customer] = (await DisputeList.ListAsync(db, User(customer), null, null, null, CancellationToken.None)).Next;
            invoiceCursors[customer] = (await InvoiceList.ListAsync(db, customer, "all", null, null, CancellationToken.None)).Next;
        }

        int Pick(int i, bool largeOnly) => largeOnly ? large : all[i % all.Count];
        return
        [
            ("disputes: first page", (d, i) => DisputeList.ListAsync(d, User(Pick(i, false)), null, null, null, CancellationToken.None)),
            ("disputes: next page", (d, i) => DisputeList.ListAsync(d, User(Pick(i, false)), null, null, disputeCursors[Pick(i, false)], CancellationToken.None)),
            ("disputes: status filter", (d, i) => DisputeList.ListAsync(d, User(Pick(i, false)), DisputeStatus.InReview, null, null, CancellationToken.None)),
            ("disputes: search by invoice number", (d, i) => DisputeList.ListAsync(d, User(Pick(i, false)), null, disputedNumbers[Pick(i, false)], null, CancellationToken.None)),
            ("disputes: large customer, first page", (d, i) => DisputeList.ListAsync(d, User(large), null, null, null, CancellationToken.None)),
            ("disputes: large customer, search", (d, i) => DisputeList.ListAsync(d, User(large), null, disputedNumbers[large], null, CancellationToken.None)),
            ("invoices: first page (unpaid)", (d, i) => InvoiceList.ListAsync(d, Pick(i, false), "open", null, null, CancellationToken.None)),
            ("invoices: first page (all)", (d, i) => InvoiceList.ListAsync(d, Pick(i, false), "all", null, null, CancellationToken.None)),
            ("invoices: next page", (d, i) => InvoiceList.ListAsync(d, Pick(i, false), "all", null, invoiceCursors[Pick(i, false)], CancellationToken.None)),
            ("invoices: search by number", (d, i) => InvoiceList.ListAsync(d, Pick(i, false), "all", invoiceNumbers[Pick(i, false)], null, CancellationToken.None)),
            ("invoices: large customer, first page", (d, i) => InvoiceList.ListAsync(d, large, "open", null, null, CancellationToken.None)),
            ("invoices: large customer, search", (d, i) => InvoiceList.ListAsync(d, large, "all", invoiceNumbers[large], null, CancellationToken.None)),
        ];
    }

    // Each sample as a request would run it: its own scope and DbContext.
    private static async Task<List<double>> MeasureAsync(IServiceProvider services, Func<LitigesDbContext, int, Task> run, int samples)
    {
        var timings = new List<double>(samples);
        for (var i = -20; i < samples; i++)
        {
            using var scope = services.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<LitigesDbContext>();
            var clock = Stopwatch.StartNew();
            await run(db, Math.Max(i, 0));
            clock.Stop();
            if (i >= 0)
            {
                timings.Add(clock.Elapsed.TotalMilliseconds);
            }
        }

        return timings;
    }

    private static double Percentile(List<double> values, double percentile)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(percentile * sorted.Count) - 1)];
    }

    private static ClaimsPrincipal User(int customer) =>
        new(new ClaimsIdentity(
            [
                new Claim(ClaimTypes.NameIdentifier, "bench"),
                new Claim(LitigesClaims.Kind, nameof(UserKind.Customer)),
                new Claim(LitigesClaims.CustomerAccountId, customer.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ],
            "bench"));

    private static async Task<BenchDatabase> CreateDatabaseAsync(DatabaseProvider provider, string work)
    {
        if (provider == DatabaseProvider.Sqlite)
        {
            return new BenchDatabase($"Data Source={Path.Combine(work, "litiges.db")};Default Timeout=60", () => Task.CompletedTask);
        }

        var server = Environment.GetEnvironmentVariable("LITIGES_TEST_POSTGRES")!;
        var name = "litiges_bench_" + Guid.NewGuid().ToString("N")[..8];
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync();
        }

        return new BenchDatabase(new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString, async () =>
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(server);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
            await command.ExecuteNonQueryAsync();
        });
    }

    private sealed record BenchDatabase(string ConnectionString, Func<Task> Drop) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await Drop();
    }
}
