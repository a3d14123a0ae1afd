using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Serialization;

namespace Litiges.Testing;

/// <summary>
/// A maildev SMTP catcher of the test's own, which the test may stop and start again on the same
/// ports (to play an SMTP server that goes down). ./test.sh installs it (LITIGES_TEST_MAILDEV_BIN).
/// </summary>
/// <remarks>
/// maildev refuses port 0, so it cannot pick its own ports. Instead of freeing a port for it (which
/// anything may take in between), the first start offers it ports below Linux's ephemeral range, where
/// no outgoing connection lands (as scripts/services.sh does), and believes only maildev's own report
/// that it listens; when another process holds a port, maildev exits and other ports are tried.
/// A restart takes the same ports again.
/// </remarks>
public sealed class Maildev : IAsyncDisposable
{
    private const string Listening = "Press Ctrl+C to stop";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

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
            var output = await TryStartAsync(SmtpPort, WebPort);
            if (output is not null)
            {
                throw new InvalidOperationException($"maildev did not listen again on ports {SmtpPort} and {WebPort}:\n{output}");
            }

            return;
        }

        var attempts = new List<string>();
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var smtp = Random.Shared.Next(20_000, 32_768);
            var web = Random.Shared.Next(20_000, 32_768);
            if (smtp == web)
            {
                continue;
            }

            var output = await TryStartAsync(smtp, web);
            if (output is null)
            {
                (SmtpPort, WebPort) = (smtp, web);
                return;
            }

            attempts.Add($"ports {smtp} and {web}: {output}");
        }

        throw new InvalidOperationException("maildev did not start:\n" + string.Join("\n", attempts));
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

    // Starts maildev on the ports given; null once it reports that it listens, else what it said before it exited.
    private async Task<string?> TryStartAsync(int smtp, int web)
    {
        var start = new ProcessStartInfo(_binary)
        {
            ArgumentList = { "--smtp", $"{smtp}", "--web", $"{web}", "--ip", "127.0.0.1", "--web-ip", "127.0.0.1", "--mail-directory", _folder },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var output = new StringBuilder();
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Read(object sender, DataReceivedEventArgs line)
        {
            if (line.Data is null)
            {
                return;
            }

            lock (output)
            {
                output.AppendLine(line.Data);
            }

            if (line.Data.Contains(Listening, StringComparison.Ordinal))
            {
                listening.TrySetResult();
            }
        }

        var process = new Process { StartInfo = start };
        process.OutputDataReceived += Read;
        process.ErrorDataReceived += Read;
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var exited = process.WaitForExitAsync();
        var first = await Task.WhenAny(listening.Task, exited, Task.Delay(Patience));
        if (first == listening.Task)
        {
            _process = process;
            return null;
        }

        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        await process.WaitForExitAsync();
        process.Dispose();
        lock (output)
        {
            return first == exited ? output.ToString() : $"no report within {Patience.TotalSeconds} s\n{output}";
        }
    }
}

public sealed record CaughtMail(
    [property: JsonPropertyName("subject")] string Subject,
    [property: JsonPropertyName("text")] string? Text,
    [property: JsonPropertyName("html")] string? Html,
    [property: JsonPropertyName("to")] IReadOnlyList<CaughtAddress> To);

public sealed record CaughtAddress([property: JsonPropertyName("address")] string Address);
