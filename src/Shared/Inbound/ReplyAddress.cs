using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Litiges.Inbound;

/// <summary>
/// The reply address of a dispute's e-mails: <c>local+{dispute}-{signature}@domain</c> built on the
/// configured inbound address (<c>Inbound:Address</c>). The signature is an HMAC-SHA256 (key
/// <c>Inbound:TokenKey</c>) of the dispute id and the recipient's address, so that a reply lands
/// on its dispute only when it comes from the person the e-mail was sent to: an id typed by
/// someone else, or an address forwarded to another sender, does not verify.
/// </summary>
public sealed class ReplyAddress(IOptions<InboundOptions> options)
{
    // 80 bits of HMAC in base32: long enough that guessing is hopeless, short enough for a local part.
    private const int SignatureBytes = 10;
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz234567";

    public bool Configured => MailboxAddress.TryParse(options.Value.Address, out _) && options.Value.TokenKeyBytes is not null;

    /// <summary>The address a reply from <paramref name="recipientEmail"/> about dispute <paramref name="disputeId"/> is sent to.</summary>
    public string For(int disputeId, string recipientEmail)
    {
        var (local, domain) = Parts();
        return string.Create(CultureInfo.InvariantCulture, $"{local}+{disputeId}-{Sign(disputeId, recipientEmail)}@{domain}");
    }

    /// <summary>
    /// Reads a reply address: the dispute it names when its signature holds for
    /// <paramref name="senderEmail"/>; <see cref="ReplyToken.Bad"/> when it is one of ours but does
    /// not verify; null when it is not a reply address of ours at all.
    /// </summary>
    public ReplyToken? TryRead(string address, string senderEmail)
    {
        var (local, domain) = Parts();
        var at = address.LastIndexOf('@');
        if (at < 0 || !address[(at + 1)..].Equals(domain, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var user = address[..at];
        var prefix = local + "+";
        if (!user.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var token = user[prefix.Length..];
        var dash = token.IndexOf('-', StringComparison.Ordinal);
        if (dash <= 0
            || !int.TryParse(token.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out var disputeId)
            || disputeId <= 0)
        {
            return ReplyToken.Bad;
        }

        var expected = Encoding.ASCII.GetBytes(Sign(disputeId, senderEmail));
        var given = Encoding.ASCII.GetBytes(token[(dash + 1)..].ToLowerInvariant());
        return CryptographicOperations.FixedTimeEquals(expected, given) ? new ReplyToken(disputeId) : ReplyToken.Bad;
    }

    private (string Local, string Domain) Parts()
    {
        var address = options.Value.Address ?? throw new InvalidOperationException("Inbound:Address is not configured.");
        var at = address.LastIndexOf('@');
        return (address[..at], address[(at + 1)..]);
    }

    private string Sign(int disputeId, string email)
    {
        var key = options.Value.TokenKeyBytes ?? throw new InvalidOperationException("Inbound:TokenKey is not configured.");
        var data = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{disputeId}\n{email.Trim().ToLowerInvariant()}"));
        var mac = HMACSHA256.HashData(key, data).AsSpan(0, SignatureBytes);
        return Base32(mac);
    }

    private static string Base32(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder();
        int buffer = 0, bits = 0;
        foreach (var b in bytes)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                text.Append(Alphabet[(buffer >> (bits - 5)) & 31]);
                bits -= 5;
            }
        }

        if (bits > 0)
        {
            text.Append(Alphabet[(buffer << (5 - bits)) & 31]);
        }

        return text.ToString();
    }
}

/// <summary>What a reply address says: the dispute, or that it does not verify.</summary>
public sealed record ReplyToken(int DisputeId)
{
    public static readonly ReplyToken Bad = new(0);

    public bool Valid => DisputeId > 0;
}
