using System.Diagnostics;
using System.Globalization;
using System.Security.Claims;
using System.Text;
using Litiges.Accounts;
using Litiges.BackOffice.Pages.Disputes;
using Litiges.Data;
using Litiges.Deadlines;
using Litiges.Demo;
using Litiges.Disputes;
using Litiges.Jobs;
using Litiges.Notifications;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Litiges.Bench.BackOffice;

/// <summary>
/// The back-office queue over a large database: generates disputes with the demo DataGenerator
/// (through the domain, every state represented), then times the queue's own query (filters,
/// sorts, keyset pages, status counts) and reports the median and 95th percentile per scenario.
///
///   dotnet run -c Release --project bench/BackOffice -- [--disputes 100000] [--runs 200]
///       [--providers sqlite,postgresql] [--postgres "Host=..."] [--keep] [--sql] [--watcher]
///
/// PostgreSQL comes from --postgres or LITIGES_TEST_POSTGRES (scripts/services.sh start_postgres).
/// With --keep the generated databases are kept and reused by the next run of the same size.
/// </summary>
public static class Program
{
    private const int PageSize = IndexModel.PageSize;

    public static async Task<int> Main(string[] args)
    {
        var options = BenchOptions.Parse(args);
        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"Queue benchmark: {options.Disputes:N0} disputes requested, {options.Runs} timed runs per scenario after {options.Warmup} warm-up runs, page size {PageSize}.");
        report.AppendLine();
        foreach (var provider in options.Providers)
        {
            Console.WriteLine($"== {provider}");
            await using var services = await PrepareAsync(provider, options);
            report.Append(await MeasureAsync(provider, services, options));
            if (options.Watcher)
            {
                report.Append(await WatchAsync(provider, services));
            }
        }

        Console.WriteLine();
        Console.WriteLine(report);
        return 0;
    }

    private static async Task<ServiceProvider> PrepareAsync(DatabaseProvider provider, BenchOptions options)
    {
        var folder = Path.Combine(Path.GetTempPath(), "litiges-bench");
        Directory.CreateDirectory(folder);
        var name = string.Create(CultureInfo.InvariantCulture, $"litiges_bench_{options.Disputes}");
        var connectionString = await BenchDatabase.PrepareAsync(provider, folder, name, options.Postgres, options.Keep);
        var configuration = BenchDatabase.Configuration(provider, connectionString);
        var collection = new ServiceCollection()
            .AddSingleton(TimeProvider.System)
            .AddLitigesDatabase(configuration, folder);
        if (options.ShowSql)
        {
            // --sql: print each statement, to read the plans the queue gets.
            collection.AddLogging(logging => logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning).AddFilter("Microsoft.EntityFrameworkCore.Database.Command", LogLevel.Information));
        }

        var services = collection.BuildServiceProvider();

        using var scope = services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<LitigesDbContext>();
        await DatabaseMigrator.MigrateDatabaseAsync(db);
        var existing = await db.Disputes.CountAsync();
        if (existing >= options.Disputes)
        {
            Console.WriteLine($"   reusing {existing:N0} disputes");
            await AnalyzeAsync(db, provider);
            return services;
        }

        // Every invoice disputed, 100 invoices a customer: the dispute count is the invoice count.
        const int invoicesPerCustomer = 100;
        var customers = (options.Disputes - existing + invoicesPerCustomer - 1) / invoicesPerCustomer;
        var owners = Enumerable.Range(1, 8).Select(i => new Actor($"bench-owner-{i}", $"Pilote {i}", i % 4 == 0 ? ActorRole.CreditManager : ActorRole.Agent)).ToList();
        var watch = Stopwatch.StartNew();
        db.ChangeTracker.AutoDetectChangesEnabled = true;
        var generated = await new DataGenerator(db, TimeProvider.System).GenerateAsync(
            new GeneratorOptions(customers, invoicesPerCustomer, DisputedShare: 1.0) { FirstCustomerNumber = 1 + (existing / invoicesPerCustomer), BatchSize = 5000 },
            owners);
        Console.WriteLine($"   generated {generated.Disputes:N0} disputes ({generated.Invoices:N0} invoices) in {watch.Elapsed:mm\\:ss}");
        await AnalyzeAsync(db, provider);
        return services;
    }

    // Fresh planner statistics, as a production database has after its routine maintenance.
    private static Task<int> AnalyzeAsync(LitigesDbContext db, DatabaseProvider provider) =>
        db.Database.ExecuteSqlRawAsync(provider == DatabaseProvider.PostgreSql ? "VACUUM ANALYZE;" : "ANALYZE;");

    private static async Task<string> MeasureAsync(DatabaseProvider provider, ServiceProvider services, BenchOptions options)
    {
        int billing;
        string owner;
        string? deepCursor;
        int total;
        using (var scope = services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<LitigesDbContext>();
            total = await db.Disputes.CountAsync();
            billing = await db.Departments.Where(d => d.Code == ReferenceData.Departments.Billing).Select(d => d.Id).SingleAsync();
            owner = await db.Disputes.Where(d => d.OwnerUserId != null).Select(d => d.OwnerUserId!).FirstAsync();

            // The cursor of page 20 of the default view, to time a page deep in the queue.
            deepCursor = null;
            for (var page = 1; page < 20; page++)
            {
                deepCursor = (await IndexModel.QueryAsync(db, db.Disputes.AsNoTracking(), new QueueFilter { After = deepCursor }, PageSize, CancellationToken.None)).NextCursor;
            }
        }

        var staff = Principal(StaffRoles.Agent, null);
        var resolver = Principal(StaffRoles.Resolver, billing);
        var scenarios = new (string Name, ClaimsPrincipal User, QueueFilter Filter, bool Counts)[]
        {
            ("open, next deadline (default view)", staff, new QueueFilter(), false),
            ("open, amount at stake", staff, new QueueFilter { Sort = QueueSort.Amount }, false),
            ("open, age", staff, new QueueFilter { Sort = QueueSort.Age }, false),
            ("open, page 20 by keyset", staff, new QueueFilter { After = deepCursor }, false),
            ("reason FAC, next deadline", staff, new QueueFilter { ReasonCode = "FAC" }, false),
            ("billing + breached, amount", staff, new QueueFilter { DepartmentId = billing, DeadlineState = DeadlineState.Breached, Sort = QueueSort.Amount }, false),
            ("one owner, next deadline", staff, new QueueFilter { OwnerUserId = owner }, false),
            ("unassigned, age", staff, new QueueFilter { OwnerUserId = QueueFilter.Unassigned, Sort = QueueSort.Age }, false),
            ("500-2000 €, amount", staff, new QueueFilter { MinAmount = 500, MaxAmount = 2000, Sort = QueueSort.Amount }, false),
            ("status Closed, age", staff, new QueueFilter { Status = DisputeStatus.Closed, Sort = QueueSort.Age }, false),
            ("resolver (billing), next deadline", resolver, new QueueFilter(), false),
            ("counts per status (tabs)", staff, new QueueFilter(), true),
            ("counts per status, reason FAC", staff, new QueueFilter { ReasonCode = "FAC" }, true),
        };

        var table = new StringBuilder();
        table.AppendLine(CultureInfo.InvariantCulture, $"### {provider} — {total:N0} disputes");
        table.AppendLine();
        table.AppendLine("| scenario | rows | p50 (ms) | p95 (ms) | max (ms) |");
        table.AppendLine("|---|---:|---:|---:|---:|");
        foreach (var (name, user, filter, counts) in scenarios)
        {
            var times = new List<double>();
            var rows = 0;
            for (var run = 0; run < options.Warmup + options.Runs; run++)
            {
                using var scope = services.CreateScope();
                var db = scope.ServiceProvider.GetRequiredService<LitigesDbContext>();
                var visible = db.Disputes.AsNoTracking().VisibleTo(user);
                var watch = Stopwatch.StartNew();
                rows = counts
                    ? (await IndexModel.CountAsync(visible, filter, CancellationToken.None)).Count
                    : (await IndexModel.QueryAsync(db, visible, filter, PageSize, CancellationToken.None)).Rows.Count;
                watch.Stop();
                if (run >= options.Warmup)
                {
                    times.Add(watch.Elapsed.TotalMilliseconds);
                }
            }

            times.Sort();
            var line = string.Create(CultureInfo.InvariantCulture, $"| {name} | {rows} | {Percentile(times, 0.50):F1} | {Percentile(times, 0.95):F1} | {times[^1]:F1} |");
            Console.WriteLine(line);
            table.AppendLine(line);
        }

        table.AppendLine();
        return table.ToString();
    }

    /// <summary>
    /// --watcher: two passes of the deadline watcher over the whole database. The first raises every
    /// alert due (and queues its e-mails); the second shows what a routine pass costs afterwards.
    /// </summary>
    private static async Task<string> WatchAsync(DatabaseProvider provider, ServiceProvider services)
    {
        var watcher = new DeadlineWatcher(
            services.GetRequiredService<IServiceScopeFactory>(),
            TimeProvider.System,
            new PublicLinks(new MailSettings("bench@example.com", "Bench", "http://portal", "http://backoffice")),
            Options.Create(new DeadlineWatcherOptions()),
            NullLogger<DeadlineWatcher>.Instance);
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Deadline watcher on {provider}:");
        text.AppendLine();
        for (var pass = 1; pass <= 2; pass++)
        {
            var watch = Stopwatch.StartNew();
            var result = await watcher.RunOnceAsync(DateTimeOffset.UtcNow);
            var line = string.Create(CultureInfo.InvariantCulture, $"- pass {pass}: {watch.Elapsed.TotalSeconds:F1} s — {result}");
            Console.WriteLine(line);
            text.AppendLine(line);
        }

        text.AppendLine();
        return text.ToString();
    }

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static ClaimsPrincipal Principal(string role, int? department)
    {
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, "bench-user"),
            new(LitigesClaims.Kind, nameof(UserKind.Staff)),
            new(ClaimTypes.Role, role),
        };
        if (department is { } id)
        {
            claims.Add(new Claim(LitigesClaims.DepartmentId, id.ToString(CultureInfo.InvariantCulture)));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, "bench"));
    }

    private sealed record BenchOptions(int Disputes, int Runs, int Warmup, IReadOnlyList<DatabaseProvider> Providers, string? Postgres, bool Keep, bool ShowSql, bool Watcher)
    {
        public static BenchOptions Parse(string[] args)
        {
            string? Value(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
            var providers = (Value("--providers") ?? "sqlite,postgresql")
                .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(p => Enum.Parse<DatabaseProvider>(p, ignoreCase: true))
                .ToList();
            return new BenchOptions(
                int.Parse(Value("--disputes") ?? "100000", CultureInfo.InvariantCulture),
                int.Parse(Value("--runs") ?? "200", CultureInfo.InvariantCulture),
                int.Parse(Value("--warmup") ?? "20", CultureInfo.InvariantCulture),
                providers,
                Value("--postgres") ?? Environment.GetEnvironmentVariable("LITIGES_TEST_POSTGRES"),
                args.Contains("--keep"),
                args.Contains("--sql"),
                args.Contains("--watcher"));
        }
    }
}
