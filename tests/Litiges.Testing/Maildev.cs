using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Serialization;

namespace Litiges.Testing;

/// <summary>
/// A maildev SMTP catcher of the test's own, which the test may stop and start again on the same
/// ports (to play an SMTP server that goes down). ./test.sh installs it (LITIGES_TEST_MAILDEV_BIN).
/// </summary>
/// <remarks>
/// maildev refuses port 0, so it cannot pick its own ports: the first start offers it ports below the
/// ephemeral range (<see cref="ListeningServer.StartOnLowPortsAsync"/>). A restart takes the same ports again.
/// </remarks>
public sealed class Maildev : IAsyncDisposable
{
    private const string Listening = "Press Ctrl+C to stop";
    private static readonly TimeSpan Patience = ListeningServer.Patience;

    private readonly string _binary;
    private readonly string _folder = Directory.CreateTempSubdirectory("litiges-maildev-").FullName;
    private Process? _process;

    public Maildev()
    {
        _binary = Environment.GetEnvironmentVariable("LITIGES_TEST_MAILDEV_BIN")
            ?? throw new InvalidOperationException("LITIGES_TEST_MAILDEV_BIN is not set: run the tests with ./test.sh, which installs maildev.");
    }

    /// <summary>The SMTP port, known once the first start has succeeded.</summary>
    public int SmtpPort { get; private set; }

    /// <summary>The web/API port, known once the first start has succeeded.</summary>
    public int WebPort { get; private set; }

    public async Task StartAsync()
    {
        if (SmtpPort != 0)
        {
            var (process, output) = await ListeningServer.TryStartAsync(Start(SmtpPort, WebPort), Listening);
            _process = process ?? throw new InvalidOperationException($"maildev did not listen again on ports {SmtpPort} and {WebPort}:\n{output}");
            return;
        }

        (_process, var ports) = await ListeningServer.StartOnLowPortsAsync(2, ports => Start(ports[0], ports[1]), Listening, "maildev");
        (SmtpPort, WebPort) = (ports[0], ports[1]);
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

    public Task<IReadOnlyList<CaughtMail>> MessagesAsync() => MessagesAsync(new Uri($"http://127.0.0.1:{WebPort}"));

    /// <summary>Waits until this catcher holds at least <paramref name="count"/> e-mails that <paramref name="match"/>, and returns them.</summary>
    public Task<IReadOnlyList<CaughtMail>> WaitForAsync(Func<CaughtMail, bool> match, int count = 1) =>
        WaitForAsync(new Uri($"http://127.0.0.1:{WebPort}"), match, count);

    /// <summary>
    /// Waits until the maildev at <paramref name="web"/> holds at least <paramref name="count"/> e-mails that
    /// <paramref name="match"/>, and returns them: the SMTP server accepts a message before its API lists it.
    /// </summary>
    public static async Task<IReadOnlyList<CaughtMail>> WaitForAsync(Uri web, Func<CaughtMail, bool> match, int count = 1)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var mails = (await MessagesAsync(web)).Where(match).ToList();
            if (mails.Count >= count || DateTime.UtcNow > deadline)
            {
                return mails.Count >= count
                    ? mails
                    : throw new TimeoutException($"{count} e-mails expected at maildev within {Patience.TotalSeconds} s, {mails.Count} arrived.");
            }

            await Task.Delay(100);
        }
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

    private static async Task<IReadOnlyList<CaughtMail>> MessagesAsync(Uri web)
    {
        using var http = new HttpClient { BaseAddress = web };
        return await http.GetFromJsonAsync<List<CaughtMail>>("/api/email") ?? [];
    }

    private ProcessStartInfo Start(int smtp, int web) => new(_binary)
    {
        ArgumentList = { "--smtp", $"{smtp}", "--web", $"{web}", "--ip", "127.0.0.1", "--web-ip", "127.0.0.1", "--mail-directory", _folder },
    };
}

public sealed record CaughtMail(
    [property: JsonPropertyName("subject")] string Subject,
    [property: JsonPropertyName("text")] string? Text,
    [property: JsonPropertyName("html")] string? Html,
    [property: JsonPropertyName("to")] IReadOnlyList<CaughtAddress> To);

public sealed record CaughtAddress([property: JsonPropertyName("address")] string Address);
