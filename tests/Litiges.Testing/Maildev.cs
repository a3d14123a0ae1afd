using System.Diagnostics;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Serialization;

namespace Litiges.Testing;

/// <summary>
/// A maildev SMTP catcher of the test's own, which the test may stop and start again on the same
/// ports (to play an SMTP server that goes down). ./test.sh installs it (LITIGES_TEST_MAILDEV_BIN).
/// </summary>
public sealed class Maildev : IAsyncDisposable
{
    private readonly string _binary;
    private readonly string _folder = Directory.CreateTempSubdirectory("litiges-maildev-").FullName;
    private Process? _process;

    public Maildev()
    {
        _binary = Environment.GetEnvironmentVariable("LITIGES_TEST_MAILDEV_BIN")
            ?? throw new InvalidOperationException("LITIGES_TEST_MAILDEV_BIN is not set: run the tests with ./test.sh, which installs maildev.");
        SmtpPort = FreePort();
        WebPort = FreePort();
    }

    public int SmtpPort { get; }

    public int WebPort { get; }

    public async Task StartAsync()
    {
        var start = new ProcessStartInfo(_binary)
        {
            ArgumentList = { "--smtp", $"{SmtpPort}", "--web", $"{WebPort}", "--ip", "127.0.0.1", "--web-ip", "127.0.0.1", "--mail-directory", _folder, "--silent" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        _process = Process.Start(start) ?? throw new InvalidOperationException("maildev did not start.");
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!Answers(SmtpPort) || !Answers(WebPort))
        {
            if (DateTime.UtcNow > deadline || _process.HasExited)
            {
                throw new InvalidOperationException("maildev did not open its ports.");
            }

            await Task.Delay(100);
        }
    }

    public async Task StopAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        _process = null;
    }

    public async Task<IReadOnlyList<CaughtMail>> MessagesAsync()
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{WebPort}") };
        return await http.GetFromJsonAsync<List<CaughtMail>>("/api/email") ?? [];
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static bool Answers(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect("127.0.0.1", port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}

public sealed record CaughtMail(
    [property: JsonPropertyName("subject")] string Subject,
    [property: JsonPropertyName("text")] string? Text,
    [property: JsonPropertyName("html")] string? Html,
    [property: JsonPropertyName("to")] IReadOnlyList<CaughtAddress> To);

public sealed record CaughtAddress([property: JsonPropertyName("address")] string Address);
