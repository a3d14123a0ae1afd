using Litiges.Disputes;
using Litiges.UnitTests.Builders;

namespace Litiges.UnitTests.Disputes;

/// <summary>Evidence on a dispute: who may add it, when, who sees it, and the dispute's total.</summary>
public sealed class EvidenceTests
{
    private const long Limit = 100 * 1024 * 1024;

    private static StoredFile File(string name = "bon-de-livraison.pdf", long length = 1000) =>
        new("evidence/2026/06/" + Guid.NewGuid().ToString("N"), name, "application/pdf", length, new string('a', 64));

    [Theory]
    [InlineData(DisputeStatus.Submitted)]
    [InlineData(DisputeStatus.InReview)]
    [InlineData(DisputeStatus.AwaitingCustomer)]
    [InlineData(DisputeStatus.SettlementProposed)]
    [InlineData(DisputeStatus.Accepted)]
    public void A_customer_adds_evidence_while_the_dispute_is_open_and_it_is_always_shared(DisputeStatus status)
    {
        var builder = new DisputeBuilder();
        var dispute = builder.In(status);
        var before = dispute.HistoryCount;

        var evidence = dispute.AttachEvidence(Actors.CustomerOfCompany1, File(), EvidenceVisibility.Internal, Limit, builder.Clock.GetUtcNow());

        Assert.Equal(EvidenceVisibility.Shared, evidence.Visibility);
        Assert.True(evidence.FromCustomer);
        Assert.Equal(Actors.CustomerOfCompany1.DisplayName, evidence.UploadedByName);
        Assert.Equal(1000, dispute.EvidenceBytes);
        var entry = dispute.History[^1];
        Assert.Equal((before + 1, DisputeAction.EvidenceAdded, true, "bon-de-livraison.pdf"), (entry.Sequence, entry.Action, entry.IsPublic, entry.Text));
        Assert.Equal(status, dispute.Status);
    }

    [Theory]
    [InlineData(DisputeStatus.Resolved)]
    [InlineData(DisputeStatus.Rejected)]
    [InlineData(DisputeStatus.Closed)]
    [InlineData(DisputeStatus.Withdrawn)]
    public void A_customer_cannot_add_evidence_once_the_dispute_has_ended(DisputeStatus status)
    {
        var builder = new DisputeBuilder();
        var dispute = builder.In(status);
        var snapshot = DisputeSnapshot.Of(dispute);

        var refused = Assert.Throws<DomainException>(() => dispute.AttachEvidence(Actors.CustomerOfCompany1, File(), EvidenceVisibility.Shared, Limit, builder.Clock.GetUtcNow()));

        Assert.Equal("Dispute.IllegalTransition", refused.Code);
        Assert.Equal(snapshot, DisputeSnapshot.Of(dispute));
        Assert.Empty(dispute.Evidence);
    }

    [Fact]
    public void A_dispute_holds_no_more_files_than_its_limit_whoever_adds_them()
    {
        var builder = new DisputeBuilder();
        var dispute = builder.In(DisputeStatus.InReview);
        dispute.AttachEvidence(Actors.CustomerOfCompany1, File("un.pdf"), EvidenceVisibility.Shared, Limit, builder.Clock.GetUtcNow(), maxFiles: 2);
        dispute.AttachEvidence(Actors.Agent, File("deux.pdf"), EvidenceVisibility.Internal, Limit, builder.Clock.GetUtcNow(), maxFiles: 2);
        var snapshot = DisputeSnapshot.Of(dispute);

        var refused = Assert.Throws<DomainException>(() => dispute.AttachEvidence(Actors.Agent, File("trois.pdf"), EvidenceVisibility.Internal, Limit, builder.Clock.GetUtcNow(), maxFiles: 2));

        Assert.Equal(("Evidence.TooManyFiles", "trois.pdf", 2), (refused.Code, refused.Arguments[0], refused.Arguments[1]));
        Assert.Equal(snapshot, DisputeSnapshot.Of(dispute));
        Assert.Equal(2, dispute.EvidenceCount);
    }

    [Fact]
    public void Another_company_cannot_add_evidence()
    {
        var builder = new DisputeBuilder();
        var dispute = builder.Open();

        var refused = Assert.Throws<DomainException>(() => dispute.AttachEvidence(Actors.CustomerOfCompany2, File(), EvidenceVisibility.Shared, Limit, builder.Clock.GetUtcNow()));

        Assert.Equal("Dispute.NotYourCompany", refused.Code);
        Assert.Empty(dispute.Evidence);
    }

    [Fact]
    public void Staff_may_keep_evidence_internal_and_share_it_later()
    {
        var builder = new DisputeBuilder();
        var dispute = builder.Open();
        var evidence = dispute.AttachEvidence(Actors.Agent, File("note-transporteur.pdf"), EvidenceVisibility.Internal, Limit, builder.Clock.GetUtcNow());

        Assert.Equal(EvidenceVisibility.Internal, evidence.Visibility);
        Assert.False(dispute.History[^1].IsPublic);
        Assert.False(evidence.FromCustomer);
    }

    [Fact]
    public void The_dispute_total_is_capped_and_a_refused_file_changes_nothing()
    {
        var builder = new DisputeBuilder();
        var dispute = builder.Open();
        dispute.AttachEvidence(Actors.CustomerOfCompany1, File("un.pdf", 60), EvidenceVisibility.Shared, 100, builder.Clock.GetUtcNow());
        dispute.AttachEvidence(Actors.CustomerOfCompany1, File("deux.pdf", 40), EvidenceVisibility.Shared, 100, builder.Clock.GetUtcNow());
        var snapshot = DisputeSnapshot.Of(dispute);

        var refused = Assert.Throws<DomainException>(() => dispute.AttachEvidence(Actors.CustomerOfCompany1, File("trois.pdf", 1), EvidenceVisibility.Shared, 100, builder.Clock.GetUtcNow()));

        Assert.Equal("Evidence.DisputeTotalExceeded", refused.Code);
        Assert.Equal("trois.pdf", refused.Arguments[0]);
        Assert.Equal(100, dispute.EvidenceBytes);
        Assert.Equal(2, dispute.Evidence.Count);
        Assert.Equal(snapshot, DisputeSnapshot.Of(dispute));
    }
}
