using System.Diagnostics;
using System.Net;

namespace Litiges.Bench.Pages;

/// <summary>What one page did under load: requests per second and latency percentiles.</summary>
internal sealed record PageResult(string Name, double RequestsPerSecond, double P50, double P95, double P99, long Requests, long Errors);

/// <summary>
/// <c>wrk -t2 -c32</c> in C#: 32 loops, each on a connection of its own, send the same GET one
/// after the other for the warm-up, then for the measured time; every answer but 200 is an error.
/// </summary>
internal static class LoadRun
{
    public static async Task<PageResult> MeasureAsync(string name, Browser browser, string path, Options options)
    {
        using var http = new HttpClient(new SocketsHttpHandler
        {
            UseCookies = false,
            AllowAutoRedirect = false,
            MaxConnectionsPerServer = options.Connections,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        })
        { Timeout = TimeSpan.FromSeconds(30) };

        var warmUntil = Stopwatch.GetTimestamp() + (long)(options.WarmupSeconds * Stopwatch.Frequency);
        var stopAt = warmUntil + (long)(options.Seconds * Stopwatch.Frequency);
        var loops = Enumerable.Range(0, options.Connections).Select(_ => Task.Run(() => LoopAsync(http, browser, path, warmUntil, stopAt))).ToArray();
        var samples = await Task.WhenAll(loops);

        var latencies = samples.SelectMany(s => s.Latencies).Order().ToArray();
        var errors = samples.Sum(s => s.Errors);
        return new PageResult(
            name,
            latencies.Length / options.Seconds,
            Percentile(latencies, 0.50),
            Percentile(latencies, 0.95),
            Percentile(latencies, 0.99),
            latencies.Length,
            errors);
    }

    private static async Task<(List<double> Latencies, long Errors)> LoopAsync(HttpClient http, Browser browser, string path, long warmUntil, long stopAt)
    {
        var latencies = new List<double>(100_000);
        long errors = 0;
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var started = Stopwatch.GetTimestamp();
            if (started >= stopAt)
            {
                return (latencies, errors);
            }

            using var request = browser.Request(HttpMethod.Get, path);
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            await using (var body = await response.Content.ReadAsStreamAsync())
            {
                while (await body.ReadAsync(buffer) > 0)
                {
                }
            }

            browser.Keep(response);
            var ended = Stopwatch.GetTimestamp();
            if (started < warmUntil || ended > stopAt)
            {
                continue;
            }

            if (response.StatusCode != HttpStatusCode.OK)
            {
                errors++;
            }

            latencies.Add(Stopwatch.GetElapsedTime(started, ended).TotalMilliseconds);
        }
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}
