using Litiges.Customers;
using Litiges.Disputes;
using Litiges.Invoices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Litiges.Data.Configurations;

internal sealed class DisputeConfiguration : IEntityTypeConfiguration<Dispute>
{
    public void Configure(EntityTypeBuilder<Dispute> builder)
    {
        builder.Property(d => d.Reference).HasMaxLength(20);
        builder.HasIndex(d => d.Reference).IsUnique();
        builder.Property(d => d.ReasonCode).HasMaxLength(8);
        builder.Property(d => d.Description).HasMaxLength(Dispute.MaxDescriptionLength);
        builder.Property(d => d.ContactName).HasMaxLength(200);
        builder.Property(d => d.ContactEmail).HasMaxLength(256);
        builder.Property(d => d.ContactPhone).HasMaxLength(40);
        builder.Property(d => d.OwnerUserId).HasMaxLength(450);
        builder.Property(d => d.OwnerName).HasMaxLength(200);
        builder.Property(d => d.Currency).HasMaxLength(3);
        builder.Property(d => d.RejectionReason).HasMaxLength(Dispute.MaxMessageLength);
        builder.Property(d => d.LastHistoryHash).HasMaxLength(64);
        builder.Property(d => d.Version).IsConcurrencyToken();
        builder.Ignore(d => d.IsOpen);
        builder.Ignore(d => d.Amount);
        builder.Ignore(d => d.PendingEvents);

        builder.HasOne<CustomerAccount>().WithMany().HasForeignKey(d => d.CustomerAccountId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<ReasonCode>().WithMany().HasForeignKey(d => d.ReasonCode).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Department>().WithMany().HasForeignKey(d => d.DepartmentId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<RootCause>().WithMany().HasForeignKey(d => d.RootCauseId).OnDelete(DeleteBehavior.Restrict);

        builder.OwnsSla(d => d.Sla);
        builder.Navigation(d => d.Sla).IsRequired();

        // Lists page by keyset: the company's disputes by submission, the queue by status and age.
        builder.HasIndex(d => new { d.CustomerAccountId, d.SubmittedAt, d.Id });
        builder.HasIndex(d => new { d.Status, d.SubmittedAt, d.Id });
        builder.HasIndex(d => new { d.OwnerUserId, d.Status });
        builder.HasIndex(d => new { d.DepartmentId, d.Status });

        // The dashboard counts and sums most disputes submitted or decided in a period, filtered on
        // these columns: read from these indexes alone, not row by row from the table.
        builder.HasIndex(d => new { d.SubmittedAt, d.Status, d.ReasonCode, d.DepartmentId, d.OwnerUserId, d.CustomerAccountId, d.DisputedAmount });
        builder.HasIndex(d => new { d.EndedAt, d.Status, d.ReasonCode, d.DepartmentId, d.OwnerUserId, d.CustomerAccountId, d.DisputedAmount, d.EndedWithinSla, d.RootCauseId, d.ResolutionDays });

        builder.HasMany(d => d.Items).WithOne().HasForeignKey(i => i.DisputeId).OnDelete(DeleteBehavior.Cascade);
        builder.Navigation(d => d.Items).UsePropertyAccessMode(PropertyAccessMode.Field);
        builder.HasMany(d => d.History).WithOne().HasForeignKey(h => h.DisputeId).OnDelete(DeleteBehavior.Cascade);
        builder.Navigation(d => d.History).UsePropertyAccessMode(PropertyAccessMode.Field);
        builder.HasMany(d => d.Messages).WithOne().HasForeignKey(m => m.DisputeId).OnDelete(DeleteBehavior.Cascade);
        builder.Navigation(d => d.Messages).UsePropertyAccessMode(PropertyAccessMode.Field);
        builder.OwnsMany(d => d.Pauses, pause =>
        {
            pause.ToTable("DisputeSlaPauses");
            pause.WithOwner().HasForeignKey("DisputeId");
            pause.HasKey(p => p.Id);
        });
        builder.Navigation(d => d.Pauses).UsePropertyAccessMode(PropertyAccessMode.Field);
        builder.HasMany(d => d.Evidence).WithOne().HasForeignKey(e => e.DisputeId).OnDelete(DeleteBehavior.Cascade);
        builder.Navigation(d => d.Evidence).UsePropertyAccessMode(PropertyAccessMode.Field);
        builder.HasMany(d => d.Tasks).WithOne().HasForeignKey(t => t.DisputeId).OnDelete(DeleteBehavior.Cascade);
        builder.Navigation(d => d.Tasks).UsePropertyAccessMode(PropertyAccessMode.Field);
        builder.OwnsMany(d => d.DeadlineAlerts, alert =>
        {
            alert.ToTable("DisputeDeadlineAlerts");
            alert.WithOwner().HasForeignKey("DisputeId");
            alert.HasKey(a => a.Id);
            alert.HasIndex(a => new { a.Level, a.At });
        });
        builder.Navigation(d => d.DeadlineAlerts).UsePropertyAccessMode(PropertyAccessMode.Field);

        // The queue sorts and filters on the next deadline and its state; it also pages every open
        // dispute by amount at stake and by age, which the status-first index cannot give in order.
        builder.HasIndex(d => new { d.NextDeadlineAt, d.Id });
        builder.HasIndex(d => new { d.WorstDeadlineState, d.NextDeadlineAt });
        builder.HasIndex(d => new { d.DisputedAmount, d.Id });
        builder.HasIndex(d => new { d.SubmittedAt, d.Id });
    }
}

internal sealed class EvidenceConfiguration : IEntityTypeConfiguration<Evidence>
{
    public void Configure(EntityTypeBuilder<Evidence> builder)
    {
        builder.Property(e => e.BlobName).HasMaxLength(200);
        builder.Property(e => e.FileName).HasMaxLength(255);
        builder.Property(e => e.ContentType).HasMaxLength(100);
        builder.Property(e => e.Sha256).HasMaxLength(64);
        builder.Property(e => e.UploadedByUserId).HasMaxLength(450);
        builder.Property(e => e.UploadedByName).HasMaxLength(200);
        builder.HasIndex(e => new { e.DisputeId, e.UploadedAt });

        // The blob clean-up asks, blob by blob, whether a row still holds it.
        builder.HasIndex(e => e.BlobName);
    }
}

internal sealed class DisputeTaskConfiguration : IEntityTypeConfiguration<DisputeTask>
{
    public void Configure(EntityTypeBuilder<DisputeTask> builder)
    {
        builder.ToTable("DisputeTasks");
        builder.Property(t => t.Title).HasMaxLength(DisputeTask.MaxTitleLength);
        builder.Property(t => t.AssigneeUserId).HasMaxLength(450);
        builder.Property(t => t.AssigneeName).HasMaxLength(200);
        builder.Property(t => t.CreatedByName).HasMaxLength(200);
        builder.Property(t => t.CompletedByName).HasMaxLength(200);
        builder.Property(t => t.Outcome).HasMaxLength(Dispute.MaxMessageLength);
        builder.HasOne<Department>().WithMany().HasForeignKey(t => t.DepartmentId).OnDelete(DeleteBehavior.Restrict);

        // Resolvers' task lists and the overdue chaser.
        builder.HasIndex(t => new { t.DepartmentId, t.Status, t.DueOn });
        builder.HasIndex(t => new { t.AssigneeUserId, t.Status, t.DueOn });
        builder.HasIndex(t => new { t.Status, t.DueOn });
    }
}

internal sealed class DisputedItemConfiguration : IEntityTypeConfiguration<DisputedItem>
{
    public void Configure(EntityTypeBuilder<DisputedItem> builder)
    {
        builder.Property(i => i.Quantity).HasPrecision(18, 4);
        builder.HasOne(i => i.Invoice).WithMany().HasForeignKey(i => i.InvoiceId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(i => i.InvoiceLine).WithMany().HasForeignKey(i => i.InvoiceLineId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(i => i.InvoiceId);
    }
}

internal sealed class DisputeHistoryEntryConfiguration : IEntityTypeConfiguration<DisputeHistoryEntry>
{
    public void Configure(EntityTypeBuilder<DisputeHistoryEntry> builder)
    {
        builder.ToTable("DisputeHistory");
        builder.Property(h => h.ActorUserId).HasMaxLength(450);
        builder.Property(h => h.ActorName).HasMaxLength(200);
        builder.Property(h => h.Text).HasMaxLength(Dispute.MaxMessageLength);
        builder.Property(h => h.PreviousHash).HasMaxLength(64);
        builder.Property(h => h.Hash).HasMaxLength(64);
        builder.Property(h => h.EvidenceSha256).HasMaxLength(64);
        builder.Property(h => h.KeyId).HasMaxLength(40);
        builder.Property(h => h.Mac).HasMaxLength(64);
        // Not unique on purpose: a concurrent writer's entry must fail on the dispute's version
        // check (a clear conflict), not on this index. The hash chain catches any duplicate.
        builder.HasIndex(h => new { h.DisputeId, h.Sequence });
    }
}

internal sealed class DisputeMessageConfiguration : IEntityTypeConfiguration<DisputeMessage>
{
    public void Configure(EntityTypeBuilder<DisputeMessage> builder)
    {
        builder.Property(m => m.AuthorUserId).HasMaxLength(450);
        builder.Property(m => m.AuthorName).HasMaxLength(200);
        builder.Property(m => m.Body).HasMaxLength(Dispute.MaxMessageLength);
        builder.HasIndex(m => new { m.DisputeId, m.At });
    }
}
