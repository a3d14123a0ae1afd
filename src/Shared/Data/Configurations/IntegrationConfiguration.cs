using Litiges.Integration;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Litiges.Data.Configurations;

internal sealed class ApiClientConfiguration : IEntityTypeConfiguration<ApiClient>
{
    public void Configure(EntityTypeBuilder<ApiClient> builder)
    {
        builder.Property(c => c.Name).HasMaxLength(200);
        builder.Property(c => c.KeyPrefix).HasMaxLength(ApiClient.PrefixLength);
        builder.HasIndex(c => c.KeyPrefix).IsUnique();
        builder.Property(c => c.KeyHash).HasMaxLength(64);
        builder.Property(c => c.WebhookSecret).HasMaxLength(64);
        builder.Property(c => c.CreatedByName).HasMaxLength(200);
        builder.Ignore(c => c.IsActive);
    }
}

internal sealed class IdempotencyRecordConfiguration : IEntityTypeConfiguration<IdempotencyRecord>
{
    public void Configure(EntityTypeBuilder<IdempotencyRecord> builder)
    {
        builder.Property(r => r.Key).HasMaxLength(200);
        builder.Property(r => r.RequestHash).HasMaxLength(64);
        builder.Property(r => r.ContentType).HasMaxLength(100);
        builder.HasIndex(r => new { r.ApiClientId, r.Key }).IsUnique();
        builder.HasOne<ApiClient>().WithMany().HasForeignKey(r => r.ApiClientId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class WebhookSubscriptionConfiguration : IEntityTypeConfiguration<WebhookSubscription>
{
    public void Configure(EntityTypeBuilder<WebhookSubscription> builder)
    {
        builder.Property(w => w.Url).HasMaxLength(2000);
        builder.HasOne<ApiClient>().WithMany().HasForeignKey(w => w.ApiClientId).OnDelete(DeleteBehavior.Cascade);
    }
}
