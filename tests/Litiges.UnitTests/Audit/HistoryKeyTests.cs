using System.Security.Cryptography;
using Litiges.Audit;
using Litiges.Disputes;
using Litiges.UnitTests.Builders;
using Microsoft.Extensions.Configuration;

namespace Litiges.UnitTests.Audit;

public class HistoryKeyTests
{
    private static readonly byte[] KeyOne = RandomNumberGenerator.GetBytes(32);
    private static readonly byte[] KeyTwo = RandomNumberGenerator.GetBytes(32);

    private static HistoryKeys Keys(string current, params (string Id, byte[] Key)[] keys) =>
        new(current, keys.ToDictionary(k => k.Id, k => k.Key));

    private static Dispute InReviewWithANote(out DisputeBuilder builder)
    {
        builder = new DisputeBuilder();
        var dispute = builder.In(DisputeStatus.InReview);
        dispute.AddInternalNote(Actors.Agent, "Vérifier le tarif 2026.", builder.Clock.GetUtcNow());
        return dispute;
    }

    // What the interceptor does in the save that writes them.
    private static void Save(Dispute dispute, HistoryKeys keys)
    {
        foreach (var entry in dispute.History.Where(h => h.Mac is null))
        {
            keys.Authenticate(dispute.Reference, entry);
        }
    }

    [Fact]
    public void Entries_authenticated_with_the_current_key_verify_intact_and_not_sealed()
    {
        var dispute = InReviewWithANote(out _);
        var keys = Keys("k1", ("k1", KeyOne));
        Save(dispute, keys);

        var verdict = HistoryVerifier.Verify(dispute, keys, seal: null);

        Assert.True(verdict.Intact);
        Assert.False(verdict.FullySealed);
        Assert.Equal("History.IntactNotSealed", verdict.Message(_ => "x").Key);
        Assert.All(dispute.History, h => Assert.Equal("k1", h.KeyId));
    }

    [Fact]
    public void After_a_rotation_old_entries_verify_with_the_old_key_and_new_ones_use_the_new_key()
    {
        var dispute = InReviewWithANote(out var builder);
        Save(dispute, Keys("k1", ("k1", KeyOne)));
        var before = dispute.HistoryCount;
        var rotated = Keys("k2", ("k1", KeyOne), ("k2", KeyTwo));

        dispute.AddInternalNote(Actors.Agent, "Après la rotation.", builder.Clock.GetUtcNow());
        Save(dispute, rotated);

        Assert.Equal("k2", dispute.History.Single(h => h.Sequence == before + 1).KeyId);
        Assert.True(HistoryVerifier.Verify(dispute, rotated, null).Intact);

        // Dropping the old key too early breaks the entries it authenticated, and says where.
        var withoutOld = HistoryVerifier.Verify(dispute, Keys("k2", ("k2", KeyTwo)), null);
        Assert.Equal((1, HistoryFault.Key), (withoutOld.BrokenAt, withoutOld.Fault));
    }

    [Fact]
    public void A_forger_who_rewrites_an_entry_and_recomputes_every_hash_is_caught_by_the_key()
    {
        var dispute = InReviewWithANote(out _);
        var keys = Keys("k1", ("k1", KeyOne));
        Save(dispute, keys);

        var note = dispute.History.Single(h => h.Action == DisputeAction.InternalNoteAdded);
        Forge(dispute, note, "Tarif vérifié, rien à signaler.");

        // The plain chain, all the old check had, is fooled...
        Assert.Null(dispute.FirstBrokenHistoryEntry());

        // ...the key is not.
        var verdict = HistoryVerifier.Verify(dispute, keys, null);
        Assert.Equal((note.Sequence, HistoryFault.Key), (verdict.BrokenAt, verdict.Fault));
    }

    [Fact]
    public void Truncation_with_the_count_fixed_is_caught_by_the_seal_and_an_edit_by_the_chain()
    {
        var dispute = InReviewWithANote(out _);
        var keys = Keys("k1", ("k1", KeyOne));
        Save(dispute, keys);
        var seal = new HistorySeal(HistorySeal.CurrentFormat, "history-seals/2026/20261203-0000", DateTimeOffset.UtcNow, null, null, [new SealedChain(dispute.Id, dispute.Reference, dispute.HistoryCount, dispute.LastHistoryHash)]);
        Assert.True(HistoryVerifier.Verify(dispute, keys, seal).FullySealed);

        var last = dispute.History.MaxBy(h => h.Sequence)!;
        HistoryList(dispute).Remove(last);
        SetDispute(dispute, nameof(Dispute.HistoryCount), last.Sequence - 1);
        SetDispute(dispute, nameof(Dispute.LastHistoryHash), last.PreviousHash);

        Assert.Null(dispute.FirstBrokenHistoryEntry());
        Assert.True(HistoryVerifier.Verify(dispute, keys, null).Intact);
        var verdict = HistoryVerifier.Verify(dispute, keys, seal);
        Assert.Equal((last.Sequence, HistoryFault.Seal), (verdict.BrokenAt, verdict.Fault));

        var edited = InReviewWithANote(out _);
        Save(edited, keys);
        Set(edited.History[0], nameof(DisputeHistoryEntry.Text), "Autre chose");
        var broken = HistoryVerifier.Verify(edited, keys, null);
        Assert.Equal((1, HistoryFault.Chain), (broken.BrokenAt, broken.Fault));
    }

    [Fact]
    public void Configuration_gives_keys_by_id_and_from_key_files_and_production_needs_a_current_one()
    {
        var folder = Directory.CreateTempSubdirectory("history-keys-");
        try
        {
            File.WriteAllText(Path.Combine(folder.FullName, "k2.key"), Convert.ToBase64String(KeyTwo) + "\n");
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["History:CurrentKeyId"] = "k2",
                ["History:Keys:k1"] = Convert.ToBase64String(KeyOne),
                ["History:KeyFolder"] = folder.FullName,
            }).Build();

            var keys = HistoryKeys.FromConfiguration(configuration);
            Assert.Equal("k2", keys.CurrentKeyId);
            Assert.Equal(["k1", "k2"], keys.KeyIds.Order(StringComparer.Ordinal));
            Assert.Empty(HistoryKeys.Problems(configuration));
        }
        finally
        {
            folder.Delete(recursive: true);
        }

        var empty = new ConfigurationBuilder().Build();
        Assert.True(HistoryKeys.FromConfiguration(empty).IsDemo);
        Assert.Contains(HistoryKeys.Problems(empty), p => p.StartsWith("History:CurrentKeyId", StringComparison.Ordinal));
        var shortKey = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["History:CurrentKeyId"] = "s", ["History:Keys:s"] = "c2hvcnQ=" }).Build();
        Assert.Equal(["History:Keys:s: the key must be 32 bytes or more (base64)"], HistoryKeys.Problems(shortKey));
    }

    // What someone with only database access can do: change a field and recompute every hash after it.
    private static void Forge(Dispute dispute, DisputeHistoryEntry target, string text)
    {
        Set(target, nameof(DisputeHistoryEntry.Text), text);
        var previous = string.Empty;
        foreach (var entry in dispute.History.OrderBy(h => h.Sequence))
        {
            Set(entry, nameof(DisputeHistoryEntry.PreviousHash), previous);
            Set(entry, nameof(DisputeHistoryEntry.Hash), entry.ComputeHash());
            previous = entry.Hash;
        }

        SetDispute(dispute, nameof(Dispute.LastHistoryHash), previous);
    }

    private static void Set(DisputeHistoryEntry entry, string property, object value) =>
        typeof(DisputeHistoryEntry).GetProperty(property)!.SetValue(entry, value);

    private static void SetDispute(Dispute dispute, string property, object value) =>
        typeof(Dispute).GetProperty(property)!.SetValue(dispute, value);

    private static List<DisputeHistoryEntry> HistoryList(Dispute dispute) =>
        (List<DisputeHistoryEntry>)typeof(Dispute)
            .GetField("_history", System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic)!
            .GetValue(dispute)!;
}
