using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Litiges.Inbound;

/// <summary>
/// The reply address of a dispute's e-mails, <c>local+{dispute}-{signature}@domain</c>, and of a
/// task's, <c>local+t{task}-{signature}@domain</c>, built on the configured inbound address
/// (<c>Inbound:Address</c>). The signature is an HMAC-SHA256 (key <c>Inbound:TokenKey</c>) of
/// what the address names (the dispute, or the task, each signed in its own form) and the
/// recipient's address, so that a reply lands only when it comes from the person the e-mail was
/// sent to: an id typed by someone else, an address forwarded to another sender, or a dispute's
/// signature put on a task (or the reverse) does not verify.
/// </summary>
public sealed class ReplyAddress(IOptions<InboundOptions> options)
{
    // 80 bits of HMAC in base32: long enough that guessing is hopeless, short enough for a local part.
    private const int SignatureBytes = 10;
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz234567";

    // What marks a task's address: "t" is no digit, so a dispute's address never reads as a task's.
    private const string TaskMark = "t";

    public bool Configured => MailboxAddress.TryParse(options.Value.Address, out _) && options.Value.TokenKeyBytes is not null;

    /// <summary>The address a reply from <paramref name="recipientEmail"/> about dispute <paramref name="disputeId"/> is sent to.</summary>
    public string For(int disputeId, string recipientEmail) => Address(new ReplyToken(disputeId), recipientEmail);

    /// <summary>The address a reply from <paramref name="recipientEmail"/> to task <paramref name="taskId"/> is sent to.</summary>
    public string ForTask(int taskId, string recipientEmail) => Address(new ReplyToken(taskId, ReplyTarget.Task), recipientEmail);

    /// <summary>
    /// Reads a reply address: the dispute or task it names when its signature holds for
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
        var target = token.StartsWith(TaskMark, StringComparison.OrdinalIgnoreCase) ? ReplyTarget.Task : ReplyTarget.Dispute;
        var idStart = target == ReplyTarget.Task ? TaskMark.Length : 0;
        var dash = token.IndexOf('-', StringComparison.Ordinal);
        if (dash <= idStart
            || !int.TryParse(token.AsSpan(idStart, dash - idStart), NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            || id <= 0)
        {
            return ReplyToken.Bad;
        }

        var read = new ReplyToken(id, target);
        var expected = Encoding.ASCII.GetBytes(Sign(read, senderEmail));
        var given = Encoding.ASCII.GetBytes(token[(dash + 1)..].ToLowerInvariant());
        return CryptographicOperations.FixedTimeEquals(expected, given) ? read : ReplyToken.Bad;
    }

    private string Address(ReplyToken token, string recipientEmail)
    {
        var (local, domain) = Parts();
        var mark = token.Target == ReplyTarget.Task ? TaskMark : string.Empty;
        return string.Create(CultureInfo.InvariantCulture, $"{local}+{mark}{token.Id}-{Sign(token, recipientEmail)}@{domain}");
    }

    private (string Local, string Domain) Parts()
    {
        var address = options.Value.Address ?? throw new InvalidOperationException("Inbound:Address is not configured.");
        var at = address.LastIndexOf('@');
        return (address[..at], address[(at + 1)..]);
    }

    // A dispute signs "{id}\n{email}" (as it always has: the addresses already sent still verify), a
    // task "task:{id}\n{email}": the two never sign the same bytes, so neither verifies as the other.
    private string Sign(ReplyToken token, string email)
    {
        var key = options.Value.TokenKeyBytes ?? throw new InvalidOperationException("Inbound:TokenKey is not configured.");
        var mark = token.Target == ReplyTarget.Task ? "task:" : string.Empty;
        var data = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{mark}{token.Id}\n{email.Trim().ToLowerInvariant()}"));
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

/// <summary>What a reply address answers to.</summary>
public enum ReplyTarget
{
    /// <summary>A dispute's e-mails (to its customer): the reply becomes the sender's message.</summary>
    Dispute,

    /// <summary>A task's e-mails (to the people it is for): the reply becomes the task's internal answer.</summary>
    Task,
}

/// <summary>What a reply address says: the dispute or the task, or that it does not verify.</summary>
public sealed record ReplyToken(int Id, ReplyTarget Target = ReplyTarget.Dispute)
{
    public static readonly ReplyToken Bad = new(0);

    public bool Valid => Id > 0;
}
