using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Litiges.Disputes;

public enum DisputeAction
{
    Opened,
    Acknowledged,
    Qualified,
    Assigned,
    PriorityChanged,
    InformationRequested,
    CustomerReplied,
    MessagePosted,
    InternalNoteAdded,
    SettlementProposed,
    SettlementAccepted,
    SettlementDeclined,
    Resolved,
    Rejected,
    Closed,
    Withdrawn,
    Reopened,
    EvidenceAdded,
    EvidenceShared,
    TaskOpened,
    TaskCompleted,
    TaskCancelled,
    ApprovalRequested,
    SettlementApproved,
    SettlementRefused,

    /// <summary>A lifecycle status received from the customer's e-invoicing platform about an invoice of the dispute.</summary>
    PlatformStatusReceived,

    /// <summary>The person a task is for answered it (by e-mail): an internal note, never shown to the customer.</summary>
    TaskAnswered,
}

/// <summary>
/// One line of a dispute's append-only history. Each entry is chained to the previous one by a
/// SHA-256 hash, so an entry altered or deleted in the database is detected; and, when saved, it
/// is authenticated with a key the database does not hold (<see cref="Mac"/>), so that rewriting
/// an entry and recomputing every hash is detected too (docs/decisions/0014).
/// </summary>
public sealed class DisputeHistoryEntry
{
    private DisputeHistoryEntry()
    {
        ActorUserId = ActorName = PreviousHash = Hash = string.Empty;
    }

    internal DisputeHistoryEntry(
        int sequence,
        DateTimeOffset at,
        Actor actor,
        DisputeAction action,
        DisputeStatus fromStatus,
        DisputeStatus toStatus,
        string? text,
        bool isPublic,
        string previousHash,
        string? evidenceSha256 = null)
    {
        Sequence = sequence;
        // PostgreSQL keeps microseconds: hash what every provider will give back.
        At = new DateTimeOffset(at.UtcTicks - (at.UtcTicks % 10), TimeSpan.Zero);
        ActorUserId = actor.UserId;
        ActorName = actor.DisplayName;
        ActorRole = actor.Role;
        Action = action;
        FromStatus = fromStatus;
        ToStatus = toStatus;
        Text = text;
        IsPublic = isPublic;
        PreviousHash = previousHash;
        EvidenceSha256 = evidenceSha256;
        Hash = ComputeHash();
    }

    public long Id { get; private set; }

    public int DisputeId { get; private set; }

    /// <summary>1 for the first entry of the dispute, then 2, 3...</summary>
    public int Sequence { get; private set; }

    public DateTimeOffset At { get; private set; }

    public string ActorUserId { get; private set; }

    public string ActorName { get; private set; }

    public ActorRole ActorRole { get; private set; }

    public DisputeAction Action { get; private set; }

    public DisputeStatus FromStatus { get; private set; }

    public DisputeStatus ToStatus { get; private set; }

    public string? Text { get; private set; }

    /// <summary>Shown to the customer; internal entries are for staff only.</summary>
    public bool IsPublic { get; private set; }

    public string PreviousHash { get; private set; }

    public string Hash { get; private set; }

    /// <summary>The SHA-256 of the file an <see cref="DisputeAction.EvidenceAdded"/> entry records: the file is part of the chain.</summary>
    public string? EvidenceSha256 { get; private set; }

    /// <summary>The history key that authenticated this entry (null until saved, or for an entry from before keys whose chain was already broken).</summary>
    public string? KeyId { get; private set; }

    /// <summary>HMAC-SHA256 of the dispute's reference and <see cref="Hash"/> under the key <see cref="KeyId"/>.</summary>
    public string? Mac { get; private set; }

    public bool IsIntact() => Hash == ComputeHash();

    /// <summary>Records the authentication of this entry; done once, when it is first saved (or, for entries from before keys, by the one-off upgrade).</summary>
    internal void Authenticate(string keyId, string mac)
    {
        if (Mac is not null)
        {
            throw new InvalidOperationException($"History entry {Sequence} is already authenticated.");
        }

        KeyId = keyId;
        Mac = mac;
    }

    internal string ComputeHash()
    {
        var canonical = string.Join(
            '\u001f',
            Sequence.ToString(CultureInfo.InvariantCulture),
            At.UtcTicks.ToString(CultureInfo.InvariantCulture),
            ActorUserId,
            ActorName,
            ActorRole.ToString(),
            Action.ToString(),
            FromStatus.ToString(),
            ToStatus.ToString(),
            Text ?? string.Empty,
            IsPublic ? "1" : "0",
            PreviousHash);

        // Appended only when there is one, so that the entries written before it keep their hash.
        if (EvidenceSha256 is not null)
        {
            canonical += '\u001f' + EvidenceSha256;
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }
}
