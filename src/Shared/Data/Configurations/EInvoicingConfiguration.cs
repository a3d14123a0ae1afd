using Litiges.EInvoicing;
using Litiges.Invoices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Litiges.Data.Configurations;

internal sealed class PlatformStatusMessageConfiguration : IEntityTypeConfiguration<PlatformStatusMessage>
{
    public void Configure(EntityTypeBuilder<PlatformStatusMessage> builder)
    {
        builder.Property(m => m.MessageKey).HasMaxLength(200);
        builder.HasIndex(m => m.MessageKey).IsUnique();
        builder.Property(m => m.InvoiceNumber).HasMaxLength(200);
        builder.Property(m => m.ParkReason).HasMaxLength(100);
        builder.Property(m => m.ParkArguments).HasMaxLength(2000);
        builder.Property(m => m.DismissedBy).HasMaxLength(200);
        builder.Ignore(m => m.ParkArgumentList);

        // The agents' list of parked messages, newest first.
        builder.HasIndex(m => new { m.Outcome, m.Id });
        builder.HasOne<Invoice>().WithMany().HasForeignKey(m => m.InvoiceId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class InvoiceLifecycleConfiguration : IEntityTypeConfiguration<InvoiceLifecycle>
{
    public void Configure(EntityTypeBuilder<InvoiceLifecycle> builder)
    {
        builder.HasKey(l => l.InvoiceId);
        builder.Property(l => l.InvoiceId).ValueGeneratedNever();
        builder.Property(l => l.MessageKey).HasMaxLength(200);
        builder.HasOne<Invoice>().WithOne().HasForeignKey<InvoiceLifecycle>(l => l.InvoiceId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class SellerStatusMessageConfiguration : IEntityTypeConfiguration<SellerStatusMessage>
{
    public void Configure(EntityTypeBuilder<SellerStatusMessage> builder)
    {
        builder.Property(m => m.MessageId).HasMaxLength(100);
        builder.HasIndex(m => m.MessageId).IsUnique();
        builder.Property(m => m.InvoiceNumber).HasMaxLength(200);
        builder.HasIndex(m => m.PaymentId).IsUnique();
        builder.HasIndex(m => m.DeliveredAt);
        builder.Ignore(m => m.FileName);
        builder.HasOne<Invoice>().WithMany().HasForeignKey(m => m.InvoiceId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Payment>().WithMany().HasForeignKey(m => m.PaymentId).OnDelete(DeleteBehavior.Restrict);
    }
}
