using System.Security.Cryptography;

namespace Litiges.Storage;

/// <summary>
/// Passes an upload through to the store while learning what it is: counts and hashes the
/// bytes (SHA-256), stops at the size limit, and for text types checks every byte. The first
/// bytes, already read to recognise the type, are replayed before the rest of the source.
/// With a virus scan under way, every chunk read is sent on to clamd too; with a
/// <paramref name="copy"/> (a temporary file), every chunk is written there as well, for checks
/// that need the whole file (<see cref="OfficeContainers"/>).
/// </summary>
internal sealed class InspectingStream(ReadOnlyMemory<byte> head, Stream source, long maxBytes, TextCheck? text, ClamAvScan? scan = null, Stream? copy = null) : Stream
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private ReadOnlyMemory<byte> _head = head;

    public long BytesRead { get; private set; }

    /// <summary>Set when the content broke a rule; reading stopped there.</summary>
    public UploadProblem? Problem { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => BytesRead;
        set => throw new NotSupportedException();
    }

    public string Sha256Hex() => Convert.ToHexStringLower(_hash.GetCurrentHash());

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var read = _head.IsEmpty ? Inspect(source.Read(buffer), buffer) : Inspect(FromHead(buffer), buffer);
        if (scan is not null && read > 0)
        {
            scan.SendAsync(buffer[..read].ToArray(), CancellationToken.None).GetAwaiter().GetResult();
        }

        copy?.Write(buffer[..read]);

        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = _head.IsEmpty ? Inspect(await source.ReadAsync(buffer, cancellationToken), buffer.Span) : Inspect(FromHead(buffer.Span), buffer.Span);
        if (scan is not null && read > 0)
        {
            await scan.SendAsync(buffer[..read], cancellationToken);
        }

        if (copy is not null && read > 0)
        {
            await copy.WriteAsync(buffer[..read], cancellationToken);
        }

        return read;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
        }

        base.Dispose(disposing);
    }

    private int FromHead(Span<byte> buffer)
    {
        var count = Math.Min(buffer.Length, _head.Length);
        _head.Span[..count].CopyTo(buffer);
        _head = _head[count..];
        return count;
    }

    private int Inspect(int read, ReadOnlySpan<byte> buffer)
    {
        if (Problem is not null)
        {
            throw new InvalidDataException(Problem.Value.ToString());
        }

        if (read == 0)
        {
            return 0;
        }

        BytesRead += read;
        if (BytesRead > maxBytes)
        {
            Fail(UploadProblem.TooLarge);
        }

        var chunk = buffer[..read];
        if (text is not null)
        {
            text.Append(chunk);
            if (!text.IsText)
            {
                Fail(UploadProblem.ContentMismatch);
            }
        }

        _hash.AppendData(chunk);
        return read;
    }

    private void Fail(UploadProblem problem)
    {
        Problem = problem;
        throw new InvalidDataException(problem.ToString());
    }
}

/// <summary>Why an uploaded file was refused.</summary>
public enum UploadProblem
{
    TypeNotAllowed,
    ContentMismatch,
    Empty,
    TooLarge,
    DisputeTotalExceeded,

    /// <summary>The virus scanner found a threat in the file.</summary>
    Infected,

    /// <summary>Scanning is on, and the virus scanner did not answer: nothing is accepted unscanned.</summary>
    ScannerUnavailable,

    /// <summary>An Office document carries macros or programs.</summary>
    ActiveContent,

    /// <summary>The user's files staged for disputes not yet filed would exceed their quota.</summary>
    StagedQuotaExceeded,
}
