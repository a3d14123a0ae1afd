using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using Litiges.Data;
using Litiges.Hosting;
using Litiges.Testing;

namespace Litiges.IntegrationTests.Production;

/// <summary>
/// Both apps as the compose file runs them: real processes (<c>dotnet Litiges.*.dll</c> from the
/// build output, as the images run the published output), real Kestrel, exactly the compose
/// environment and nothing else, after the same <c>migrate</c> step. Only what exists solely
/// inside compose is swapped for the test servers: PostgreSQL for SQL Server, the test Azurite,
/// clamd and maildev, a port of Kestrel's choosing for 8080, a temporary folder for the volume and a
/// fresh certificate for the secret. The first administrator is created as the README says
/// (<c>docker compose run --rm backoffice create-admin --email …</c>), and its link opens on the
/// running back office.
/// </summary>
public sealed partial class ComposeRunTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("litiges-compose-").FullName;
    private readonly List<Process> _processes = [];
    private readonly StringBuilder _output = new();
    private TestDatabase _database = null!;

    public Task InitializeAsync()
    {
        _database = TestDatabase.Create(DatabaseProvider.PostgreSql);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Both_apps_start_healthy_with_exactly_the_compose_environment()
    {
        var compose = ComposeFile.Load();
        var variables = ComposeFileTests.Variables(compose);
        variables["SMTP_HOST"] = Required("LITIGES_TEST_SMTP_HOST");
        variables["SMTP_PORT"] = Required("LITIGES_TEST_SMTP_PORT");
        var clamd = Required("LITIGES_TEST_CLAMD").Split(':');
        var certificate = ProductionConfig.CreateCertificate(_folder, "dataprotection");

        // What stands for a compose service, a secret or a volume: each key must be in the compose environment.
        var outsideCompose = new Dictionary<string, string>
        {
            ["Database__Provider"] = "PostgreSql",
            ["ConnectionStrings__Litiges"] = _database.ConnectionString,
            ["Storage__AzureBlob__ConnectionString"] = Required("LITIGES_TEST_AZURITE"),
            ["Evidence__ClamAv__Host"] = clamd[0],
            ["DataProtection__Certificate__Path"] = certificate,
            ["DataFolder"] = Directory.CreateDirectory(Path.Combine(_folder, "data")).FullName,
        };

        var urls = new Dictionary<string, Uri>();
        string? adminLink = null;
        foreach (var (service, app) in new[] { ("migrate", "BackOffice"), ("backoffice", "BackOffice"), ("customerportal", "CustomerPortal") })
        {
            var environment = compose.Environment(service, variables).ToDictionary();
            Assert.All(outsideCompose.Keys, key => Assert.True(environment.ContainsKey(key), $"{service} has no {key}"));
            foreach (var (key, value) in outsideCompose)
            {
                environment[key] = value;
            }

            environment["Evidence__ClamAv__Port"] = clamd[1];

            // The image's own ENV (Dockerfile), on a port Kestrel picks (0) instead of 8080: it says which.
            environment["ASPNETCORE_HTTP_PORTS"] = "0";
            var dockerfile = await File.ReadAllTextAsync(Path.Combine(ComposeFile.RepositoryRoot, "src", app, "Dockerfile"));
            Assert.Equal("8080", ComposeFileTests.HttpPort().Match(dockerfile).Groups[1].Value);

            var arguments = ComposeFileTests.Scalars(compose.Find(service, "command"));
            var listening = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
            var process = Start(app, arguments, environment, listening);
            if (service == "migrate")
            {
                Assert.True(await WaitForExitAsync(process, TimeSpan.FromMinutes(3)), "migrate did not finish\n" + Output);
                Assert.True(process.ExitCode == 0, $"migrate exited with {process.ExitCode}\n{Output}");
                Assert.Contains("Database is up to date.", Output, StringComparison.Ordinal);
                continue;
            }

            if (service == "backoffice")
            {
                // docker compose run --rm backoffice create-admin --email …: the image's entry point
                // with the command's arguments, the service's environment.
                var before = Output.Length;
                var createAdmin = Start(app, ["create-admin", "--email", "first.admin@company.example"], environment);
                Assert.True(await WaitForExitAsync(createAdmin, TimeSpan.FromMinutes(2)), "create-admin did not finish\n" + Output);
                Assert.True(createAdmin.ExitCode == 0, $"create-admin exited with {createAdmin.ExitCode}\n{Output}");
                var printed = Output[before..];
                var publicUrl = environment["Email__BackOfficeUrl"].TrimEnd('/');
                adminLink = printed.Split('\n')
                    .Where(l => l.StartsWith("[BackOffice] " + publicUrl + "/", StringComparison.Ordinal))
                    .Select(l => l["[BackOffice] ".Length..].Trim())
                    .Single();
            }

            // Where nothing listens (a port the test holds without listening), the probe says unhealthy.
            using (var closed = new ClosedPort())
            {
                var idle = new Dictionary<string, string>(environment) { ["ASPNETCORE_HTTP_PORTS"] = closed.Port.ToString(CultureInfo.InvariantCulture) };
                var unhealthy = Start(app, [HealthProbe.Command], idle);
                Assert.True(await WaitForExitAsync(unhealthy, TimeSpan.FromSeconds(60)), "healthcheck hung\n" + Output);
                Assert.Equal(1, unhealthy.ExitCode);
            }

            var port = await ListeningPortAsync(service, process, listening.Task);
            environment["ASPNETCORE_HTTP_PORTS"] = port.ToString(CultureInfo.InvariantCulture);
            urls[service] = new Uri($"http://127.0.0.1:{port}");
            await WaitHealthyAsync(service, process, urls[service]);

            // The container health check: the app's own binary, same environment.
            var probe = Start(app, [.. ComposeFileTests.Scalars(compose.Find(service, "healthcheck", "test")).Skip(3)], environment);
            Assert.True(await WaitForExitAsync(probe, TimeSpan.FromSeconds(60)), "healthcheck hung\n" + Output);
            Assert.True(probe.ExitCode == 0, $"healthcheck of {service} exited with {probe.ExitCode}\n{Output}");
        }

        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        foreach (var (service, url) in urls)
        {
            var login = await GetAsync(client, new Uri(url, "/Account/Login"));
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
            Assert.Contains("name=\"Input.Email\"", await login.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.False(login.Headers.Contains("Server"), $"{service} names its server");
        }

        // The administrator's link, on the public back-office address, opens the set-password form
        // of the running back office (as the TLS proxy would pass it on).
        Assert.NotNull(adminLink);
        var link = new Uri(adminLink);
        var invitation = await GetAsync(client, new Uri(urls["backoffice"], link.PathAndQuery));
        Assert.Equal(HttpStatusCode.OK, invitation.StatusCode);
        Assert.Contains("name=\"Input.Password\"", await invitation.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // The scanner is configured: neither app warns of unscanned files.
        Assert.DoesNotContain("No virus scanner", Output, StringComparison.Ordinal);
    }

    public async Task DisposeAsync()
    {
        foreach (var process in _processes)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }

            process.Dispose();
        }

        await _database.DisposeAsync();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    private static string Required(string name) =>
        Environment.GetEnvironmentVariable(name) ?? throw new InvalidOperationException($"{name} is not set: run the tests with ./test.sh.");

    private static async Task<HttpResponseMessage> GetAsync(HttpClient client, Uri url)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);

        // As the TLS proxy passes it: the public host name, which AllowedHosts admits.
        request.Headers.Host = ProductionConfig.BackOfficeHost;
        return await client.SendAsync(request);
    }

    [GeneratedRegex(@"Now listening on: http://[^\s""]*:(\d+)")]
    private static partial Regex NowListening();

    private async Task<int> ListeningPortAsync(string service, Process process, Task<int> listening)
    {
        var first = await Task.WhenAny(listening, process.WaitForExitAsync(), Task.Delay(TimeSpan.FromMinutes(2)));
        Assert.True(first == listening, $"{service} did not say which port it listens on\n{Output}");
        return await listening;
    }

    private static async Task<bool> WaitForExitAsync(Process process, TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancellation.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task WaitHealthyAsync(string service, Process process, Uri url)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (DateTime.UtcNow < deadline)
        {
            Assert.False(process.HasExited, $"{service} exited during start-up\n{Output}");
            try
            {
                using var health = await GetAsync(client, new Uri(url, "/health"));
                if (health.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(250);
        }

        Assert.Fail($"{service} did not answer /health 200 within 2 minutes\n{Output}");
    }

    private Process Start(string app, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment, TaskCompletionSource<int>? listening = null)
    {
        var configuration = typeof(ComposeRunTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
        var folder = Path.Combine(ComposeFile.RepositoryRoot, "src", app, "bin", configuration, "net10.0");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(folder, $"Litiges.{app}.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Exactly the compose environment: nothing of the test's own but what finds and runs dotnet.
        var kept = start.Environment.Where(p => p.Key is "PATH" or "HOME" or "TMPDIR" || p.Key.StartsWith("DOTNET_", StringComparison.Ordinal)).ToList();
        start.Environment.Clear();
        foreach (var (key, value) in kept.Concat(environment.Select(p => new KeyValuePair<string, string?>(p.Key, p.Value))))
        {
            start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start };
        DataReceivedEventHandler collect = (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_output)
                {
                    _output.Append('[').Append(app).Append("] ").AppendLine(e.Data);
                }

                if (listening is not null && NowListening().Match(e.Data) is { Success: true } match)
                {
                    listening.TrySetResult(int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture));
                }
            }
        };
        process.OutputDataReceived += collect;
        process.ErrorDataReceived += collect;
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _processes.Add(process);
        return process;
    }
}
