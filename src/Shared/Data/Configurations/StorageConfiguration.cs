using Litiges.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Litiges.Data.Configurations;

internal sealed class StagedBlobConfiguration : IEntityTypeConfiguration<StagedBlob>
{
    public void Configure(EntityTypeBuilder<StagedBlob> builder)
    {
        builder.HasKey(s => s.BlobName);
        builder.Property(s => s.BlobName).HasMaxLength(200);
        builder.Property(s => s.UserId).HasMaxLength(450);

        // The quota sums a user's rows; the clean-up takes the oldest first.
        builder.HasIndex(s => s.UserId);
        builder.HasIndex(s => s.StagedAt);
    }
}
