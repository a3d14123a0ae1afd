using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Litiges.Accounts;
using Litiges.BackOffice;
using Litiges.BackOffice.Api;
using Litiges.Customers;
using Litiges.Data;
using Litiges.Hosting;
using Litiges.Integration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

// Upserts invoices through the integration API, in batches, against the back office hosted by
// Kestrel on loopback, and reports throughput and the server's memory as the database grows.
// Then imports a CSV file of --csv-rows invoice lines the way the import page does, and reports
// its time and the memory it took while it ran.
//   dotnet run -c Release --project bench/Api -- [--count 100000] [--batch 500] [--workers 2] [--csv-rows 100000] [--providers sqlite,postgresql]
var options = Args.Parse(args);
var count = options.Int("count", 100_000);
var batch = options.Int("batch", 500);
var workers = options.Int("workers", 2);
var csvRows = options.Int("csv-rows", 100_000);
var providers = options.Text("providers", Environment.GetEnvironmentVariable("LITIGES_TEST_POSTGRES") is null ? "sqlite" : "sqlite,postgresql")
    .Split(',', StringSplitOptions.RemoveEmptyEntries);
Console.WriteLine($"Integration API benchmark: {count:N0} invoices in batches of {batch} by {workers} workers; .NET {Environment.Version}, {Environment.ProcessorCount} cores, GC {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")}.");
foreach (var provider in providers)
{
    await Bench.RunAsync(provider.Trim().Equals("postgresql", StringComparison.OrdinalIgnoreCase) ? DatabaseProvider.PostgreSql : DatabaseProvider.Sqlite, count, batch, workers, csvRows);
}

internal static class Bench
{
    private const int Customers = 200;
    private const int LinesPerInvoice = 3;

    public static async Task RunAsync(DatabaseProvider provider, int count, int batchSize, int workers, int csvRows)
    {
        var dataFolder = Directory.CreateTempSubdirectory("litiges-bench-api-").FullName;
        var (connectionString, drop) = CreateDatabase(provider, dataFolder);
        try
        {
            await using var app = BuildServer(provider, connectionString, dataFolder);
            await DatabaseMigrator.MigrateAsync(app.Services, demoData: false);
            var key = await SeedAsync(app.Services);
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            using var http = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromMinutes(5) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);

            // Warm up (JIT, connection pools), then measure from a clean heap.
            await SendAsync(http, "WARM", 0, Math.Min(batchSize, 100));
            Console.WriteLine();
            Console.WriteLine($"== {provider} ==");
            Console.WriteLine("  done        elapsed   invoices/s (last step)   GC heap after full GC   working set");
            var start = Sample.Take(0, TimeSpan.Zero, 0);
            start.Print();
            var samples = new List<Sample> { start };
            var clock = Stopwatch.StartNew();
            var next = 0;
            var done = 0;
            var step = Math.Max(batchSize, count / 10);
            var nextReport = step;
            var gate = new SemaphoreSlim(1, 1);
            var lastElapsed = TimeSpan.Zero;
            var lastDone = 0;
            var batchTimes = new List<double>();
            async Task WorkAsync()
            {
                while (true)
                {
                    var first = Interlocked.Add(ref next, batchSize) - batchSize;
                    if (first >= count)
                    {
                        return;
                    }

                    var size = Math.Min(batchSize, count - first);
                    var timer = Stopwatch.StartNew();
                    await SendAsync(http, "INV", first, size);
                    await gate.WaitAsync();
                    try
                    {
                        batchTimes.Add(timer.Elapsed.TotalMilliseconds);
                        done += size;
                        if (done >= nextReport || done == count)
                        {
                            var elapsed = clock.Elapsed;
                            var sample = Sample.Take(done, elapsed, (done - lastDone) / (elapsed - lastElapsed).TotalSeconds);
                            sample.Print();
                            samples.Add(sample);
                            (lastDone, lastElapsed) = (done, elapsed);
                            nextReport += step;
                        }
                    }
                    finally
                    {
                        gate.Release();
                    }
                }
            }

            await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(WorkAsync)));
            var total = clock.Elapsed;
            var stored = await CountAsync(app.Services);
            batchTimes.Sort();
            var middle = samples[samples.Count / 2];
            var end = samples[^1];
            Console.WriteLine($"  {count:N0} invoices ({count * LinesPerInvoice:N0} lines) in {total.TotalSeconds:N1} s: {count / total.TotalSeconds:N0} invoices/s; batch p50 {batchTimes[batchTimes.Count / 2]:N0} ms, p95 {batchTimes[(int)(batchTimes.Count * 0.95)]:N0} ms; {stored:N0} invoices stored.");
            Console.WriteLine($"  GC heap start / middle / end: {Mib(start.HeapBytes)} / {Mib(middle.HeapBytes)} / {Mib(end.HeapBytes)}; working set {Mib(start.WorkingSet)} / {Mib(middle.WorkingSet)} / {Mib(end.WorkingSet)}; peak working set {Mib(Process.GetCurrentProcess().PeakWorkingSet64)}.");
            if (csvRows > 0)
            {
                await ImportCsvAsync(app.Services, csvRows, dataFolder);
            }

            await app.StopAsync();
        }
        finally
        {
            await drop();
            try
            {
                Directory.Delete(dataFolder, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    // The import page stages the upload in a file, then hands it to InvoiceCsvImport: so does this.
    private static async Task ImportCsvAsync(IServiceProvider services, int rows, string dataFolder)
    {
        const int LinesPerCsvInvoice = 4;
        var path = Path.Combine(dataFolder, "invoices.csv");
        await using (var writer = new StreamWriter(path))
        {
            await writer.WriteLineAsync("invoice_number;customer_number;issue_date;due_date;description;quantity;unit_price;vat_rate");
            for (var row = 0; row < rows; row++)
            {
                var invoice = row / LinesPerCsvInvoice;
                await writer.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"CSV-{invoice:0000000};{CustomerNumber(invoice % Customers)};2026-11-02;02/12/2026;\"Article {row % LinesPerCsvInvoice}; lot {row}\";{1 + (row % 5)};{10 + (row % 90)},50;{(row % 3 == 0 ? "5,5" : "20")}"));
            }
        }

        var before = Sample.Take(0, TimeSpan.Zero, 0);
        long peakHeap = 0;
        long peakWorkingSet = 0;
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                peakHeap = Math.Max(peakHeap, GC.GetTotalMemory(false));
                peakWorkingSet = Math.Max(peakWorkingSet, Environment.WorkingSet);
                await Task.Delay(20, CancellationToken.None);
            }
        });
        var clock = Stopwatch.StartNew();
        CsvImportReport report;
        using (var scope = services.CreateScope())
        await using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.SequentialScan))
        {
            report = await InvoiceCsvImport.RunAsync(scope.ServiceProvider.GetRequiredService<LitigesDbContext>(), file);
        }

        var elapsed = clock.Elapsed;
        await stop.CancelAsync();
        await sampler;
        var after = Sample.Take(rows, elapsed, 0);
        if (!report.Imported)
        {
            throw new InvalidOperationException($"The CSV import was refused: {report.ProblemCount} problems.");
        }

        Console.WriteLine($"  CSV import: {report.Rows:N0} rows ({new FileInfo(path).Length / 1024.0 / 1024.0:N1} MiB), {report.Invoices:N0} invoices ({report.Created:N0} created), checked then imported in {elapsed.TotalSeconds:N1} s ({report.Rows / elapsed.TotalSeconds:N0} rows/s).");
        Console.WriteLine($"  CSV import memory: GC heap before {Mib(before.HeapBytes)}, peak while importing {Mib(peakHeap)} (uncollected), after {Mib(after.HeapBytes)}; working set before {Mib(before.WorkingSet)}, peak {Mib(peakWorkingSet)}, after {Mib(after.WorkingSet)}.");
    }

    private static string Mib(long bytes) => $"{bytes / 1024.0 / 1024.0:N1} MiB";

    // The back office as Program builds it, without the background jobs, on a free loopback port.
    private static WebApplication BuildServer(DatabaseProvider provider, string connectionString, string dataFolder)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production", ContentRootPath = dataFolder, Args = [] });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["DataFolder"] = dataFolder,
            ["Database:Provider"] = provider.ToString(),
            ["ConnectionStrings:Litiges"] = connectionString,
            ["Email:Outbox:Enabled"] = "false",
            ["Api:RateLimit:PermitsPerMinute"] = "1000000",
        });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(System.Net.IPAddress.Loopback, 0));
        builder.AddLitigesWeb(UserKind.Staff);
        builder.Services.AddBackOfficePolicies();
        builder.Services.AddIntegrationApi(builder.Configuration);
        var app = builder.Build();
        app.UseLitigesWeb();
        app.MapIntegrationApi();
        return app;
    }

    private static async Task<string> SeedAsync(IServiceProvider services)
    {
        using var scope = services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<LitigesDbContext>();
        for (var i = 0; i < Customers; i++)
        {
            db.CustomerAccounts.Add(new CustomerAccount(CustomerNumber(i), $"Client {i}", "552100554", "FR40552100554", new PostalAddress($"{i} rue du Banc", null, "69002", "Lyon", "France")));
        }

        var (client, key) = ApiClient.Create("Bench ERP", ApiScopes.Read | ApiScopes.Write, "bench", DateTimeOffset.UtcNow);
        db.ApiClients.Add(client);
        await db.SaveChangesAsync();
        return key;
    }

    private static async Task SendAsync(HttpClient http, string prefix, int first, int size)
    {
        var invoices = Enumerable.Range(first, size).Select(n => new
        {
            number = string.Create(CultureInfo.InvariantCulture, $"{prefix}-{n:0000000}"),
            customerNumber = CustomerNumber(n % Customers),
            issueDate = new DateOnly(2026, 1, 1).AddDays(n % 300),
            dueDate = new DateOnly(2026, 1, 31).AddDays(n % 300),
            lines = Enumerable.Range(1, LinesPerInvoice).Select(l => new { description = $"Article {l}", quantity = (decimal)l, unitPrice = 10m + (n % 97), vatRate = l == 3 ? 0.055m : 0.20m }).ToArray(),
        });
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/invoices/batch") { Content = JsonContent.Create(new { invoices }) };
        request.Headers.Add("Idempotency-Key", $"{prefix}-{first}");
        using var response = await http.SendAsync(request);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Batch at {first} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }

    private static async Task<int> CountAsync(IServiceProvider services)
    {
        using var scope = services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<LitigesDbContext>().Invoices.CountAsync(i => i.Number.StartsWith("INV-"));
    }

    private static string CustomerNumber(int i) => string.Create(CultureInfo.InvariantCulture, $"BENCH-{i:0000}");

    private static (string ConnectionString, Func<Task> Drop) CreateDatabase(DatabaseProvider provider, string dataFolder)
    {
        if (provider == DatabaseProvider.Sqlite)
        {
            return ($"Data Source={Path.Combine(dataFolder, "litiges.db")};Default Timeout=30", () =>
            {
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                return Task.CompletedTask;
            });
        }

        var server = Environment.GetEnvironmentVariable("LITIGES_TEST_POSTGRES") ?? throw new InvalidOperationException("Set LITIGES_TEST_POSTGRES (source scripts/services.sh; start_postgres).");
        var name = "litiges_bench_" + Guid.NewGuid().ToString("N")[..8];
        using (var connection = new NpgsqlConnection(server))
        {
            connection.Open();
            using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            create.ExecuteNonQuery();
        }

        return (new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString, async () =>
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(server);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        });
    }
}

/// <summary>The server's memory at a point: the heap that survives a full collection (what would leak), and the working set.</summary>
internal sealed record Sample(int Done, TimeSpan Elapsed, double Rate, long HeapBytes, long WorkingSet)
{
    public static Sample Take(int done, TimeSpan elapsed, double rate)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return new Sample(done, elapsed, rate, GC.GetGCMemoryInfo().HeapSizeBytes, Environment.WorkingSet);
    }

    public void Print() =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {Done,9:N0}   {Elapsed.TotalSeconds,7:N1} s   {(Rate > 0 ? Rate.ToString("N0", CultureInfo.InvariantCulture) : "-"),22}   {HeapBytes / 1024.0 / 1024.0,17:N1} MiB   {WorkingSet / 1024.0 / 1024.0,7:N1} MiB"));
}

/// <summary>"--name value" pairs from the command line.</summary>
internal sealed class Args(Dictionary<string, string> values)
{
    public static Args Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i].StartsWith("--", StringComparison.Ordinal))
            {
                values[args[i][2..]] = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : "true";
            }
        }

        return new Args(values);
    }

    public int Int(string name, int fallback) => values.TryGetValue(name, out var value) ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;

    public string Text(string name, string fallback) => values.GetValueOrDefault(name, fallback);
}
