using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using AngleSharp;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Npgsql;

namespace Litiges.Bench.Load;

/// <summary>One simulated person: a cookie jar, a timed request per page, forms posted as a browser does.</summary>
internal sealed class User(Run run, Uri app, string appName, IPAddress from)
{
    private readonly CookieContainer _cookies = new();
    private HttpClient? _http;

    /// <summary>
    /// Every person connects from an address of its own (127.x.y.z: all of 127/8 is loopback), so
    /// that the proxy forwards it in X-Forwarded-For and the apps' per-client limits see one client
    /// per person, as behind a real load balancer.
    /// </summary>
    private HttpClient Client => _http ??= new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        CookieContainer = _cookies,
        UseCookies = true,
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new IPEndPoint(from, 0));
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    }) { BaseAddress = app, Timeout = TimeSpan.FromSeconds(60) };

    /// <summary>The same person (same cookies, same address) on another address of the app: one instance directly.</summary>
    public User On(Uri other) => new User(run, other, appName, from).WithCookies(_cookies, app, other);

    private User WithCookies(CookieContainer cookies, Uri source, Uri target)
    {
        foreach (Cookie cookie in cookies.GetCookies(source))
        {
            _cookies.Add(target, new Cookie(cookie.Name, cookie.Value, "/"));
        }

        return this;
    }

    /// <summary>A plain GET without recording: the status and where a redirect goes.</summary>
    public async Task<(HttpStatusCode Status, string? Location)> ProbeAsync(string url)
    {
        using var response = await Client.GetAsync(new Uri(url, UriKind.Relative));
        return (response.StatusCode, response.Headers.Location?.OriginalString);
    }

    public async Task SignInAsync(string email, string password = Phase.Password)
    {
        var page = await GetAsync("/Account/Login", "GET /Account/Login") ?? throw new InvalidOperationException("No sign-in page.");
        var response = await SubmitAsync(page, "/Account/Login", new() { ["Input.Email"] = email, ["Input.Password"] = password }, null, null, "POST /Account/Login");
        if (response?.StatusCode != HttpStatusCode.Redirect)
        {
            throw new InvalidOperationException($"{email} could not sign in ({(int?)response?.StatusCode}).");
        }
    }

    public async Task<IDocument?> GetAsync(string url, string label)
    {
        var response = await TimeAsync(label, () => Client.GetAsync(new Uri(url, UriKind.Relative)));
        return response?.StatusCode == HttpStatusCode.OK ? await ParseAsync(response) : null;
    }

    /// <summary>Posts the page's main form and returns the page it answers (a redirect is followed).</summary>
    public async Task<IDocument?> PostFormAsync(IDocument page, string url, Dictionary<string, string> fields, string? go, byte[]? file, string label)
    {
        var response = await SubmitAsync(page, url, fields, go, file, label);
        if (response is null)
        {
            return null;
        }

        return response.StatusCode == HttpStatusCode.Redirect ? await GetAsync(response.Headers.Location!.OriginalString, label + " → redirect") : await ParseAsync(response);
    }

    public Task<HttpResponseMessage?> SubmitAsync(IDocument page, string url, Dictionary<string, string> fields, string? go, byte[]? file, string label)
    {
        var form = page.QuerySelectorAll<IHtmlFormElement>("main form[method=post]").FirstOrDefault() ?? throw new InvalidOperationException($"No form on {url}.");
        return Send(form, url, fields, go, file, label);
    }

    public async Task SubmitFormAsync(IHtmlFormElement form, string url, Dictionary<string, string> fields, string? handler, string label)
    {
        var response = await Send(form, url, fields, null, null, label, handler);
        if (response?.StatusCode == HttpStatusCode.Redirect)
        {
            await GetAsync(response.Headers.Location!.OriginalString, label + " → redirect");
        }
    }

    private Task<HttpResponseMessage?> Send(IHtmlFormElement form, string url, Dictionary<string, string> fields, string? go, byte[]? file, string label, string? handler = null)
    {
        var (target, content) = Build(form, url, fields, go, file, handler);
        return TimeAsync(label, () => Client.PostAsync(target, content));
    }

    /// <summary>Posts the page's main form without timing it or counting its answer as an error: the checks' probes.</summary>
    public async Task<(HttpStatusCode Status, string? Location)> PostQuietAsync(IDocument page, string url, Dictionary<string, string> fields)
    {
        var form = page.QuerySelectorAll<IHtmlFormElement>("main form[method=post]").FirstOrDefault() ?? throw new InvalidOperationException($"No form on {url}.");
        var (target, content) = Build(form, url, fields, null, null, null);
        using var response = await Client.PostAsync(target, content);
        return (response.StatusCode, response.Headers.Location?.OriginalString);
    }

    /// <summary>A page without timing it; null unless it answers 200.</summary>
    public async Task<IDocument?> GetQuietAsync(string url)
    {
        using var response = await Client.GetAsync(new Uri(url, UriKind.Relative));
        return response.StatusCode == HttpStatusCode.OK ? await ParseAsync(response) : null;
    }

    private static (Uri Target, HttpContent Content) Build(IHtmlFormElement form, string url, Dictionary<string, string> fields, string? go, byte[]? file, string? handler)
    {
        var values = new List<(string Name, string Value, bool IsFile)>();
        foreach (var element in form.Elements)
        {
            switch (element)
            {
                case IHtmlInputElement { Type: "checkbox" or "radio" } box when box.IsChecked && !string.IsNullOrEmpty(box.Name):
                    values.Add((box.Name!, box.Value, false));
                    break;
                case IHtmlInputElement { Type: "file" } input when !string.IsNullOrEmpty(input.Name):
                    values.Add((input.Name!, string.Empty, true));
                    break;
                case IHtmlInputElement input when !string.IsNullOrEmpty(input.Name) && input.Type is not ("checkbox" or "radio" or "submit" or "button" or "image" or "reset"):
                    values.Add((input.Name!, input.Value, false));
                    break;
                case IHtmlTextAreaElement area when !string.IsNullOrEmpty(area.Name):
                    values.Add((area.Name!, area.Value, false));
                    break;
                case IHtmlSelectElement select when !string.IsNullOrEmpty(select.Name):
                    values.Add((select.Name!, select.Options.FirstOrDefault(o => o.IsSelected)?.Value ?? (select.Options.Length > 0 ? select.Options[0]!.Value : string.Empty), false));
                    break;
            }
        }

        foreach (var (name, value) in fields)
        {
            var at = values.FindIndex(v => v.Name == name && !v.IsFile);
            values.RemoveAll(v => v.Name == name && !v.IsFile);
            values.Insert(at < 0 ? values.Count : at, (name, value, false));
        }

        if (go is not null)
        {
            values.Add(("Go", go, false));
        }

        var action = handler is null ? form.GetAttribute("action") : form.QuerySelector($"button[formaction*='handler={handler}']")?.GetAttribute("formaction");
        var target = new Uri(string.IsNullOrEmpty(action) ? url : WebUtility.HtmlDecode(action), UriKind.Relative);
        HttpContent content;
        if (string.Equals(form.Enctype, "multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            var multipart = new MultipartFormDataContent();
            foreach (var (name, value, isFile) in values)
            {
                if (!isFile)
                {
                    multipart.Add(new StringContent(value), $"\"{name}\"");
                }
                else if (file is not null)
                {
                    var part = new ByteArrayContent(file);
                    part.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/pdf");
                    multipart.Add(part, $"\"{name}\"", "\"piece.pdf\"");
                    file = null;
                }
            }

            content = multipart;
        }
        else
        {
            content = new FormUrlEncodedContent(values.Where(v => !v.IsFile).Select(v => new KeyValuePair<string, string>(v.Name, v.Value)));
        }

        return (target, content);
    }

    private async Task<HttpResponseMessage?> TimeAsync(string label, Func<Task<HttpResponseMessage>> send)
    {
        if (!run.CountRequest())
        {
            return null;
        }

        var watch = Stopwatch.StartNew();
        HttpResponseMessage response;
        try
        {
            response = await send();
        }
        catch (TaskCanceledException)
        {
            run.Error($"{appName} {label} timed out after {watch.Elapsed.TotalSeconds:F0} s");
            return null;
        }

        watch.Stop();
        run.Record($"{appName} {label}", watch.Elapsed.TotalMilliseconds);
        if ((int)response.StatusCode >= 400)
        {
            run.Error($"{appName} {label} answered {(int)response.StatusCode}");
            return null;
        }

        return response;
    }

    private static async Task<IDocument> ParseAsync(HttpResponseMessage response)
    {
        var html = await response.Content.ReadAsStringAsync();
        return await BrowsingContext.New(Configuration.Default).OpenAsync(request => request.Content(html));
    }
}

/// <summary>What a run measured: timings per page, errors, acknowledged submissions, and the request budget.</summary>
internal sealed class Run(Options options)
{
    private readonly ConcurrentDictionary<string, ConcurrentBag<double>> _timings = new(StringComparer.Ordinal);
    private long _requests;

    public ConcurrentQueue<string> Errors { get; } = new();

    public ConcurrentBag<(int Id, string Sha256)> Acknowledged { get; } = [];

    public int DisputesInDatabase { get; set; }

    public bool MayContinue => Interlocked.Read(ref _requests) < options.MaxRequests;

    public bool CountRequest() => Interlocked.Increment(ref _requests) <= options.MaxRequests;

    public void Record(string label, double milliseconds) => _timings.GetOrAdd(label, _ => []).Add(milliseconds);

    public void Error(string message) => Errors.Enqueue(message);

    public TimeSpan Think(Random random) => TimeSpan.FromMilliseconds(random.Next(0, (options.ThinkMs * 2) + 1));

    public string Report(TimeSpan elapsed, IReadOnlyList<string> missing)
    {
        var text = new StringBuilder();
        var total = _timings.Values.Sum(b => b.Count);
        text.AppendLine(CultureInfo.InvariantCulture, $"{options.Customers} customers and {options.Staff} staff for {elapsed.TotalMinutes:F1} min (think time 0-{options.ThinkMs * 2} ms): {total:N0} requests, {total / elapsed.TotalSeconds:F1} per second.");
        text.AppendLine(CultureInfo.InvariantCulture, $"Errors: {Errors.Count}. Acknowledged submissions: {Acknowledged.Count}, missing or incomplete in the database: {missing.Count}. Disputes in the database: {DisputesInDatabase}.");
        foreach (var error in Errors.Take(20))
        {
            text.AppendLine("  error: " + error);
        }

        foreach (var line in missing.Take(20))
        {
            text.AppendLine("  missing: " + line);
        }

        text.AppendLine();
        text.AppendLine("| page | requests | p50 ms | p95 ms | p99 ms | max ms |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|");
        foreach (var (label, bag) in _timings.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var sorted = bag.Order().ToArray();
            text.AppendLine(CultureInfo.InvariantCulture, $"| {label} | {sorted.Length:N0} | {Percentile(sorted, 0.50):F0} | {Percentile(sorted, 0.95):F0} | {Percentile(sorted, 0.99):F0} | {sorted[^1]:F0} |");
        }

        return text.ToString();
    }

    public Dictionary<string, PageFigures> Figures() => _timings.ToDictionary(
        p => p.Key,
        p =>
        {
            var sorted = p.Value.Order().ToArray();
            return new PageFigures(sorted.Length, Percentile(sorted, 0.50), Percentile(sorted, 0.95), Percentile(sorted, 0.99), sorted[^1]);
        },
        StringComparer.Ordinal);

    public double Throughput(TimeSpan elapsed) => _timings.Values.Sum(b => b.Count) / elapsed.TotalSeconds;

    private static double Percentile(double[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}

internal sealed record Options(double Minutes, int Customers, int Staff, int ThinkMs, long MaxRequests, string Postgres, int Instances, string Azurite, string SmtpHost, int SmtpPort, Uri Maildev)
{
    public static Options Parse(string[] args)
    {
        string? Value(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        var postgres = Value("--postgres") ?? Environment.GetEnvironmentVariable("LITIGES_TEST_POSTGRES")
            ?? throw new InvalidOperationException("PostgreSQL needs --postgres or LITIGES_TEST_POSTGRES (source scripts/services.sh; start_postgres).");
        var host = new NpgsqlConnectionStringBuilder(postgres).Host;
        if (host is not ("127.0.0.1" or "localhost" or "::1"))
        {
            throw new InvalidOperationException("The load test runs against loopback only.");
        }

        static string Required(string variable, string service) => Environment.GetEnvironmentVariable(variable)
            ?? throw new InvalidOperationException($"{variable} is not set (source scripts/services.sh; {service}).");
        var azurite = Value("--azurite") ?? Required("LITIGES_TEST_AZURITE", "start_azurite");
        var smtpHost = Required("LITIGES_TEST_SMTP_HOST", "start_maildev");
        var maildev = new Uri(Required("LITIGES_TEST_MAILDEV_URL", "start_maildev"));
        if (!azurite.Contains("//127.0.0.1:", StringComparison.Ordinal) || smtpHost != "127.0.0.1" || !maildev.IsLoopback)
        {
            throw new InvalidOperationException("The load test runs against loopback only.");
        }

        var instances = int.Parse(Value("--instances") ?? "2", CultureInfo.InvariantCulture);
        if (instances is < 1 or > 8)
        {
            throw new InvalidOperationException("--instances goes from 1 to 8.");
        }

        return new Options(
            double.Parse(Value("--minutes") ?? "5", CultureInfo.InvariantCulture),
            int.Parse(Value("--customers") ?? "50", CultureInfo.InvariantCulture),
            int.Parse(Value("--staff") ?? "10", CultureInfo.InvariantCulture),
            int.Parse(Value("--think-ms") ?? "500", CultureInfo.InvariantCulture),
            long.Parse(Value("--max-requests") ?? "500000", CultureInfo.InvariantCulture),
            postgres,
            instances,
            azurite,
            smtpHost,
            int.Parse(Required("LITIGES_TEST_SMTP_PORT", "start_maildev"), CultureInfo.InvariantCulture),
            maildev);
    }
}
