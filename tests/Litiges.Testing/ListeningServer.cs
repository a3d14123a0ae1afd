using System.Diagnostics;
using System.Text;

namespace Litiges.Testing;

/// <summary>
/// Starts a server process of the test's own and believes only the server's own report that it listens.
/// </summary>
/// <remarks>
/// For servers that cannot pick their own port (port 0) and report it: freeing a port for them lets
/// anything take it in between. Instead they are offered ports below Linux's ephemeral range
/// (32768 and up), where no outgoing connection lands (as scripts/services.sh does); when another
/// process holds one, the server exits saying so and other ports are tried.
/// </remarks>
public static class ListeningServer
{
    private const int LowestPort = 20_000;
    private const int BelowEphemeral = 32_768;
    private const int Attempts = 5;

    /// <summary>How long a server may take to say that it listens.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Starts the server given <paramref name="count"/> distinct ports below the ephemeral range,
    /// trying other ports while it exits without having said <paramref name="listening"/>.
    /// </summary>
    public static async Task<(Process Process, int[] Ports)> StartOnLowPortsAsync(int count, Func<int[], ProcessStartInfo> start, string listening, string what)
    {
        var attempts = new List<string>();
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var ports = Enumerable.Range(0, count).Select(_ => Random.Shared.Next(LowestPort, BelowEphemeral)).ToArray();
            if (ports.Distinct().Count() != count)
            {
                continue;
            }

            var (process, output) = await TryStartAsync(start(ports), listening);
            if (process is not null)
            {
                return (process, ports);
            }

            attempts.Add($"ports {string.Join(", ", ports)}: {output}");
        }

        throw new InvalidOperationException($"{what} did not start:\n" + string.Join("\n", attempts));
    }

    /// <summary>
    /// Starts the server; the process once it has written a line containing <paramref name="listening"/>,
    /// else null and what it wrote before it exited (or was killed after <see cref="Patience"/>).
    /// </summary>
    public static async Task<(Process? Process, string Output)> TryStartAsync(ProcessStartInfo start, string listening)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        var output = new StringBuilder();
        var listens = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Read(object sender, DataReceivedEventArgs line)
        {
            if (line.Data is null || listens.Task.IsCompleted)
            {
                return;
            }

            lock (output)
            {
                output.AppendLine(line.Data);
            }

            if (line.Data.Contains(listening, StringComparison.Ordinal))
            {
                listens.TrySetResult();
            }
        }

        var process = new Process { StartInfo = start };
        process.OutputDataReceived += Read;
        process.ErrorDataReceived += Read;
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var exited = process.WaitForExitAsync();
        var first = await Task.WhenAny(listens.Task, exited, Task.Delay(Patience));
        if (first == listens.Task)
        {
            return (process, string.Empty);
        }

        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        await process.WaitForExitAsync();
        process.Dispose();
        lock (output)
        {
            return (null, first == exited ? output.ToString() : $"no report within {Patience.TotalSeconds} s\n{output}");
        }
    }
}
