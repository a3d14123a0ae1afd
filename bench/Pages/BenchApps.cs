using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Litiges.Data;

namespace Litiges.Bench.Pages;

/// <summary>
/// The Production settings both apps run with during the bench: everything the production checks
/// require (a throw-away certificate and history key kept in the cache folder with the databases,
/// since the Data Protection keys in the database are encrypted with that certificate), loopback
/// as the TLS proxy, and the back office's background jobs off so that they do not run during the
/// measurements (the 100,000-dispute database would keep the deadline watcher busy for minutes).
/// </summary>
internal sealed class BenchSettings
{
    public const string PortalHost = "portal.bench.test";
    public const string BackOfficeHost = "backoffice.bench.test";
    private const string CertificatePassword = "bench-pages";

    private readonly Dictionary<string, string> _values;

    private BenchSettings(Dictionary<string, string> values) => _values = values;

    public IReadOnlyDictionary<string, string> Values => _values;

    /// <summary>The settings for one database, with the key material of <paramref name="cache"/> (created on first use).</summary>
    public static BenchSettings For(string cache, string dataFolder, DatabaseProvider provider, string connectionString)
    {
        var certificate = Path.Combine(cache, "dataprotection.pfx");
        if (!File.Exists(certificate))
        {
            using var rsa = RSA.Create(2048);
            var request = new CertificateRequest("CN=Litiges bench Data Protection", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(10));
            File.WriteAllBytes(certificate, created.Export(X509ContentType.Pfx, CertificatePassword));
        }

        var historyKey = Path.Combine(cache, "history.key");
        if (!File.Exists(historyKey))
        {
            File.WriteAllText(historyKey, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        }

        return new BenchSettings(new Dictionary<string, string>
        {
            ["DataFolder"] = dataFolder,
            ["Database__Provider"] = provider.ToString(),
            ["ConnectionStrings__Litiges"] = connectionString,
            ["AllowedHosts"] = $"{PortalHost};{BackOfficeHost}",
            ["Email__PortalUrl"] = $"https://{PortalHost}",
            ["Email__BackOfficeUrl"] = $"https://{BackOfficeHost}",
            ["Email__FromAddress"] = "litiges@seller.bench.test",
            ["Email__Provider"] = "Smtp",
            ["Sms__Provider"] = "Off",
            ["Email__Smtp__Host"] = "127.0.0.1",
            ["Seller__LegalName"] = "Vendeur Bench SA",
            ["Seller__LegalForm"] = "SA",
            ["Seller__ShareCapital"] = "1 000 000 €",
            ["Seller__AddressLine1"] = "5 avenue des Mesures",
            ["Seller__PostalCode"] = "69002",
            ["Seller__City"] = "Lyon",
            ["Seller__Country"] = "France",
            ["Seller__Siren"] = "552100554",
            ["Seller__Siret"] = "55210055400013",
            ["Seller__VatNumber"] = "FR96552100554",
            ["Seller__OperationCategory"] = "Goods",
            ["Seller__LegalFooter"] = "SA au capital de 1 000 000 € — RCS Lyon 552 100 554",
            ["DataProtection__Certificate__Path"] = certificate,
            ["DataProtection__Certificate__Password"] = CertificatePassword,

            // The bench plays the TLS proxy: it says X-Forwarded-Proto: https from loopback.
            ["ForwardedHeaders__KnownProxies"] = "127.0.0.1",
            ["History__CurrentKeyId"] = "bench",
            ["History__Keys__bench"] = File.ReadAllText(historyKey).Trim(),

            // Background work that would run during the measurement (never on a page request).
            ["Deadlines__Watcher__Enabled"] = "false",
            ["Notifications__Digest__Enabled"] = "false",
            ["Notifications__PreDueReminders__Enabled"] = "false",
            ["Kpis__Report__Enabled"] = "false",
            ["History__Seal__Enabled"] = "false",
            ["Storage__Cleanup__Enabled"] = "false",
            ["Invoices__DayTotals__Enabled"] = "false",
            ["EInvoicing__Enabled"] = "false",
        });
    }

    /// <summary>The same settings as configuration keys, for the in-process host that prepares the database.</summary>
    public Dictionary<string, string?> AsConfiguration() =>
        _values.ToDictionary(p => p.Key.Replace("__", ":", StringComparison.Ordinal), p => (string?)p.Value);
}

/// <summary>One app started from its Release build as a Kestrel process on a free loopback port.</summary>
internal sealed class AppProcess : IAsyncDisposable
{
    private readonly Process _process;

    private AppProcess(string name, Process process, int port, string? host)
    {
        Name = name;
        _process = process;
        Port = port;
        Host = host;
    }

    public string Name { get; }

    public int Port { get; }

    /// <summary>The Host header the app accepts (its AllowedHosts name), or null for the bare app.</summary>
    public string? Host { get; }

    /// <summary>From the process start to the first 200 on the sign-in page (or the bare app's index).</summary>
    public TimeSpan ColdStart { get; private set; }

    /// <summary>Resident memory of the app's process now (VmRSS), in MB.</summary>
    public double RssMegabytes
    {
        get
        {
            foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
                }
            }

            return double.NaN;
        }
    }

    public int ProcessId => _process.Id;

    /// <summary>Starts <c>Litiges.{app}.dll</c> (or the bare app) and waits for its first 200 on <paramref name="firstPage"/>.</summary>
    public static async Task<AppProcess> StartAsync(string name, string assembly, string firstPage, string? host, IReadOnlyDictionary<string, string> settings)
    {
        if (!File.Exists(assembly))
        {
            throw new InvalidOperationException($"{assembly} is missing: build the bench in Release first (dotnet build -c Release bench/Pages).");
        }

        var port = FreePort();
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = Path.GetDirectoryName(assembly)!, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(assembly);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in settings)
        {
            start.Environment[key] = value;
        }

        var watch = Stopwatch.StartNew();
        var process = Process.Start(start) ?? throw new InvalidOperationException(name + " did not start.");
        process.OutputDataReceived += (_, line) => Echo(name, line.Data);
        process.ErrorDataReceived += (_, line) => Echo(name, line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var app = new AppProcess(name, process, port, host);
        using var http = new HttpClient(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false });
        while (watch.Elapsed < TimeSpan.FromSeconds(120))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{name} stopped at start-up (exit code {process.ExitCode}).");
            }

            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"http://127.0.0.1:{port}{firstPage}"));
                if (host is not null)
                {
                    request.Headers.Host = host;
                }

                using var response = await http.SendAsync(request);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    app.ColdStart = watch.Elapsed;
                    return app;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(10);
        }

        await app.DisposeAsync();
        throw new TimeoutException($"{name} answered no 200 on {firstPage} within 2 minutes.");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    /// <summary>With <c>--published</c>: the folder the apps were published to (<see cref="PublishAsync"/>).</summary>
    public static string? PublishedFolder { get; set; }

    /// <summary>
    /// Where an app runs from: the output folder of a project built with the bench (src/{app} or
    /// bench/Pages/Bare), or with <c>--published</c> what <c>dotnet publish</c> made of it.
    /// </summary>
    public static string Assembly(string projectFolder, string assemblyName) =>
        PublishedFolder is { } published
            ? Path.Combine(published, assemblyName, assemblyName + ".dll")
            : Path.Combine(RepositoryRoot(), projectFolder, "bin", "Release", "net10.0", assemblyName + ".dll");

    /// <summary>
    /// Publishes the bare app and both apps as the Dockerfiles do (Release, linux-x64,
    /// ReadyToRun, framework-dependent) into <paramref name="folder"/>: the same build for all
    /// three, so that the ratios still compare like with like.
    /// </summary>
    public static async Task PublishAsync(string folder)
    {
        foreach (var (project, name) in new[] { ("bench/Pages/Bare", "Litiges.Bench.Pages.Bare"), ("src/CustomerPortal", "Litiges.CustomerPortal"), ("src/BackOffice", "Litiges.BackOffice") })
        {
            var output = Path.Combine(folder, name);
            Console.WriteLine($"   publishing {name} (ReadyToRun) to {output}");
            var start = new ProcessStartInfo("dotnet") { WorkingDirectory = RepositoryRoot(), UseShellExecute = false };
            foreach (var argument in new[] { "publish", project, "-c", "Release", "-r", "linux-x64", "--self-contained", "false", "-p:PublishReadyToRun=true", "-p:UseAppHost=false", "-o", output, "--nologo", "-v", "quiet" })
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet publish did not start.");
            await process.WaitForExitAsync();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"dotnet publish {project} failed ({process.ExitCode}).");
            }
        }

        PublishedFolder = folder;
    }

    private static string RepositoryRoot()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Portal.sln")))
        {
            root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("Portal.sln not found above the benchmark.");
        }

        return root;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void Echo(string app, string? line)
    {
        if (!string.IsNullOrWhiteSpace(line))
        {
            Console.WriteLine($"  [{app}] {line}");
        }
    }
}
