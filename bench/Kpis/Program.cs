using System.Diagnostics;
using System.Globalization;
using System.Text;
using Litiges.Data;
using Litiges.Demo;
using Litiges.Invoices;
using Litiges.Kpis;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Litiges.Bench.Kpis;

/// <summary>
/// The credit manager's dashboard over a large database: fills it with the demo DataGenerator
/// (1,000 customers of 1,000 invoices, one in ten disputed: 1,000,000 invoices and 100,000
/// disputes moved through their states by the domain), then times the whole dashboard
/// (<see cref="KpiQueries.ComputeAsync"/>, every figure) per scenario: median and 95th percentile.
///
///   dotnet bench/Kpis/bin/Release/net10.0/Litiges.Bench.Kpis.dll [--customers 1000] [--runs 30]
///       [--providers sqlite,postgresql] [--postgres "Host=..."] [--keep] [--sql] [--proposed-indexes] [--reuse]
/// </summary>
public static class Program
{
    private const int InvoicesPerCustomer = 1000;

    public static async Task<int> Main(string[] args)
    {
        var customers = Option(args, "--customers", 1000);
        var runs = Option(args, "--runs", 30);
        var warmup = Option(args, "--warmup", 3);
        var keep = args.Contains("--keep");
        var sql = args.Contains("--sql");
        var proposedIndexes = args.Contains("--proposed-indexes");
        var reuse = args.Contains("--reuse");
        var parallelism = Option(args, "--parallel", KpiQueries.DefaultParallelism);
        var postgres = Value(args, "--postgres") ?? Environment.GetEnvironmentVariable("LITIGES_TEST_POSTGRES");
        var providers = (Value(args, "--providers") ?? "sqlite,postgresql").Split(',').Select(p => Enum.Parse<DatabaseProvider>(p, ignoreCase: true)).ToList();

        var report = new StringBuilder();
        foreach (var provider in providers)
        {
            Console.WriteLine($"== {provider}");
            await using var services = await PrepareAsync(provider, customers, keep || reuse, sql, postgres, generate: !reuse);
            if (proposedIndexes)
            {
                await CreateProposedIndexesAsync(provider, services);
            }

            report.Append(await MeasureAsync(provider, services, runs, warmup, parallelism));
        }

        Console.WriteLine();
        Console.WriteLine(report);
        return 0;
    }

    private static async Task<ServiceProvider> PrepareAsync(DatabaseProvider provider, int customers, bool keep, bool sql, string? postgres, bool generate)
    {
        var folder = Path.Combine(Path.GetTempPath(), "litiges-bench-kpis");
        Directory.CreateDirectory(folder);
        var name = string.Create(CultureInfo.InvariantCulture, $"litiges_kpis_{customers}");
        var connectionString = await BenchDatabase.PrepareAsync(provider, folder, name, postgres, keep);
        var configuration = BenchDatabase.Configuration(provider, connectionString);
        var collection = new ServiceCollection().AddSingleton(TimeProvider.System).AddLitigesDatabase(configuration, folder);
        if (sql)
        {
            // --sql: print each statement and its duration, to read the plans the dashboard gets.
            collection.AddLogging(logging => logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning).AddFilter("Microsoft.EntityFrameworkCore.Database.Command", LogLevel.Information));
        }

        var services = collection.BuildServiceProvider();
        using var scope = services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<LitigesDbContext>();
        await DatabaseMigrator.MigrateDatabaseAsync(db);
        if (generate)
        {
            // One filler per database: two benches adding to the same kept database at once took the
            // same customer numbers and dispute references and both stopped half-way.
            await using var filling = LockGeneration(folder, name);
            await FillAsync(services, customers);
        }

        // As the back office's fold job leaves them: one day-total row per issue day.
        var fold = Stopwatch.StartNew();
        var folded = await InvoiceDays.FoldAsync(db);
        Console.WriteLine($"   {folded.Shares:N0} invoice day-total shares folded in {fold.Elapsed.TotalSeconds:0.0} s");

        await db.Database.ExecuteSqlRawAsync(provider == DatabaseProvider.PostgreSql ? "VACUUM ANALYZE;" : "ANALYZE;");
        return services;
    }

    private static FileStream LockGeneration(string folder, string name)
    {
        var path = Path.Combine(folder, name + ".filling");
        try
        {
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
        }
        catch (IOException e)
        {
            throw new InvalidOperationException($"Another bench is filling {name} ({path} is held): wait for it, or use --reuse.", e);
        }
    }

    /// <summary>Adds customers (with their invoices and disputes) after the highest customer number already there.</summary>
    private static async Task FillAsync(ServiceProvider services, int customers)
    {
        using var scope = services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<LitigesDbContext>();
        var last = await db.CustomerAccounts.Where(c => EF.Functions.Like(c.CustomerNumber, "C______")).OrderByDescending(c => c.CustomerNumber).Select(c => c.CustomerNumber).FirstOrDefaultAsync();
        var existing = last is null ? 0 : int.Parse(last.AsSpan(1), CultureInfo.InvariantCulture);
        if (existing < customers)
        {
            var watch = Stopwatch.StartNew();
            const int Chunk = 25;
            for (var first = existing + 1; first <= customers; first += Chunk)
            {
                using var chunk = services.CreateScope();
                var chunkDb = chunk.ServiceProvider.GetRequiredService<LitigesDbContext>();
                chunkDb.ChangeTracker.AutoDetectChangesEnabled = true;
                await new DataGenerator(chunkDb, TimeProvider.System).GenerateAsync(
                    new GeneratorOptions(Math.Min(Chunk, customers - first + 1), InvoicesPerCustomer, DisputedShare: 0.1, Seed: first) { FirstCustomerNumber = first, BatchSize = 5000 });
                Console.WriteLine($"   {Math.Min(first + Chunk - 1, customers),5} customers — {watch.Elapsed.TotalMinutes:0.0} min");
            }
        }
    }

    private static async Task<string> MeasureAsync(DatabaseProvider provider, ServiceProvider services, int runs, int warmup, int parallelism)
    {
        var today = KpiDays.DateOf(DateTimeOffset.UtcNow);
        int invoices, disputes, customer;
        string owner;
        using (var scope = services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<LitigesDbContext>();
            invoices = await db.Invoices.CountAsync();
            disputes = await db.Disputes.CountAsync();
            customer = await db.Disputes.GroupBy(d => d.CustomerAccountId).OrderByDescending(g => g.Count()).Select(g => g.Key).FirstAsync();
            owner = await db.Disputes.Where(d => d.OwnerUserId != null).Select(d => d.OwnerUserId!).FirstAsync();
        }

        var quarter = new KpiFilter(today.AddDays(-89), today);
        var scenarios = new (string Name, KpiFilter Filter)[]
        {
            ("last 90 days, by week (default view)", quarter),
            ("last 12 months, by month", new KpiFilter(today.AddMonths(-12).AddDays(1), today)),
            ("last 90 days, reason FAC", quarter with { ReasonCode = "FAC" }),
            ("last 90 days, one owner", quarter with { OwnerUserId = owner }),
            ("last 90 days, one customer", quarter with { CustomerAccountId = customer }),
        };

        var table = new StringBuilder();
        table.AppendLine(CultureInfo.InvariantCulture, $"### {provider} — {invoices:N0} invoices, {disputes:N0} disputes, {(parallelism == 0 || provider == DatabaseProvider.Sqlite ? "one query at a time on one context" : $"up to {parallelism} queries side by side")}");
        table.AppendLine();
        table.AppendLine("| whole dashboard | p50 (ms) | p95 (ms) | max (ms) |");
        table.AppendLine("|---|---:|---:|---:|");
        foreach (var (name, filter) in scenarios)
        {
            var times = new List<double>();
            for (var run = 0; run < warmup + runs; run++)
            {
                using var scope = services.CreateScope();
                var db = scope.ServiceProvider.GetRequiredService<LitigesDbContext>();
                var watch = Stopwatch.StartNew();
                _ = parallelism == 0
                    ? await KpiQueries.ComputeAsync(db, filter, DateTimeOffset.UtcNow)
                    : await KpiQueries.ComputeAsync(services.GetRequiredService<IServiceScopeFactory>(), filter, DateTimeOffset.UtcNow, parallelism);
                if (run >= warmup)
                {
                    times.Add(watch.Elapsed.TotalMilliseconds);
                }
            }

            times.Sort();
            var line = string.Create(CultureInfo.InvariantCulture, $"| {name} | {Percentile(times, 0.50):0} | {Percentile(times, 0.95):0} | {times[^1]:0} |");
            Console.WriteLine(line);
            table.AppendLine(line);
        }

        table.AppendLine();
        return table.ToString();
    }

    /// <summary>
    /// --proposed-indexes: the covering indexes the dashboard would need, created on the bench
    /// database only (the model has no migration for them), to measure what they would change.
    /// </summary>
    private static async Task CreateProposedIndexesAsync(DatabaseProvider provider, ServiceProvider services)
    {
        using var scope = services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<LitigesDbContext>();
        string[] statements = provider == DatabaseProvider.PostgreSql
            ?
            [
                "CREATE INDEX IF NOT EXISTS \"IX_Invoices_IssueDate_Kpi\" ON \"Invoices\" (\"IssueDate\") INCLUDE (\"TotalGross\", \"OpenBalance\", \"CustomerAccountId\")",
                "CREATE INDEX IF NOT EXISTS \"IX_Disputes_SubmittedAt_Kpi\" ON \"Disputes\" (\"SubmittedAt\") INCLUDE (\"Status\", \"ReasonCode\", \"DepartmentId\", \"OwnerUserId\", \"CustomerAccountId\", \"DisputedAmount\")",
                "CREATE INDEX IF NOT EXISTS \"IX_Disputes_EndedAt_Kpi\" ON \"Disputes\" (\"EndedAt\") INCLUDE (\"Status\", \"ReasonCode\", \"DepartmentId\", \"OwnerUserId\", \"CustomerAccountId\", \"DisputedAmount\", \"EndedWithinSla\", \"RootCauseId\", \"SubmittedAt\")",
                "CREATE INDEX IF NOT EXISTS \"IX_DisputeDeadlineAlerts_Level_At\" ON \"DisputeDeadlineAlerts\" (\"Level\", \"At\")",
                "VACUUM ANALYZE",
            ]
            :
            [
                "CREATE INDEX IF NOT EXISTS \"IX_Invoices_IssueDate_Kpi\" ON \"Invoices\" (\"IssueDate\", \"TotalGross\", \"OpenBalance\", \"CustomerAccountId\")",
                "CREATE INDEX IF NOT EXISTS \"IX_Disputes_SubmittedAt_Kpi\" ON \"Disputes\" (\"SubmittedAt\", \"Status\", \"ReasonCode\", \"DepartmentId\", \"OwnerUserId\", \"CustomerAccountId\", \"DisputedAmount\")",
                "CREATE INDEX IF NOT EXISTS \"IX_Disputes_EndedAt_Kpi\" ON \"Disputes\" (\"EndedAt\", \"Status\", \"ReasonCode\", \"DepartmentId\", \"OwnerUserId\", \"CustomerAccountId\", \"DisputedAmount\", \"EndedWithinSla\", \"RootCauseId\", \"SubmittedAt\")",
                "CREATE INDEX IF NOT EXISTS \"IX_DisputeDeadlineAlerts_Level_At\" ON \"DisputeDeadlineAlerts\" (\"Level\", \"At\")",
                "ANALYZE",
            ];
        foreach (var statement in statements)
        {
            await db.Database.ExecuteSqlRawAsync(statement);
        }

        Console.WriteLine("   proposed indexes created");
    }

    private static double Percentile(List<double> sorted, double p) => sorted[(int)Math.Ceiling(p * sorted.Count) - 1];

    private static string? Value(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }

    private static int Option(string[] args, string name, int fallback) =>
        Value(args, name) is { } value ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;
}
