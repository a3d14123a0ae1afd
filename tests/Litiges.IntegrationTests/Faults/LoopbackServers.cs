using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Litiges.Testing;

namespace Litiges.IntegrationTests.Faults;

/// <summary>
/// An Azurite of the test's own (LITIGES_TEST_AZURITE_BIN) on a loopback port and data folder of its
/// own, so that it can be stopped and started again on the same port. The port is a number given to
/// it (a restart needs the same one), picked below the ephemeral range by <see cref="ListeningServer"/>.
/// </summary>
internal sealed class PrivateAzurite : IAsyncDisposable
{
    private const string Listening = "Azurite Blob service successfully listens on";

    private readonly string _folder = Directory.CreateTempSubdirectory("litiges-azurite-").FullName;
    private Process? _process;

    /// <summary>The blob port, known once the first start has succeeded.</summary>
    public int Port { get; private set; }

    public string ConnectionString =>
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;"
        + $"BlobEndpoint=http://127.0.0.1:{Port}/devstoreaccount1;";

    public async Task StartAsync()
    {
        var bin = Environment.GetEnvironmentVariable("LITIGES_TEST_AZURITE_BIN")
            ?? throw new InvalidOperationException("LITIGES_TEST_AZURITE_BIN is not set: run the tests with ./test.sh, which installs Azurite.");
        ProcessStartInfo Start(int port)
        {
            var start = new ProcessStartInfo(bin);
            foreach (var argument in new[] { "--blobHost", "127.0.0.1", "--blobPort", port.ToString(CultureInfo.InvariantCulture), "--location", _folder, "--skipApiVersionCheck", "--loose", "--silent", "--disableTelemetry" })
            {
                start.ArgumentList.Add(argument);
            }

            return start;
        }

        if (Port != 0)
        {
            var (process, output) = await ListeningServer.TryStartAsync(Start(Port), Listening);
            _process = process ?? throw new InvalidOperationException($"Azurite did not listen again on port {Port}:\n{output}");
            return;
        }

        (_process, var ports) = await ListeningServer.StartOnLowPortsAsync(1, ports => Start(ports[0]), Listening, "Azurite");
        Port = ports[0];
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
}

/// <summary>
/// A TCP relay on loopback in front of a server (the test PostgreSQL): taking it down refuses new
/// connections and cuts the open ones, as a database server that stops would; bringing it up again
/// on the same port is the server coming back.
/// </summary>
/// <remarks>
/// The port stays the relay's while it is down: a socket bound (port 0, never listening) with
/// SO_REUSEPORT holds it for the relay's lifetime, and each listener joins it with SO_REUSEPORT.
/// Connections made while no listener exists are refused; no other server can bind the port (it
/// would need SO_REUSEPORT as the same user), and outgoing connections skip bound ports.
/// </remarks>
internal sealed class OutageRelay : IDisposable
{
    // SOL_SOCKET and SO_REUSEPORT on Linux, where the tests run.
    private const int SocketLevel = 1;
    private const int ReusePort = 15;

    private readonly int _targetPort;
    private readonly Socket _holder = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly List<TcpClient> _open = [];
    private TcpListener? _listener;
    private CancellationTokenSource? _running;

    public OutageRelay(int targetPort)
    {
        _targetPort = targetPort;
        SharePort(_holder);
        _holder.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        Port = ((IPEndPoint)_holder.LocalEndPoint!).Port;
    }

    public int Port { get; }

    public void Up()
    {
        _running = new CancellationTokenSource();
        _listener = new TcpListener(IPAddress.Loopback, Port);
        SharePort(_listener.Server);
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

    public void Dispose()
    {
        Down();
        _holder.Dispose();
    }

    private static void SharePort(Socket socket) => socket.SetRawSocketOption(SocketLevel, ReusePort, BitConverter.GetBytes(1));

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
                await outbound.ConnectAsync(IPAddress.Loopback, _targetPort, stop);
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
