using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Litiges.Bench.Screens;

/// <summary>
/// Both apps of one repository folder, started from its Release build as <c>./run.sh</c> starts
/// them: each from its project folder (content root, views, static files), in Development, on a
/// fresh SQLite database under a data folder of their own, migrated with the demo data by the
/// build's own <c>migrate --demo-data</c> (so an older build gets its own schema and demo), staff
/// signing in with a password only (<c>Security__RequireStaffTwoFactor=false</c>, as the demo run).
/// </summary>
internal sealed class RepositoryApps : IAsyncDisposable
{
    private const string PortalDll = "src/CustomerPortal/bin/Release/net10.0/Litiges.CustomerPortal.dll";
    private const string BackOfficeDll = "src/BackOffice/bin/Release/net10.0/Litiges.BackOffice.dll";

    private readonly List<Process> _processes = [];

    private RepositoryApps(string work) => Work = work;

    public Uri PortalUrl { get; private set; } = null!;

    public Uri BackOfficeUrl { get; private set; } = null!;

    /// <summary>The temporary folder: data folder and the apps' logs.</summary>
    public string Work { get; }

    public static async Task<RepositoryApps> StartAsync(string repository)
    {
        foreach (var dll in new[] { PortalDll, BackOfficeDll })
        {
            if (!File.Exists(Path.Combine(repository, dll)))
            {
                throw new InvalidOperationException(
                    $"{Path.Combine(repository, dll)} is missing: build both apps there first " +
                    "(dotnet build src/CustomerPortal -c Release && dotnet build src/BackOffice -c Release).");
            }
        }

        var work = Directory.CreateTempSubdirectory("litiges-screens-").FullName;
        var apps = new RepositoryApps(work);
        try
        {
            var portalPort = FreePort();
            var backOfficePort = FreePort();
            apps.PortalUrl = new Uri($"http://127.0.0.1:{portalPort}");
            apps.BackOfficeUrl = new Uri($"http://127.0.0.1:{backOfficePort}");
            var settings = new Dictionary<string, string>
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Development",
                ["DOTNET_ENVIRONMENT"] = "Development",
                ["DataFolder"] = Path.Combine(work, "data"),
                ["Security__RequireStaffTwoFactor"] = "false",
                ["Email__PortalUrl"] = apps.PortalUrl.ToString().TrimEnd('/'),
                ["Email__BackOfficeUrl"] = apps.BackOfficeUrl.ToString().TrimEnd('/'),
            };

            Console.WriteLine($"   migrating a fresh SQLite database with the demo data ({settings["DataFolder"]})");
            using (var migrate = Start(repository, BackOfficeDll, ["migrate", "--demo-data"], settings, Path.Combine(work, "migrate.log")))
            {
                await migrate.WaitForExitAsync();
                if (migrate.ExitCode != 0)
                {
                    throw new InvalidOperationException($"migrate --demo-data failed ({migrate.ExitCode}): see {Path.Combine(work, "migrate.log")}.");
                }
            }

            apps._processes.Add(Start(repository, PortalDll, ["--urls", apps.PortalUrl.ToString()], settings, Path.Combine(work, "portal.log")));
            apps._processes.Add(Start(repository, BackOfficeDll, ["--urls", apps.BackOfficeUrl.ToString()], settings, Path.Combine(work, "backoffice.log")));
            await WaitHealthyAsync(apps.PortalUrl, apps._processes[0], "portal");
            await WaitHealthyAsync(apps.BackOfficeUrl, apps._processes[1], "back office");
            return apps;
        }
        catch
        {
            foreach (var log in Directory.GetFiles(work, "*.log"))
            {
                Console.Error.WriteLine($"--- last lines of {Path.GetFileName(log)}:");
                foreach (var line in File.ReadLines(log).TakeLast(20))
                {
                    Console.Error.WriteLine(line);
                }
            }

            await apps.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
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

        _processes.Clear();
        try
        {
            Directory.Delete(Work, recursive: true);
        }
        catch (IOException)
        {
            // A log still held open: the temporary folder stays.
        }
    }

    /// <summary><c>dotnet {dll} {arguments}</c> from the app's project folder, output appended to <paramref name="log"/>.</summary>
    private static Process Start(string repository, string dll, string[] arguments, Dictionary<string, string> settings, string log)
    {
        var path = Path.Combine(repository, dll);
        var projectFolder = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, "..", "..", ".."));
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = projectFolder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(path);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in settings)
        {
            start.Environment[key] = value;
        }

        var writer = new StreamWriter(log, append: true) { AutoFlush = true };
        var process = Process.Start(start) ?? throw new InvalidOperationException($"dotnet {dll} did not start.");
        process.OutputDataReceived += (_, line) => Write(writer, line.Data);
        process.ErrorDataReceived += (_, line) => Write(writer, line.Data);
        process.Exited += (_, _) => writer.Dispose();
        process.EnableRaisingEvents = true;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static void Write(StreamWriter writer, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (writer)
        {
            try
            {
                writer.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }

    private async static Task WaitHealthyAsync(Uri app, Process process, string name)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromMinutes(2))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The {name} stopped at start-up (exit code {process.ExitCode}).");
            }

            try
            {
                using var response = await http.GetAsync(new Uri(app, "/health"));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    Console.WriteLine($"   {name} answers on {app} ({watch.Elapsed.TotalSeconds:0.0} s)");
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"The {name} did not answer /health within 2 minutes.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
