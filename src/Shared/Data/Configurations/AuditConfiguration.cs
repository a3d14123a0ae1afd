using Litiges.Audit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Litiges.Data.Configurations;

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> builder)
    {
        builder.ToTable("AuditLog");
        builder.Property(a => a.ActorUserId).HasMaxLength(450);
        builder.Property(a => a.ActorName).HasMaxLength(AuditEntry.MaxTextLength);
        builder.Property(a => a.SubjectUserId).HasMaxLength(450);
        builder.Property(a => a.Subject).HasMaxLength(AuditEntry.MaxTextLength);
        builder.Property(a => a.Detail).HasMaxLength(AuditEntry.MaxTextLength);
        builder.Property(a => a.IpAddress).HasMaxLength(64);

        // The admin page lists newest first (keyset on Id); a user's lines are found for export and anonymisation.
        builder.HasIndex(a => a.ActorUserId);
        builder.HasIndex(a => a.SubjectUserId);
    }
}
