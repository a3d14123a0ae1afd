using System.Globalization;
using System.Net;
using System.Text;
using Litiges.Data;

namespace Litiges.Bench.Pages;

/// <summary>
/// How fast the pages people use are, as a ratio to a bare Razor Pages app measured in the same
/// run (issue 19): both apps from their Release builds in Production, signed in, 32 connections.
///
///   dotnet build -c Release bench/Pages
///   dotnet bench/Pages/bin/Release/net10.0/Litiges.Bench.Pages.dll [--size demo|large]
///       [--providers sqlite,postgresql] [--seconds 10] [--warmup 3] [--connections 32]
///       [--pages text] [--cache folder] [--fresh] [--postgres "Host=..."] [--published] [--assert] [--hold] [--settle 40]
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var options = Options.Parse(args);
        Directory.CreateDirectory(options.Cache);
        if (options.Published)
        {
            await AppProcess.PublishAsync(Path.Combine(options.Cache, "published"));
        }

        var report = new StringBuilder();
        var missed = new List<string>();
        foreach (var provider in options.Providers)
        {
            Console.WriteLine($"== {provider}, {options.Size} size");
            var (settings, logins) = await BenchData.PrepareAsync(options, provider);
            var (table, misses) = await RunAsync(options, provider, settings, logins);
            report.Append(table);
            missed.AddRange(misses);
        }

        Console.WriteLine();
        Console.WriteLine(report);
        if (missed.Count > 0)
        {
            Console.WriteLine("Targets missed:");
            missed.ForEach(m => Console.WriteLine(" - " + m));
        }

        return options.Assert && missed.Count > 0 ? 1 : 0;
    }

    private static async Task<(string Table, List<string> Missed)> RunAsync(Options options, DatabaseProvider provider, BenchSettings settings, BenchLogins logins)
    {
        var noSettings = new Dictionary<string, string>();
        await using var bare = await AppProcess.StartAsync("bare", AppProcess.Assembly("bench/Pages/Bare", "Litiges.Bench.Pages.Bare"), "/", null, noSettings);
        await using var portal = await AppProcess.StartAsync("portal", AppProcess.Assembly("src/CustomerPortal", "Litiges.CustomerPortal"), "/Account/Login", BenchSettings.PortalHost, settings.Values);
        await using var backOffice = await AppProcess.StartAsync("backoffice", AppProcess.Assembly("src/BackOffice", "Litiges.BackOffice"), "/Account/Login", BenchSettings.BackOfficeHost, settings.Values);
        Console.WriteLine($"   processes: bare {bare.ProcessId}, portal {portal.ProcessId}, back office {backOffice.ProcessId}");

        using var http = new HttpClient(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false });
        var anonymous = new Browser(bare);
        var customer = new Browser(portal);
        var staff = new Browser(backOffice);
        await customer.SignInAsync(http, logins.CustomerEmail, logins.Password, null);
        await staff.SignInAsync(http, logins.StaffEmail, logins.Password, logins.StaffAuthenticatorKey);
        var (_, disputes, _) = await customer.SendAsync(http, HttpMethod.Get, "/Disputes");
        var dispute = Browser.FirstDispute(disputes);

        var pages = new (string Name, Browser Browser, string Path, double? Target)[]
        {
            ("bare Razor page with layout", anonymous, "/", null),
            ("portal /Disputes", customer, "/Disputes", 0.25),
            ("portal /Invoices", customer, "/Invoices", 0.25),
            ($"portal dispute page", customer, $"/Disputes/Details/{dispute}", 0.12),
            ("portal static file, signed in", customer, "/_content/Litiges.Shared/css/litiges.css", null),
            ("back-office queue", staff, "/Disputes", 0.15),
            ($"back-office dispute page", staff, $"/Disputes/Details/{dispute}", 0.12),
            ("bare Razor page with layout (again)", anonymous, "/", null),
        };

        // Each page answers 200 once (and sets its cookies, the antiforgery one) before it is timed.
        foreach (var (name, browser, path, _) in pages)
        {
            var (status, body, location) = await browser.SendAsync(http, HttpMethod.Get, path);
            if (status != HttpStatusCode.OK)
            {
                throw new InvalidOperationException($"{name} ({path}) answered {(int)status} {location}.");
            }

            if (options.Hold)
            {
                Console.WriteLine($"   {name}: {body.Length:N0} characters, pid {browser.App.ProcessId}");
                Console.WriteLine($"     {browser.CurlLine(path)}");
            }
        }

        if (options.Hold)
        {
            Console.WriteLine("   --hold: the apps keep running until this process is stopped.");
            await Task.Delay(Timeout.Infinite);
        }

        await Task.Delay(TimeSpan.FromSeconds(2));
        var idle = new[] { bare, portal, backOffice }.ToDictionary(a => a.Name, a => a.RssMegabytes);

        var measured = pages.Where(p => p.Target is null || options.Pages is null || p.Name.Contains(options.Pages, StringComparison.OrdinalIgnoreCase)).ToList();

        // Steady state, as a server that has been up for a while: the runtime compiles the code a
        // request runs first quickly, then again optimised once it is hot (tiered compilation), and
        // that second pass takes the first 20 to 30 seconds of load of an app this size. Every page
        // is loaded (not measured) until then; the bare page too, on the same terms.
        if (options.SettleSeconds > 0)
        {
            var settle = options with { Seconds = options.SettleSeconds / measured.Count, WarmupSeconds = 0 };
            foreach (var (_, browser, path, _) in measured)
            {
                await LoadRun.MeasureAsync("settling", browser, path, settle);
            }
        }

        var results = new List<(PageResult Result, double? Target)>();
        foreach (var (name, browser, path, target) in measured)
        {
            var result = await LoadRun.MeasureAsync(name, browser, path, options);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"   {name}: {result.RequestsPerSecond:N0} req/s, p99 {result.P99:0.0} ms"));
            results.Add((result, target));
        }

        var loaded = new[] { bare, portal, backOffice }.ToDictionary(a => a.Name, a => a.RssMegabytes);
        var bareRate = results.Where(r => r.Result.Name.StartsWith("bare", StringComparison.Ordinal)).Average(r => r.Result.RequestsPerSecond);

        var missed = new List<string>();
        var table = new StringBuilder();
        table.AppendLine(CultureInfo.InvariantCulture, $"### {provider}, {options.Size} size — {options.Connections} connections, {options.Seconds:0} s after {options.WarmupSeconds:0} s warm-up, {Environment.ProcessorCount} cores, load average {LoadAverage()}");
        table.AppendLine();
        table.AppendLine("| page | req/s | ratio to bare | target | p50 ms | p95 ms | p99 ms | errors |");
        table.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (result, target) in results)
        {
            var ratio = result.RequestsPerSecond / bareRate;
            table.AppendLine(CultureInfo.InvariantCulture, $"| {result.Name} | {result.RequestsPerSecond:N0} | {ratio:0.000} | {(target is { } t ? "≥ " + t.ToString("0.00", CultureInfo.InvariantCulture) : string.Empty)} | {result.P50:0.0} | {result.P95:0.0} | {result.P99:0.0} | {result.Errors} |");
            if (target is { } wanted && ratio < wanted)
            {
                missed.Add(string.Create(CultureInfo.InvariantCulture, $"{provider} {options.Size}: {result.Name} ratio {ratio:0.000} < {wanted:0.00}"));
            }

            if (target is not null && result.P99 >= 100)
            {
                missed.Add(string.Create(CultureInfo.InvariantCulture, $"{provider} {options.Size}: {result.Name} p99 {result.P99:0.0} ms ≥ 100 ms"));
            }

            if (result.Errors > 0)
            {
                missed.Add($"{provider} {options.Size}: {result.Name} answered {result.Errors} requests with another status than 200");
            }
        }

        table.AppendLine();
        table.AppendLine("| app | cold start to first 200 | RSS idle | RSS after load |");
        table.AppendLine("|---|---:|---:|---:|");
        foreach (var app in new[] { bare, portal, backOffice })
        {
            table.AppendLine(CultureInfo.InvariantCulture, $"| {app.Name} | {app.ColdStart.TotalSeconds:0.00} s | {idle[app.Name]:0} MB | {loaded[app.Name]:0} MB |");
            if (app != bare && app.ColdStart >= TimeSpan.FromSeconds(2))
            {
                missed.Add(string.Create(CultureInfo.InvariantCulture, $"{provider} {options.Size}: {app.Name} cold start {app.ColdStart.TotalSeconds:0.00} s ≥ 2 s"));
            }

            if (app != bare && idle[app.Name] >= 150)
            {
                missed.Add(string.Create(CultureInfo.InvariantCulture, $"{provider} {options.Size}: {app.Name} idle RSS {idle[app.Name]:0} MB ≥ 150 MB"));
            }
        }

        table.AppendLine();
        return (table.ToString(), missed);
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
}

internal sealed record Options(string Size, IReadOnlyList<DatabaseProvider> Providers, double Seconds, double WarmupSeconds, int Connections, string? Pages, string Cache, bool Fresh, string? Postgres, bool Published, bool Assert, bool Hold, double SettleSeconds)
{
    public static Options Parse(string[] args)
    {
        string? Value(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        var postgres = Value("--postgres") ?? Environment.GetEnvironmentVariable("LITIGES_TEST_POSTGRES");
        var size = Value("--size") ?? "demo";
        if (size is not ("demo" or "large"))
        {
            throw new ArgumentException("--size is demo or large.");
        }

        var providers = (Value("--providers") ?? (postgres is null ? "sqlite" : "sqlite,postgresql"))
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => Enum.Parse<DatabaseProvider>(p, ignoreCase: true))
            .ToList();
        if (providers.Contains(DatabaseProvider.PostgreSql) && postgres is null)
        {
            throw new ArgumentException("PostgreSQL needs --postgres or LITIGES_TEST_POSTGRES.");
        }

        return new Options(
            size,
            providers,
            double.Parse(Value("--seconds") ?? "10", CultureInfo.InvariantCulture),
            double.Parse(Value("--warmup") ?? "3", CultureInfo.InvariantCulture),
            int.Parse(Value("--connections") ?? "32", CultureInfo.InvariantCulture),
            Value("--pages"),
            Value("--cache") ?? Path.Combine(Path.GetTempPath(), "litiges-bench-pages"),
            args.Contains("--fresh"),
            postgres,
            args.Contains("--published"),
            args.Contains("--assert"),
            args.Contains("--hold"),
            double.Parse(Value("--settle") ?? "40", CultureInfo.InvariantCulture));
    }
}
