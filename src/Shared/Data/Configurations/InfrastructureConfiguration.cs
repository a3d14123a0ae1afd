using Litiges.Accounts;
using Litiges.Customers;
using Litiges.Disputes;
using Litiges.Notifications;
using Litiges.Numbering;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Litiges.Data.Configurations;

internal sealed class DocumentSequenceConfiguration : IEntityTypeConfiguration<DocumentSequence>
{
    public void Configure(EntityTypeBuilder<DocumentSequence> builder)
    {
        builder.HasKey(s => s.Key);
        builder.Property(s => s.Key).HasMaxLength(40);
        builder.Property(s => s.Version).IsConcurrencyToken();
    }
}

internal sealed class OutboxMessageConfiguration : IEntityTypeConfiguration<OutboxMessage>
{
    public void Configure(EntityTypeBuilder<OutboxMessage> builder)
    {
        builder.ToTable("Outbox");
        builder.Property(m => m.Kind).HasMaxLength(64);
        builder.Property(m => m.Recipient).HasMaxLength(320);
        builder.Property(m => m.Subject).HasMaxLength(500);
        builder.Property(m => m.LastError).HasMaxLength(2000);
        builder.Property(m => m.LeaseOwner).HasMaxLength(100);
        builder.Property(m => m.Version).IsConcurrencyToken();
        builder.HasIndex(m => new { m.SentAt, m.FailedAt, m.NextAttemptAt });
        builder.Ignore(m => m.AttachmentList);

        // A task's e-mails answer to its reply address; the task keeps its history, its e-mails only point at it.
        builder.HasOne(m => m.DisputeTask).WithMany().HasForeignKey(m => m.TaskId).OnDelete(DeleteBehavior.SetNull);
    }
}

internal sealed class AppUserConfiguration : IEntityTypeConfiguration<AppUser>
{
    public void Configure(EntityTypeBuilder<AppUser> builder)
    {
        builder.Property(u => u.DisplayName).HasMaxLength(200);
        builder.Property(u => u.Language).HasMaxLength(2);

        // E.164 (at most 15 digits after "+"); STOP finds the users of a number by this index.
        builder.Property(u => u.PhoneNumber).HasMaxLength(16);
        builder.HasIndex(u => u.PhoneNumber);
        builder.Property(u => u.SmsAlerts).HasMaxLength(200);
        builder.Property(u => u.MobileCodeHash).HasMaxLength(64);
        builder.Ignore(u => u.SmsAlertList);
        builder.HasOne<CustomerAccount>().WithMany().HasForeignKey(u => u.CustomerAccountId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Department>().WithMany().HasForeignKey(u => u.DepartmentId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(u => new { u.Kind, u.CustomerAccountId });
    }
}

internal sealed class UserSessionConfiguration : IEntityTypeConfiguration<UserSession>
{
    public void Configure(EntityTypeBuilder<UserSession> builder)
    {
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.Property(s => s.UserId).HasMaxLength(450);
        builder.HasOne<AppUser>().WithMany().HasForeignKey(s => s.UserId).OnDelete(DeleteBehavior.Cascade);

        // Every request reads its session by primary key; ending all of a user's goes by this index.
        builder.HasIndex(s => s.UserId);
    }
}
