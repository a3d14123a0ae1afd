using System.Globalization;
using System.Text;

namespace Litiges.Bench.Load;

/// <summary>
/// Both apps under load on PostgreSQL and Azurite, N instances of each behind a round-robin
/// reverse proxy (YARP) that sends every simulated person to the next instance on every request:
/// customers sign in, browse their invoices and disputes and file disputes with a file through the
/// real form, while staff work the queue (open a dispute, acknowledge it or add a note). The run is
/// made twice, with one instance of each app and then with N, each on a database of its own, and
/// the figures are compared side by side.
///
/// Besides the timings, each run checks what several instances could break: every acknowledged
/// filing present once with its file, every e-mail of the outbox delivered exactly once (counted at
/// maildev), every periodic job's work done once (deadline alerts, KPI report, invoice day totals,
/// pre-due reminders, missed instalments, blob clean-up), a session opened on one instance valid on
/// the others, a password change on one instance closing the sessions on the others, and the
/// sign-in rate limit holding for one client across instances.
///
///   dotnet run -c Release --project bench/Load -- [--minutes 5] [--instances 2] [--customers 50]
///       [--staff 10] [--think-ms 500] [--max-requests 500000]
///
/// Servers come from the LITIGES_TEST_* variables (scripts/services.sh: start_postgres,
/// start_azurite, start_maildev), loopback only; each run creates its own database and blob
/// container and removes them at the end.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var options = Options.Parse(args);
        int[] counts = options.Instances == 1 ? [1] : [1, options.Instances];
        var results = new List<PhaseResult>();
        foreach (var n in counts)
        {
            results.Add(await Phase.RunAsync(options, n));
        }

        Console.WriteLine();
        foreach (var result in results)
        {
            Console.WriteLine($"## {result.Instances} instance(s) of each app");
            Console.WriteLine();
            Console.WriteLine(result.Report);
        }

        if (results.Count == 2)
        {
            Console.WriteLine(Compare(results[0], results[1]));
        }

        var passed = results.All(r => r.Passed);
        Console.WriteLine(passed ? "PASSED: every check held in every run." : "FAILED: see the checks above.");
        return passed ? 0 : 1;
    }

    private static string Compare(PhaseResult one, PhaseResult many)
    {
        var text = new StringBuilder();
        var n = many.Instances;
        text.AppendLine(CultureInfo.InvariantCulture, $"## N = 1 against N = {n}");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Throughput: {one.Throughput:F1} requests/s with 1 instance, {many.Throughput:F1} with {n}: ratio {Ratio(many.Throughput, one.Throughput)}.");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"| page | requests N=1 | requests N={n} | p95 N=1 | p95 N={n} | p95 ratio | p99 N=1 | p99 N={n} | p99 ratio |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var page in one.Pages.Keys.Union(many.Pages.Keys).Order(StringComparer.Ordinal))
        {
            var a = one.Pages.GetValueOrDefault(page);
            var b = many.Pages.GetValueOrDefault(page);
            text.AppendLine(CultureInfo.InvariantCulture, $"| {page} | {a?.Count ?? 0:N0} | {b?.Count ?? 0:N0} | {a?.P95 ?? 0:F0} | {b?.P95 ?? 0:F0} | {Ratio(b?.P95, a?.P95)} | {a?.P99 ?? 0:F0} | {b?.P99 ?? 0:F0} | {Ratio(b?.P99, a?.P99)} |");
        }

        return text.ToString();
    }

    private static string Ratio(double? value, double? reference) =>
        value is > 0 && reference is > 0 ? (value.Value / reference.Value).ToString("F2", CultureInfo.InvariantCulture) : "–";
}

/// <summary>What one run (one instance count) measured and whether its checks held.</summary>
internal sealed record PhaseResult(int Instances, double Throughput, IReadOnlyDictionary<string, PageFigures> Pages, string Report, bool Passed);

internal sealed record PageFigures(int Count, double P50, double P95, double P99, double Max);
