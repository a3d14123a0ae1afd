using Litiges.Disputes;

namespace Litiges.Audit;

/// <summary>Why a history fails verification.</summary>
public enum HistoryFault
{
    /// <summary>The hash chain itself: an entry altered, missing, or out of order.</summary>
    Chain,

    /// <summary>An entry without a valid MAC under a configured key: written or rewritten by someone without the key.</summary>
    Key,

    /// <summary>The history no longer reaches the head the last seal recorded: entries deleted or rewritten since.</summary>
    Seal,
}

/// <summary>
/// What the verification of a dispute's history found: broken at entry <see cref="BrokenAt"/>
/// (and why), or intact; and how far the last seal vouches for it.
/// </summary>
public sealed record HistoryVerdict(int Entries, int? BrokenAt, HistoryFault? Fault, DateTimeOffset? SealedAt, int SealedEntries, DateTimeOffset? FirstUnsealedAt)
{
    public bool Intact => BrokenAt is null;

    /// <summary>Intact, and every entry is covered by a seal.</summary>
    public bool FullySealed => Intact && SealedEntries >= Entries;

    /// <summary>The text key (History.*) and its arguments that say this verdict; dates written by <paramref name="date"/>.</summary>
    public (string Key, object[] Arguments) Message(Func<DateTimeOffset, string> date) => this switch
    {
        { Intact: false, Fault: HistoryFault.Seal } => ("History.Broken.Seal", [BrokenAt!.Value, SealedAt is { } at ? date(at) : string.Empty]),
        { Intact: false } => ("History.Broken." + Fault, [BrokenAt!.Value]),
        { FullySealed: true } => ("History.IntactSealed", [Entries, date(SealedAt!.Value)]),
        { SealedAt: { } sealedAt, SealedEntries: > 0 } => ("History.IntactPartlySealed", [Entries, SealedEntries, date(sealedAt), date(FirstUnsealedAt!.Value)]),
        _ => ("History.IntactNotSealed", [Entries, FirstUnsealedAt is { } first ? date(first) : string.Empty]),
    };
}

/// <summary>
/// Verifies a dispute's history three ways: the SHA-256 chain (an edit), each entry's MAC under
/// the history keys (a forger who recomputed every hash has no key), and the last seal (entries
/// deleted at the end, with the count fixed, no longer reach the sealed head).
/// </summary>
public sealed class HistoryVerifier(HistoryKeys keys, HistorySeals seals)
{
    /// <param name="dispute">With its whole history loaded.</param>
    public async Task<HistoryVerdict> VerifyAsync(Dispute dispute, CancellationToken cancellationToken) =>
        Verify(dispute, keys, (await seals.LatestAsync(cancellationToken))?.Seal);

    public static HistoryVerdict Verify(Dispute dispute, HistoryKeys keys, HistorySeal? seal)
    {
        var entries = dispute.History.OrderBy(h => h.Sequence).ToList();
        int? brokenAt = dispute.FirstBrokenHistoryEntry();
        HistoryFault? fault = brokenAt is null ? null : HistoryFault.Chain;

        foreach (var entry in entries.TakeWhile(e => brokenAt is null || e.Sequence < brokenAt))
        {
            if (!keys.Confirms(dispute.Reference, entry))
            {
                (brokenAt, fault) = (entry.Sequence, HistoryFault.Key);
                break;
            }
        }

        var sealedEntries = 0;
        if (seal?.For(dispute.Id) is { } head)
        {
            sealedEntries = head.Entries;
            var reached = entries.Count >= head.Entries && entries[head.Entries - 1].Sequence == head.Entries && entries[head.Entries - 1].Hash == head.Head;
            var at = Math.Min(head.Entries, entries.Count + 1);
            if (!reached && (brokenAt is null || at < brokenAt))
            {
                (brokenAt, fault) = (at, HistoryFault.Seal);
            }
        }

        var firstUnsealed = entries.Skip(sealedEntries).FirstOrDefault()?.At;
        return new HistoryVerdict(entries.Count, brokenAt, fault, seal?.SealedAt, sealedEntries, firstUnsealed);
    }
}
