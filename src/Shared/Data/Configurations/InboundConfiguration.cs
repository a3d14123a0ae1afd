using Litiges.Inbound;
using Litiges.Jobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Litiges.Data.Configurations;

internal sealed class InboundMailConfiguration : IEntityTypeConfiguration<InboundMail>
{
    public void Configure(EntityTypeBuilder<InboundMail> builder)
    {
        builder.Property(m => m.MessageId).HasMaxLength(300);
        builder.Property(m => m.From).HasMaxLength(320);
        builder.Property(m => m.FromName).HasMaxLength(200);
        builder.Property(m => m.To).HasMaxLength(320);
        builder.Property(m => m.Subject).HasMaxLength(InboundMail.MaxSubjectLength);
        builder.Property(m => m.Excerpt).HasMaxLength(InboundMail.MaxExcerptLength);
        builder.Property(m => m.Detail).HasMaxLength(1000);
        builder.Property(m => m.RawBlobName).HasMaxLength(200);
        builder.Property(m => m.HandledBy).HasMaxLength(200);
        builder.Property(m => m.Status).HasConversion<string>().HasMaxLength(20);
        builder.Property(m => m.Reason).HasConversion<string>().HasMaxLength(30);
        builder.Property(m => m.Version).IsConcurrencyToken();

        // A message is taken once, whichever instance or source reads it first.
        builder.HasIndex(m => m.MessageId).IsUnique();

        // The agents' list: parked mails, newest first.
        builder.HasIndex(m => new { m.Status, m.Id });
    }
}

internal sealed class JobLeaseConfiguration : IEntityTypeConfiguration<JobLease>
{
    public void Configure(EntityTypeBuilder<JobLease> builder)
    {
        builder.HasKey(l => l.Name);
        builder.Property(l => l.Name).HasMaxLength(100);
        builder.Property(l => l.Owner).HasMaxLength(100);
    }
}

internal sealed class RateLimitWindowConfiguration : IEntityTypeConfiguration<Hosting.RateLimitWindow>
{
    public void Configure(EntityTypeBuilder<Hosting.RateLimitWindow> builder)
    {
        builder.HasKey(w => w.Key);
        builder.Property(w => w.Key).HasMaxLength(200);
    }
}
