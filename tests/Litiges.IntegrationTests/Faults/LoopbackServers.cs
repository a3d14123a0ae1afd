using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Litiges.IntegrationTests.Faults;

/// <summary>An Azurite of the test's own (LITIGES_TEST_AZURITE_BIN), on a fixed loopback port and data folder, so that it can be stopped and started again.</summary>
internal sealed class PrivateAzurite : IAsyncDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("litiges-azurite-").FullName;
    private Process? _process;

    public int Port { get; } = FreePort();

    public string ConnectionString =>
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;"
        + $"BlobEndpoint=http://127.0.0.1:{Port}/devstoreaccount1;";

    public async Task StartAsync()
    {
        var bin = Environment.GetEnvironmentVariable("LITIGES_TEST_AZURITE_BIN")
            ?? throw new InvalidOperationException("LITIGES_TEST_AZURITE_BIN is not set: run the tests with ./test.sh, which installs Azurite.");
        var start = new ProcessStartInfo(bin) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "--blobHost", "127.0.0.1", "--blobPort", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--location", _folder, "--skipApiVersionCheck", "--loose", "--silent", "--disableTelemetry" })
        {
            start.ArgumentList.Add(argument);
        }

        _process = Process.Start(start)!;
        await WaitUntilAsync(() => Answers(Port), $"Azurite on port {Port}");
    }

    /// <summary>Stops the server (SIGTERM, as a service manager would; it keeps what it had committed), killing it if it lingers.</summary>
    public void Stop()
    {
        if (_process is { HasExited: false })
        {
            using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                term.WaitForExit(5_000);
            }

            if (!_process.WaitForExit(10_000))
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }

        _process?.Dispose();
        _process = null;
    }

    public ValueTask DisposeAsync()
    {
        Stop();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }

        return ValueTask.CompletedTask;
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    internal static bool Answers(int port)
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

    internal static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException(what + " did not come up.");
            }

            await Task.Delay(100);
        }
    }
}

/// <summary>
/// A TCP relay on loopback in front of a server (the test PostgreSQL): taking it down refuses new
/// connections and cuts the open ones, as a database server that stops would; bringing it up again
/// on the same port is the server coming back.
/// </summary>
internal sealed class OutageRelay(int targetPort) : IDisposable
{
    private readonly List<TcpClient> _open = [];
    private TcpListener? _listener;
    private CancellationTokenSource? _running;

    public int Port { get; } = PrivateAzurite.FreePort();

    public void Up()
    {
        _running = new CancellationTokenSource();
        _listener = new TcpListener(IPAddress.Loopback, Port);
        _listener.Start();
        _ = AcceptAsync(_listener, _running.Token);
    }

    public void Down()
    {
        _running?.Cancel();
        _listener?.Stop();
        lock (_open)
        {
            foreach (var client in _open)
            {
                // A pump may have closed this side already when its peer hung up.
                try
                {
                    if (client.Client is { } socket)
                    {
                        socket.LingerState = new LingerOption(true, 0);
                    }
                }
                catch (Exception error) when (error is ObjectDisposedException or SocketException)
                {
                }

                client.Dispose();
            }

            _open.Clear();
        }
    }

    public void Dispose() => Down();

    private async Task AcceptAsync(TcpListener listener, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient inbound;
            try
            {
                inbound = await listener.AcceptTcpClientAsync(stop);
            }
            catch (Exception error) when (error is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            var outbound = new TcpClient();
            try
            {
                await outbound.ConnectAsync(IPAddress.Loopback, targetPort, stop);
            }
            catch (Exception error) when (error is OperationCanceledException or SocketException)
            {
                inbound.Dispose();
                outbound.Dispose();
                continue;
            }

            lock (_open)
            {
                _open.Add(inbound);
                _open.Add(outbound);
            }

            _ = PumpAsync(inbound, outbound);
            _ = PumpAsync(outbound, inbound);
        }
    }

    private static async Task PumpAsync(TcpClient from, TcpClient to)
    {
        try
        {
            await from.GetStream().CopyToAsync(to.GetStream());
        }
        catch (Exception error) when (error is IOException or SocketException or ObjectDisposedException or InvalidOperationException)
        {
        }
        finally
        {
            from.Dispose();
            to.Dispose();
        }
    }
}
