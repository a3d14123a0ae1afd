using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Litiges.Disputes;
using Litiges.UnitTests.Builders;

namespace Litiges.UnitTests.Disputes;

public class HistoryChainTests
{
    // Opened, acknowledged, note, proposed, accepted, resolved, closed: seven entries.
    private static Dispute ClosedWithANote()
    {
        var builder = new DisputeBuilder();
        var dispute = builder.In(DisputeStatus.InReview);
        dispute.AddInternalNote(Actors.Agent, "Vérifier le tarif 2026.", builder.Clock.GetUtcNow());
        dispute.DriveTo(DisputeStatus.Closed, builder.Clock);
        return dispute;
    }

    [Fact]
    public void Entries_are_numbered_from_one_and_each_carries_the_previous_hash()
    {
        var dispute = ClosedWithANote();
        var history = dispute.History;

        Assert.Equal(Enumerable.Range(1, 7), history.Select(h => h.Sequence));
        Assert.Equal(string.Empty, history[0].PreviousHash);
        for (var i = 1; i < history.Count; i++)
        {
            Assert.Equal(history[i - 1].Hash, history[i].PreviousHash);
        }

        Assert.Equal(7, dispute.HistoryCount);
        Assert.Equal(history[^1].Hash, dispute.LastHistoryHash);
        Assert.Equal(7, history.Select(h => h.Hash).Distinct().Count());
        Assert.All(history, h => Assert.True(h.IsIntact()));
    }

    [Fact]
    public void The_hash_is_the_sha256_of_the_entrys_fields_and_the_previous_hash()
    {
        var dispute = new DisputeBuilder().Open();
        var entry = dispute.History[0];
        var canonical = string.Join(
            '\u001f',
            "1",
            entry.At.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Actors.CustomerOfCompany1.UserId,
            Actors.CustomerOfCompany1.DisplayName,
            "Customer",
            "Opened",
            "Submitted",
            "Submitted",
            dispute.Description,
            "1",
            string.Empty);

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical))), entry.Hash);
        Assert.Matches("^[0-9a-f]{64}$", entry.Hash);
    }

    [Fact]
    public void An_intact_history_has_no_broken_entry()
    {
        Assert.Null(ClosedWithANote().FirstBrokenHistoryEntry());
    }

    [Theory]
    [InlineData(nameof(DisputeHistoryEntry.Text), "Aucune remarque.")]
    [InlineData(nameof(DisputeHistoryEntry.ActorName), "Quelqu'un d'autre")]
    [InlineData(nameof(DisputeHistoryEntry.IsPublic), true)]
    [InlineData(nameof(DisputeHistoryEntry.ToStatus), DisputeStatus.Closed)]
    [InlineData(nameof(DisputeHistoryEntry.ActorRole), ActorRole.Admin)]
    public void A_tampered_entry_is_detected(string property, object value)
    {
        var dispute = ClosedWithANote();
        var note = dispute.History[2];
        Assert.Equal(DisputeAction.InternalNoteAdded, note.Action);

        Tamper(note, property, value);

        Assert.False(note.IsIntact());
        Assert.Equal(3, dispute.FirstBrokenHistoryEntry());
    }

    [Fact]
    public void A_tampered_timestamp_is_detected()
    {
        var dispute = ClosedWithANote();
        var resolved = dispute.History[5];

        Tamper(resolved, nameof(DisputeHistoryEntry.At), resolved.At.AddDays(-3));

        Assert.Equal(6, dispute.FirstBrokenHistoryEntry());
    }

    [Fact]
    public void A_tampered_entry_whose_hash_was_recomputed_breaks_the_link_to_the_next()
    {
        var dispute = ClosedWithANote();
        var note = dispute.History[2];
        Tamper(note, nameof(DisputeHistoryEntry.Text), "Rien à signaler.");
        Tamper(note, nameof(DisputeHistoryEntry.Hash), note.ComputeHash());
        Assert.True(note.IsIntact());

        Assert.Equal(4, dispute.FirstBrokenHistoryEntry());
    }

    [Fact]
    public void A_rewritten_last_entry_does_not_match_the_disputes_last_hash()
    {
        var dispute = ClosedWithANote();
        var last = dispute.History[^1];
        Tamper(last, nameof(DisputeHistoryEntry.Text), "AUTRE");
        Tamper(last, nameof(DisputeHistoryEntry.Hash), last.ComputeHash());

        Assert.NotNull(dispute.FirstBrokenHistoryEntry());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(7)]
    public void A_deleted_entry_is_detected_at_its_sequence(int sequence)
    {
        var dispute = ClosedWithANote();

        var removed = HistoryList(dispute).RemoveAll(h => h.Sequence == sequence);

        Assert.Equal(1, removed);
        Assert.Equal(sequence, dispute.FirstBrokenHistoryEntry());
    }

    [Fact]
    public void Entries_are_checked_in_sequence_order_whatever_order_they_were_loaded_in()
    {
        var dispute = ClosedWithANote();

        HistoryList(dispute).Reverse();

        Assert.Null(dispute.FirstBrokenHistoryEntry());
    }

    private static void Tamper(DisputeHistoryEntry entry, string property, object value) =>
        typeof(DisputeHistoryEntry).GetProperty(property)!.SetValue(entry, value);

    private static List<DisputeHistoryEntry> HistoryList(Dispute dispute) =>
        (List<DisputeHistoryEntry>)typeof(Dispute)
            .GetField("_history", BindingFlags.Instance | BindingFlags.NonPublic)!
            .GetValue(dispute)!;
}
