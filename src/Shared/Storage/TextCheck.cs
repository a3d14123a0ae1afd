namespace Litiges.Storage;

/// <summary>
/// Tells text from binary as the bytes stream past: no control characters other than tab, line
/// breaks, form feed and the old end-of-file mark. UTF-8 and single-byte encodings (CSV exports
/// are often Windows-1252) pass; UTF-16 is accepted when it starts with its byte-order mark.
/// </summary>
public sealed class TextCheck
{
    private enum Layout
    {
        Unknown,
        SingleByteOrUtf8,
        Utf16LittleEndian,
        Utf16BigEndian,
    }

    private Layout _encoding;
    private int _pendingByte = -1;

    public bool IsText { get; private set; } = true;

    public static bool LooksLikeText(ReadOnlySpan<byte> head)
    {
        var check = new TextCheck();
        check.Append(head);
        return check.IsText;
    }

    public void Append(ReadOnlySpan<byte> bytes)
    {
        if (!IsText || bytes.IsEmpty)
        {
            return;
        }

        if (_encoding == Layout.Unknown)
        {
            _encoding = bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) ? Layout.Utf16LittleEndian
                : bytes.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]) ? Layout.Utf16BigEndian
                : Layout.SingleByteOrUtf8;
            if (_encoding != Layout.SingleByteOrUtf8)
            {
                bytes = bytes[2..];
            }
        }

        if (_encoding == Layout.SingleByteOrUtf8)
        {
            foreach (var b in bytes)
            {
                if (!Allowed(b))
                {
                    IsText = false;
                    return;
                }
            }

            return;
        }

        foreach (var b in bytes)
        {
            if (_pendingByte < 0)
            {
                _pendingByte = b;
                continue;
            }

            var unit = _encoding == Layout.Utf16LittleEndian ? (b << 8) | _pendingByte : (_pendingByte << 8) | b;
            _pendingByte = -1;
            if (unit < 0x20 && !Allowed((byte)unit))
            {
                IsText = false;
                return;
            }
        }
    }

    private static bool Allowed(byte b) => b >= 0x20 || b is (byte)'\t' or (byte)'\n' or (byte)'\r' or 0x0C or 0x1A or 0x1B;
}
