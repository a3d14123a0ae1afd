using Litiges.Queue;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Litiges.Data.Configurations;

internal sealed class SavedQueueViewConfiguration : IEntityTypeConfiguration<SavedQueueView>
{
    public void Configure(EntityTypeBuilder<SavedQueueView> builder)
    {
        builder.Property(v => v.UserId).HasMaxLength(450);
        builder.Property(v => v.Name).HasMaxLength(SavedQueueView.MaxNameLength);
        builder.Property(v => v.Query).HasMaxLength(SavedQueueView.MaxQueryLength);

        // A user's views are listed by name; one name a user.
        builder.HasIndex(v => new { v.UserId, v.Name }).IsUnique();
    }
}
