using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Litiges.Data;
using Litiges.Notifications;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Litiges.Bench.Notifications;

/// <summary>
/// E-mails through the outbox to a real SMTP server (maildev): each message is queued the way an
/// act queues it (<c>Outbox.QueueEmail</c> and its own <c>SaveChanges</c>, the commit time noted),
/// and the outbox dispatcher delivers it through the SMTP sender. Two scenarios per provider:
/// "backlog" (every message queued, then the dispatchers started: throughput) and "live" (the
/// dispatchers running while messages are queued at a steady rate: commit-to-delivery latency).
/// Delivery time is when maildev stored the message (the write time of its .eml file: maildev's
/// own <c>time</c> field is the message's Date header, to the second); the dispatcher's own
/// <c>SentAt</c> is reported beside it.
///
///   dotnet run -c Release --project bench/Notifications -- [--messages 1000] [--rate 50]
///       [--dispatchers 1] [--batch 20] [--poll 00:00:01] [--providers sqlite,postgresql]
///       [--postgres "Host=..."] [--smtp host:port]
///
/// Without --smtp it starts a maildev of its own on free loopback ports (LITIGES_TEST_MAILDEV_BIN,
/// else .tools/node_modules/.bin/maildev as scripts/services.sh installs it) and stops it at the
/// end. With --smtp (any server) only the dispatcher's SentAt can be read.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var options = BenchOptions.Parse(args);
        await using var maildev = options.Smtp is null ? await OwnMaildev.StartAsync() : null;
        var (host, port) = options.Smtp ?? ("127.0.0.1", maildev!.SmtpPort);

        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"Outbox to SMTP ({host}:{port}): {options.Messages:N0} messages per scenario, {options.Dispatchers} dispatcher(s), batch {options.Batch}, poll interval {options.Poll}, live rate {options.Rate}/s.");
        report.AppendLine(CultureInfo.InvariantCulture, $"Latency = delivery - commit; delivery is {(maildev is null ? "the dispatcher's SentAt (the server's own time cannot be read)" : "when maildev stored the message")}.");
        report.AppendLine();
        report.AppendLine("| provider | scenario | delivered | span (s) | throughput (msg/s) | p50 (ms) | p95 (ms) | max (ms) | p95 by SentAt (ms) |");
        report.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var provider in options.Providers)
        {
            await using var services = await PrepareAsync(provider, options);
            foreach (var scenario in new[] { "backlog", "live" })
            {
                Console.WriteLine($"== {provider} {scenario}");
                if (maildev is not null)
                {
                    await maildev.ClearAsync();
                }

                var result = await RunAsync(services, () => new SmtpMailSender(new SmtpSettings(host, port, false, null, null)), scenario, options, maildev);
                report.AppendLine(CultureInfo.InvariantCulture, $"| {provider} | {scenario} | {result.Delivered:N0} | {result.Span.TotalSeconds:F1} | {result.Throughput:F0} | {result.P50:F0} | {result.P95:F0} | {result.Max:F0} | {result.P95BySentAt:F0} |");
            }
        }

        Console.WriteLine();
        Console.WriteLine(report);
        return 0;
    }

    // Each dispatcher stands for an app instance: its own SMTP sender, hence its own connection.
    private static async Task<Result> RunAsync(ServiceProvider services, Func<SmtpMailSender> newSender, string scenario, BenchOptions options, OwnMaildev? maildev)
    {
        var scopes = services.GetRequiredService<IServiceScopeFactory>();
        var run = Guid.NewGuid().ToString("N")[..6].ToUpperInvariant();
        var commits = new Dictionary<string, DateTimeOffset>(options.Messages);
        var ids = new List<long>(options.Messages);
        using var stop = new CancellationTokenSource();
        var senders = Enumerable.Range(0, options.Dispatchers).Select(_ => newSender()).ToList();
        var dispatchers = senders
            .Select(sender => new OutboxDispatcher(
                scopes,
                sender,
                new PickupFolderSmsSender(Path.Combine(Path.GetTempPath(), "litiges-bench-sms")), // the bench queues e-mails only
                new MailSettings("litiges@bench.example", "Litiges", "https://portal.example", "https://backoffice.example"),
                TimeProvider.System,
                Options.Create(new OutboxOptions { BatchSize = options.Batch, PollInterval = options.Poll }),
                NullLogger<OutboxDispatcher>.Instance))
            .ToList();

        async Task StartDispatchersAsync()
        {
            foreach (var dispatcher in dispatchers)
            {
                await dispatcher.StartAsync(stop.Token);
            }
        }

        if (scenario == "live")
        {
            await StartDispatchersAsync();
        }

        // The producer: one act, one transaction, one message, as a filing or a reply queues it.
        var pace = Stopwatch.StartNew();
        for (var i = 1; i <= options.Messages; i++)
        {
            if (scenario == "live" && options.Rate > 0)
            {
                var due = TimeSpan.FromSeconds((i - 1) / (double)options.Rate);
                if (due > pace.Elapsed)
                {
                    await Task.Delay(due - pace.Elapsed);
                }
            }

            var reference = string.Create(CultureInfo.InvariantCulture, $"LIT-{run}-{i:D6}");
            using var scope = scopes.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<LitigesDbContext>();
            var message = Outbox.QueueEmail(
                db,
                "DisputeSubmitted",
                string.Create(CultureInfo.InvariantCulture, $"client{i % 50}@bench.example"),
                i % 3 == 0 ? "en" : "fr",
                DateTimeOffset.UtcNow,
                $"https://portal.example/Disputes/Details/{reference}",
                "Alice Alpha",
                reference,
                new Finance.Money(1234.56m, Finance.Money.Euro),
                "mardi 24 novembre 2026",
                "lundi 7 décembre 2026",
                "lundi 4 janvier 2027",
                "lundi 25 janvier 2027",
                "FA-2026-000042");
            await db.SaveChangesAsync();
            commits[reference] = DateTimeOffset.UtcNow;
            ids.Add(message.Id);
        }

        var queuedIn = pace.Elapsed;
        if (scenario == "backlog")
        {
            Console.WriteLine($"   queued {options.Messages:N0} in {queuedIn.TotalSeconds:F1} s; starting the dispatchers");
            await StartDispatchersAsync();
        }

        var first = ids[0];
        var waitUntil = DateTime.UtcNow.AddMinutes(10);
        int sent;
        do
        {
            await Task.Delay(200);
            using var scope = scopes.CreateScope();
            sent = await scope.ServiceProvider.GetRequiredService<LitigesDbContext>().Outbox.CountAsync(m => m.Id >= first && m.SentAt != null);
        }
        while (sent < options.Messages && DateTime.UtcNow < waitUntil);

        await stop.CancelAsync();
        foreach (var dispatcher in dispatchers)
        {
            await dispatcher.StopAsync(CancellationToken.None);
            dispatcher.Dispose();
        }

        senders.ForEach(sender => sender.Dispose());

        // The dispatcher's own record of when each message left, and maildev's of when it arrived.
        List<(string Subject, DateTimeOffset SentAt)> records;
        using (var scope = scopes.CreateScope())
        {
            var rows = await scope.ServiceProvider.GetRequiredService<LitigesDbContext>().Outbox.AsNoTracking()
                .Where(m => m.Id >= first && m.SentAt != null)
                .Select(m => new { m.Subject, m.SentAt })
                .ToListAsync();
            records = [.. rows.Select(r => (r.Subject, r.SentAt!.Value))];
        }

        var bySentAt = records.Select(r => (Reference(r.Subject), r.SentAt)).ToList();
        var received = maildev is null ? bySentAt : maildev.Received().Where(r => r.Subject.Contains(run, StringComparison.Ordinal)).Select(r => (Reference(r.Subject), r.Time)).ToList();
        if (received.Count != received.Select(r => r.Item1).Distinct().Count())
        {
            throw new InvalidOperationException("A message reached the SMTP server twice.");
        }

        var latencies = received.Select(r => (r.Item2 - commits[r.Item1]).TotalMilliseconds).Order().ToList();
        var sentLatencies = bySentAt.Select(r => (r.SentAt - commits[r.Item1]).TotalMilliseconds).Order().ToList();
        var start = scenario == "backlog" ? commits.Values.Max() : commits.Values.Min();
        var span = received.Max(r => r.Item2) - start;
        return new Result(received.Count, span, received.Count / span.TotalSeconds, Percentile(latencies, 0.50), Percentile(latencies, 0.95), latencies[^1], Percentile(sentLatencies, 0.95));
    }

    private static string Reference(string subject) => subject.Split(' ').First(w => w.StartsWith("LIT-", StringComparison.Ordinal));

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static async Task<ServiceProvider> PrepareAsync(DatabaseProvider provider, BenchOptions options)
    {
        var folder = Directory.CreateTempSubdirectory("litiges-bench-notifications-").FullName;
        var connectionString = await BenchDatabase.PrepareAsync(provider, folder, "litiges_bench_notifications", options.Postgres, keep: false);
        var configuration = BenchDatabase.Configuration(provider, connectionString);
        var services = new ServiceCollection()
            .AddSingleton(TimeProvider.System)
            .AddLogging(logging => logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning))
            .AddLitigesDatabase(configuration, folder)
            .BuildServiceProvider();
        using var scope = services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<LitigesDbContext>();
        await DatabaseMigrator.MigrateDatabaseAsync(db);

        return services;
    }

    private sealed record Result(int Delivered, TimeSpan Span, double Throughput, double P50, double P95, double Max, double P95BySentAt);
}

/// <summary>A maildev of the bench's own, on free loopback ports, stopped with the bench.</summary>
internal sealed class OwnMaildev : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _folder;

    private OwnMaildev(Process process, string folder, int smtpPort, int webPort)
    {
        _process = process;
        _folder = folder;
        SmtpPort = smtpPort;
        ApiUrl = string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{webPort}");
    }

    public int SmtpPort { get; }

    public string ApiUrl { get; }

    /// <summary>Every message maildev holds, with the time it stored it (its .eml file's write time).</summary>
    public IEnumerable<(string Subject, DateTimeOffset Time)> Received() =>
        Directory.EnumerateFiles(_folder, "*.eml").Select(file =>
        {
            using var message = MimeKit.MimeMessage.Load(file);
            return (message.Subject ?? string.Empty, new DateTimeOffset(File.GetLastWriteTimeUtc(file), TimeSpan.Zero));
        });

    /// <summary>Empties maildev between scenarios (its HTTP API), so that each reads only its own messages.</summary>
    public async Task ClearAsync()
    {
        using var http = new HttpClient { BaseAddress = new Uri(ApiUrl) };
        (await http.DeleteAsync(new Uri("/api/email/all", UriKind.Relative))).EnsureSuccessStatusCode();
    }

    public static async Task<OwnMaildev> StartAsync()
    {
        var binary = Environment.GetEnvironmentVariable("LITIGES_TEST_MAILDEV_BIN") ?? Path.GetFullPath(".tools/node_modules/.bin/maildev");
        if (!File.Exists(binary))
        {
            throw new InvalidOperationException("maildev not found: set LITIGES_TEST_MAILDEV_BIN (source scripts/services.sh; start_maildev), or pass --smtp and --maildev-api.");
        }

        var folder = Directory.CreateTempSubdirectory("litiges-bench-maildev-").FullName;
        var (smtp, web) = (FreePort(), FreePort());
        var start = new ProcessStartInfo(binary)
        {
            ArgumentList = { "--smtp", $"{smtp}", "--web", $"{web}", "--ip", "127.0.0.1", "--web-ip", "127.0.0.1", "--mail-directory", folder, "--silent" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("maildev did not start.");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!Answers(smtp) || !Answers(web))
        {
            if (DateTime.UtcNow > deadline || process.HasExited)
            {
                throw new InvalidOperationException("maildev did not open its ports.");
            }

            await Task.Delay(100);
        }

        Console.WriteLine($"maildev: SMTP 127.0.0.1:{smtp}, API http://127.0.0.1:{web}");
        return new OwnMaildev(process, folder, smtp, web);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private static bool Answers(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

internal sealed record BenchOptions(
    int Messages,
    int Rate,
    int Dispatchers,
    int Batch,
    TimeSpan Poll,
    IReadOnlyList<DatabaseProvider> Providers,
    string? Postgres,
    (string Host, int Port)? Smtp)
{
    public static BenchOptions Parse(string[] args)
    {
        string? Value(string name)
        {
            var index = Array.IndexOf(args, name);
            return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
        }

        int Number(string name, int fallback) => Value(name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

        var providers = (Value("--providers") ?? "sqlite").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => p.ToLowerInvariant() switch
            {
                "sqlite" => DatabaseProvider.Sqlite,
                "postgresql" or "postgres" => DatabaseProvider.PostgreSql,
                _ => throw new ArgumentException($"Unknown provider '{p}'."),
            })
            .ToList();
        (string, int)? smtp = null;
        if (Value("--smtp") is { } endpoint)
        {
            var parts = endpoint.Split(':');
            smtp = (parts[0], int.Parse(parts[1], CultureInfo.InvariantCulture));
        }

        return new BenchOptions(
            Number("--messages", 1000),
            Number("--rate", 50),
            Number("--dispatchers", 1),
            Number("--batch", 20),
            Value("--poll") is { } poll ? TimeSpan.Parse(poll, CultureInfo.InvariantCulture) : TimeSpan.FromSeconds(1),
            providers,
            Value("--postgres") ?? Environment.GetEnvironmentVariable("LITIGES_TEST_POSTGRES"),
            smtp);
    }
}
