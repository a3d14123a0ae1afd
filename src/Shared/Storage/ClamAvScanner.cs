using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Options;

namespace Litiges.Storage;

/// <summary>Virus scanning of evidence by a ClamAV daemon (section <c>Evidence:ClamAv</c>); off while no host is set.</summary>
public sealed class ClamAvOptions
{
    /// <summary>The clamd host (<c>Evidence:ClamAv:Host</c>); empty turns scanning off.</summary>
    public string? Host { get; set; }

    /// <summary>Its TCP port (<c>Evidence:ClamAv:Port</c>, 3310 by default).</summary>
    public int Port { get; set; } = 3310;

    /// <summary>How long clamd may take to answer once the file is sent (<c>Evidence:ClamAv:TimeoutSeconds</c>).</summary>
    public int TimeoutSeconds { get; set; } = 60;

    public bool Enabled => !string.IsNullOrWhiteSpace(Host);
}

/// <summary>What clamd said of a file.</summary>
public sealed record ScanVerdict(bool Clean, string? Threat, bool Unavailable)
{
    public static readonly ScanVerdict Ok = new(true, null, false);

    public static ScanVerdict Infected(string threat) => new(false, threat, false);

    public static readonly ScanVerdict Failed = new(false, null, true);
}

/// <summary>
/// Talks to clamd with its INSTREAM command over TCP (no client library): the file is sent in
/// length-prefixed chunks as it is read on its way to storage, so it is read once and never
/// held whole; clamd's verdict comes when the last chunk is sent.
/// </summary>
public sealed class ClamAvScanner(IOptions<ClamAvOptions> options)
{
    public bool Enabled => options.Value.Enabled;

    /// <summary>Connects to clamd and starts a scan; null when clamd cannot be reached.</summary>
    public async Task<ClamAvScan?> StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var client = new TcpClient { NoDelay = true };
        try
        {
            using var connecting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            connecting.CancelAfter(TimeSpan.FromSeconds(10));
            await client.ConnectAsync(settings.Host!, settings.Port, connecting.Token);
            var stream = client.GetStream();
            await stream.WriteAsync("zINSTREAM\0"u8.ToArray(), cancellationToken);
            return new ClamAvScan(client, stream, TimeSpan.FromSeconds(settings.TimeoutSeconds));
        }
        catch (Exception error) when (error is SocketException or IOException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            client.Dispose();
            return null;
        }
    }

    /// <summary>Scans a whole stream (a file already stored, an upload in a test).</summary>
    public async Task<ScanVerdict> ScanAsync(Stream content, CancellationToken cancellationToken)
    {
        await using var scan = await StartAsync(cancellationToken);
        if (scan is null)
        {
            return ScanVerdict.Failed;
        }

        var buffer = new byte[64 * 1024];
        int read;
        while ((read = await content.ReadAsync(buffer, cancellationToken)) > 0)
        {
            await scan.SendAsync(buffer.AsMemory(0, read), cancellationToken);
        }

        return await scan.VerdictAsync(cancellationToken);
    }
}

/// <summary>One INSTREAM exchange with clamd. A failure while sending is remembered, not thrown: the verdict says it.</summary>
public sealed class ClamAvScan(TcpClient client, NetworkStream stream, TimeSpan timeout) : IAsyncDisposable
{
    private readonly byte[] _length = new byte[4];
    private bool _broken;

    public async Task SendAsync(ReadOnlyMemory<byte> chunk, CancellationToken cancellationToken)
    {
        if (_broken || chunk.IsEmpty)
        {
            return;
        }

        try
        {
            BinaryPrimitives.WriteUInt32BigEndian(_length, (uint)chunk.Length);
            await stream.WriteAsync(_length, cancellationToken);
            await stream.WriteAsync(chunk, cancellationToken);
        }
        catch (Exception error) when (error is IOException or SocketException)
        {
            // clamd went away, or refused the stream (size limit): the verdict will be "failed".
            _broken = true;
        }
    }

    public async Task<ScanVerdict> VerdictAsync(CancellationToken cancellationToken)
    {
        if (_broken)
        {
            return ScanVerdict.Failed;
        }

        try
        {
            using var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            waiting.CancelAfter(timeout);
            await stream.WriteAsync(new byte[4], waiting.Token);
            var reply = new MemoryStream();
            var buffer = new byte[256];
            int read;
            while ((read = await stream.ReadAsync(buffer, waiting.Token)) > 0)
            {
                reply.Write(buffer, 0, read);
                if (buffer.AsSpan(0, read).Contains((byte)0) || reply.Length > 4096)
                {
                    break;
                }
            }

            return Parse(Encoding.ASCII.GetString(reply.ToArray()).TrimEnd('\0', '\n', ' '));
        }
        catch (Exception error) when (error is IOException or SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return ScanVerdict.Failed;
        }
    }

    public ValueTask DisposeAsync()
    {
        client.Dispose();
        return ValueTask.CompletedTask;
    }

    // "stream: OK", "stream: Eicar-Test-Signature FOUND", "INSTREAM size limit exceeded. ERROR".
    internal static ScanVerdict Parse(string reply)
    {
        var text = reply.StartsWith("stream:", StringComparison.Ordinal) ? reply["stream:".Length..].Trim() : reply.Trim();
        if (text == "OK")
        {
            return ScanVerdict.Ok;
        }

        return text.EndsWith(" FOUND", StringComparison.Ordinal) ? ScanVerdict.Infected(text[..^" FOUND".Length].Trim()) : ScanVerdict.Failed;
    }
}
