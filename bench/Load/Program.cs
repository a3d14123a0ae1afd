using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using AngleSharp;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Litiges.Accounts;
using Litiges.Customers;
using Litiges.Data;
using Litiges.Hosting;
using Litiges.Invoices;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Litiges.Bench.Load;

/// <summary>
/// Both apps under load on PostgreSQL, each in its own process on loopback: customers sign in,
/// browse their invoices and disputes and file disputes with a file through the real form, while
/// staff work the queue (open a dispute, acknowledge it or add a note). Reports every error, checks
/// that every submission the portal acknowledged is in the database with its file, and gives the
/// 50th, 95th and 99th percentile per page.
///
///   dotnet run -c Release --project bench/Load -- [--minutes 5] [--customers 50] [--staff 10]
///       [--think-ms 500] [--max-requests 500000] [--postgres "Host=..."]
///
/// PostgreSQL comes from --postgres or LITIGES_TEST_POSTGRES (scripts/services.sh start_postgres);
/// the bench creates its own database there and drops it at the end.
/// </summary>
public static class Program
{
    private const string Password = "Load-Test-Password-2026";

    public static async Task<int> Main(string[] args)
    {
        var options = Options.Parse(args);
        var work = Directory.CreateTempSubdirectory("litiges-load-").FullName;
        var database = "litiges_load_" + Guid.NewGuid().ToString("N")[..10];
        var connectionString = await CreateDatabaseAsync(options.Postgres, database);
        var processes = new List<Process>();
        try
        {
            Console.WriteLine($"Seeding {options.Customers} companies and {options.Staff} staff in {database}...");
            var invoices = await SeedAsync(work, connectionString, options);
            var portalPort = FreePort();
            var backOfficePort = FreePort();
            processes.Add(Start("CustomerPortal", portalPort, work, connectionString));
            processes.Add(Start("BackOffice", backOfficePort, work, connectionString));
            await WaitForAsync(portalPort);
            await WaitForAsync(backOfficePort);

            var run = new Run(options);
            var until = DateTime.UtcNow.AddMinutes(options.Minutes);
            Console.WriteLine($"Running {options.Minutes} min: {options.Customers} customers on :{portalPort}, {options.Staff} staff on :{backOfficePort}...");
            var watch = Stopwatch.StartNew();
            var users = new List<Task>();
            for (var i = 0; i < options.Customers; i++)
            {
                users.Add(CustomerAsync(run, new Uri($"http://127.0.0.1:{portalPort}"), i, invoices[i], until));
            }

            for (var i = 0; i < options.Staff; i++)
            {
                users.Add(StaffAsync(run, new Uri($"http://127.0.0.1:{backOfficePort}"), i, until));
            }

            await Task.WhenAll(users);
            watch.Stop();

            var missing = await VerifyAsync(work, connectionString, run);
            Console.WriteLine();
            Console.WriteLine(run.Report(watch.Elapsed, missing));
            return run.Errors.IsEmpty && missing.Count == 0 ? 0 : 1;
        }
        finally
        {
            foreach (var process in processes)
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                    await process.WaitForExitAsync();
                }
            }

            NpgsqlConnection.ClearAllPools();
            await using (var connection = new NpgsqlConnection(options.Postgres))
            {
                await connection.OpenAsync();
                await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", connection);
                await drop.ExecuteNonQueryAsync();
            }

            Directory.Delete(work, recursive: true);
        }
    }

    // ------------------------------------------------------------------ customers

    private static async Task CustomerAsync(Run run, Uri portal, int index, IReadOnlyList<int> invoices, DateTime until)
    {
        var random = new Random(index);
        var user = new User(run, portal, "portal");
        await user.SignInAsync($"customer{index}@load.test");
        var next = 0;
        while (DateTime.UtcNow < until && run.MayContinue)
        {
            try
            {
                var roll = random.Next(10);
                if (roll < 3 && next < invoices.Count)
                {
                    await FileDisputeAsync(run, user, invoices[next++], index);
                }
                else
                {
                    var disputes = await user.GetAsync("/Disputes", "GET /Disputes");
                    var links = disputes?.QuerySelectorAll<IHtmlAnchorElement>("main a[href^='/Disputes/Details/']").Select(a => a.GetAttribute("href")!).ToList() ?? [];
                    if (links.Count > 0)
                    {
                        await user.GetAsync(links[random.Next(links.Count)], "GET /Disputes/Details/{id}");
                    }

                    var list = await user.GetAsync("/Invoices", "GET /Invoices");
                    var invoiceLinks = list?.QuerySelectorAll<IHtmlAnchorElement>("main a[href^='/Invoices/Details/']").Select(a => a.GetAttribute("href")!).ToList() ?? [];
                    if (invoiceLinks.Count > 0)
                    {
                        await user.GetAsync(invoiceLinks[random.Next(invoiceLinks.Count)], "GET /Invoices/Details/{id}");
                    }
                }
            }
            catch (Exception error) when (error is HttpRequestException or TaskCanceledException or InvalidOperationException)
            {
                run.Error($"customer{index}: {error.GetType().Name}: {error.Message}");
            }

            await Task.Delay(run.Think(random));
        }
    }

    // The four steps of the form, as a browser without script sends them; the file goes with step 3.
    private static async Task FileDisputeAsync(Run run, User user, int invoiceId, int index)
    {
        var url = $"/Disputes/New?invoice={invoiceId}";
        var page = await user.GetAsync(url, "GET /Disputes/New");
        if (page is null)
        {
            return;
        }

        page = await user.PostFormAsync(page, url, new(), "Next", null, "POST /Disputes/New (step 1)");
        page = page is null ? null : await user.PostFormAsync(page, url, new()
        {
            ["Input.Problem"] = "BillingError",
            ["Input.Description"] = "Prix unitaire différent du devis (test de charge).",
            ["Input.Outcome"] = "CreditNote",
            ["Input.ContactPhone"] = "04 72 00 00 00",
        }, "Next", null, "POST /Disputes/New (step 2)");
        var file = Pdf(64 * 1024, index);
        page = page is null ? null : await user.PostFormAsync(page, url, new(), "Next", file, "POST /Disputes/New (step 3, 64 KB file)");
        if (page is null)
        {
            return;
        }

        var response = await user.SubmitAsync(page, url, new(), "Submit", null, "POST /Disputes/New (submit)");
        if (response is { StatusCode: HttpStatusCode.Redirect, Headers.Location: { } location } && location.OriginalString.StartsWith("/Disputes/Submitted/", StringComparison.Ordinal))
        {
            run.Acknowledged.Add((int.Parse(location.OriginalString.Split('/')[^1], CultureInfo.InvariantCulture), Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(file))));
            await user.GetAsync(location.OriginalString, "GET /Disputes/Submitted/{id}");
        }
        else if (response is not null)
        {
            run.Error($"filing answered {(int)response.StatusCode} without an acknowledgment");
        }
    }

    // ------------------------------------------------------------------ staff

    private static async Task StaffAsync(Run run, Uri backOffice, int index, DateTime until)
    {
        var random = new Random(1000 + index);
        var user = new User(run, backOffice, "backoffice");
        await user.SignInAsync($"agent{index}@load.test");
        while (DateTime.UtcNow < until && run.MayContinue)
        {
            try
            {
                var queue = await user.GetAsync("/Disputes", "GET /Disputes (queue)");
                var links = queue?.QuerySelectorAll<IHtmlAnchorElement>("main table a[href^='/Disputes/Details/']").Select(a => a.GetAttribute("href")!).ToList() ?? [];
                if (links.Count > 0)
                {
                    var url = links[random.Next(Math.Min(links.Count, 10))];
                    var details = await user.GetAsync(url, "GET /Disputes/Details/{id}");
                    var acknowledge = details?.QuerySelectorAll<IHtmlFormElement>("form[method=post]").FirstOrDefault(f => (f.GetAttribute("action") ?? string.Empty).Contains("handler=Acknowledge", StringComparison.Ordinal));
                    if (acknowledge is not null)
                    {
                        await user.SubmitFormAsync(acknowledge, url, new(), null, "POST /Disputes/Details (acknowledge)");
                    }
                    else if (details?.QuerySelectorAll<IHtmlFormElement>("form[method=post]").FirstOrDefault(f => f.QuerySelector("textarea[name=Text]") is not null && f.QuerySelector("button[formaction*='handler=Note']") is not null) is { } note)
                    {
                        await user.SubmitFormAsync(note, url, new() { ["Text"] = "Note de charge " + index }, "Note", "POST /Disputes/Details (note)");
                    }
                }
            }
            catch (Exception error) when (error is HttpRequestException or TaskCanceledException or InvalidOperationException)
            {
                run.Error($"agent{index}: {error.GetType().Name}: {error.Message}");
            }

            await Task.Delay(run.Think(random));
        }
    }

    // ------------------------------------------------------------------ setup and checks

    private static async Task<List<IReadOnlyList<int>>> SeedAsync(string work, string connectionString, Options options)
    {
        await using var app = Host(work, connectionString, UserKind.Staff);
        await DatabaseMigrator.MigrateAsync(app.Services, demoData: false);
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<LitigesDbContext>();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var invoicesByCustomer = new List<IReadOnlyList<int>>();
        for (var i = 0; i < options.Customers; i++)
        {
            var company = new CustomerAccount($"C-LOAD-{i:D3}", $"Société de charge {i}", "552100554", "FR40552100554", new PostalAddress($"{i} rue du Test", null, "69001", "Lyon", "France"));
            db.CustomerAccounts.Add(company);
            await db.SaveChangesAsync();
            var invoices = new List<Invoice>();
            for (var n = 0; n < 200; n++)
            {
                var invoice = new Invoice($"F-LOAD-{i:D3}-{n:D4}", company.Id, today.AddDays(-20), today.AddDays(10));
                invoice.AddLine("Palettes", 10, 100m + n, 0.20m);
                invoice.AddLine("Transport", 1, 50m, 0.20m);
                invoices.Add(invoice);
            }

            db.Invoices.AddRange(invoices);
            await db.SaveChangesAsync();
            invoicesByCustomer.Add([.. invoices.Select(v => v.Id)]);
            await CreateAsync(users, AppUser.NewCustomer($"customer{i}@load.test", $"Client {i}", company.Id, isAdmin: true), null);
        }

        for (var i = 0; i < options.Staff; i++)
        {
            await CreateAsync(users, AppUser.NewStaff($"agent{i}@load.test", $"Agent {i}"), i % 5 == 4 ? StaffRoles.CreditManager : StaffRoles.Agent);
        }

        return invoicesByCustomer;
    }

    private static async Task CreateAsync(UserManager<AppUser> users, AppUser user, string? role)
    {
        user.EmailConfirmed = true;
        var created = await users.CreateAsync(user, Password);
        if (!created.Succeeded)
        {
            throw new InvalidOperationException(string.Join("; ", created.Errors.Select(e => e.Description)));
        }

        if (role is not null)
        {
            await users.AddToRoleAsync(user, role);
        }
    }

    // Every submission the portal acknowledged is a dispute in the database, with its file stored and intact.
    private static async Task<List<string>> VerifyAsync(string work, string connectionString, Run run)
    {
        await using var app = Host(work, connectionString, UserKind.Staff);
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<LitigesDbContext>();
        var blobs = scope.ServiceProvider.GetRequiredService<Litiges.Storage.IBlobStore>();
        var missing = new List<string>();
        foreach (var (id, sha256) in run.Acknowledged)
        {
            var evidence = await db.Evidence.AsNoTracking().Where(e => e.DisputeId == id).Select(e => new { e.BlobName, e.Sha256 }).ToListAsync();
            if (evidence.Count != 1 || evidence[0].Sha256 != sha256)
            {
                missing.Add($"dispute {id}: {evidence.Count} file(s)");
                continue;
            }

            await using var stream = await blobs.OpenReadAsync(evidence[0].BlobName, CancellationToken.None);
            if (stream is null || Convert.ToHexStringLower(await System.Security.Cryptography.SHA256.HashDataAsync(stream)) != sha256)
            {
                missing.Add($"dispute {id}: blob {evidence[0].BlobName} missing or altered");
            }
        }

        run.DisputesInDatabase = await db.Disputes.CountAsync();
        return missing;
    }

    private static WebApplication Host(string work, string connectionString, UserKind kind)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production", ContentRootPath = work, Args = [] });
        builder.Configuration.AddInMemoryCollection(Settings(work, connectionString).ToDictionary(p => p.Key.Replace("__", ":", StringComparison.Ordinal), p => (string?)p.Value));
        builder.Logging.ClearProviders();
        builder.AddLitigesWeb(kind);
        return builder.Build();
    }

    private static Dictionary<string, string> Settings(string work, string connectionString) => new()
    {
        ["DataFolder"] = work,
        ["Database__Provider"] = "PostgreSql",
        ["ConnectionStrings__Litiges"] = connectionString,
        ["Security__RequireStaffTwoFactor"] = "false",

        // Every simulated user comes from 127.0.0.1: per-address limits would throttle them as one client.
        ["Security__RateLimits__SignInPerMinute"] = "100000",
        ["Security__RateLimits__FilingPerMinute"] = "100000",
        ["Security__RateLimits__UploadPerMinute"] = "100000",
        ["Jobs__DeadlineWatcher__Enabled"] = "false",
        ["Notifications__PreDueReminders__Enabled"] = "false",
        ["Logging__LogLevel__Default"] = "Warning",
    };

    private static Process Start(string app, int port, string work, string connectionString)
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Portal.sln")))
        {
            root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("Portal.sln not found above the benchmark.");
        }

        var assembly = Path.Combine(root, "src", app, "bin", "Release", "net10.0", $"Litiges.{app}.dll");
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = Path.GetDirectoryName(assembly)!, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(assembly);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (name, value) in Settings(work, connectionString))
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException(app + " did not start.");
        process.OutputDataReceived += (_, line) => Echo(app, line.Data);
        process.ErrorDataReceived += (_, line) => Echo(app, line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static void Echo(string app, string? line)
    {
        if (!string.IsNullOrWhiteSpace(line))
        {
            Console.WriteLine($"  [{app}] {line}");
        }
    }

    private static async Task<string> CreateDatabaseAsync(string server, string name)
    {
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await create.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(server) { Database = name, MaxPoolSize = 60 }.ConnectionString;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task WaitForAsync(int port)
    {
        using var http = new HttpClient();
        for (var attempt = 0; attempt < 600; attempt++)
        {
            try
            {
                if ((await http.GetAsync(new Uri($"http://127.0.0.1:{port}/health"))).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"Nothing answered on port {port}.");
    }

    private static byte[] Pdf(int size, int seed)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        Encoding.ASCII.GetBytes("%PDF-1.7\n").CopyTo(bytes, 0);
        return bytes;
    }
}

/// <summary>One simulated person: a cookie jar, a timed request per page, forms posted as a browser does.</summary>
internal sealed class User(Run run, Uri app, string appName)
{
    private readonly HttpClient _client = new(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer(), UseCookies = true }) { BaseAddress = app, Timeout = TimeSpan.FromSeconds(60) };

    public async Task SignInAsync(string email)
    {
        var page = await GetAsync("/Account/Login", "GET /Account/Login") ?? throw new InvalidOperationException("No sign-in page.");
        var response = await SubmitAsync(page, "/Account/Login", new() { ["Input.Email"] = email, ["Input.Password"] = "Load-Test-Password-2026" }, null, null, "POST /Account/Login");
        if (response?.StatusCode != HttpStatusCode.Redirect)
        {
            throw new InvalidOperationException($"{email} could not sign in ({(int?)response?.StatusCode}).");
        }
    }

    public async Task<IDocument?> GetAsync(string url, string label)
    {
        var response = await TimeAsync(label, () => _client.GetAsync(new Uri(url, UriKind.Relative)));
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

        return TimeAsync(label, () => _client.PostAsync(target, content));
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

    private static double Percentile(double[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}

internal sealed record Options(double Minutes, int Customers, int Staff, int ThinkMs, long MaxRequests, string Postgres)
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

        return new Options(
            double.Parse(Value("--minutes") ?? "5", CultureInfo.InvariantCulture),
            int.Parse(Value("--customers") ?? "50", CultureInfo.InvariantCulture),
            int.Parse(Value("--staff") ?? "10", CultureInfo.InvariantCulture),
            int.Parse(Value("--think-ms") ?? "500", CultureInfo.InvariantCulture),
            long.Parse(Value("--max-requests") ?? "500000", CultureInfo.InvariantCulture),
            postgres);
    }
}
