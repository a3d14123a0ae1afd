using Litiges.Deadlines;
using Litiges.Disputes;
using Litiges.Localization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Litiges.Data.Configurations;

internal static class LocalizedTextMapping
{
    /// <summary>Stores a two-language label as two columns: NameFr, NameEn.</summary>
    public static void OwnsText<T>(this EntityTypeBuilder<T> builder, System.Linq.Expressions.Expression<Func<T, LocalizedText?>> property, string prefix, int maxLength)
        where T : class =>
        builder.OwnsOne(property, text =>
        {
            text.Property(t => t.Fr).HasColumnName(prefix + "Fr").HasMaxLength(maxLength);
            text.Property(t => t.En).HasColumnName(prefix + "En").HasMaxLength(maxLength);
        });
}

internal static class SlaPolicyMapping
{
    /// <summary>Stores the deadlines of a reason code or a dispute as four columns: SlaAcknowledgeDays...</summary>
    public static void OwnsSla<T>(this EntityTypeBuilder<T> builder, System.Linq.Expressions.Expression<Func<T, SlaPolicy?>> property)
        where T : class =>
        builder.OwnsOne(property, sla =>
        {
            sla.Property(s => s.AcknowledgeBusinessDays).HasColumnName("SlaAcknowledgeDays");
            sla.Property(s => s.FirstAnswerBusinessDays).HasColumnName("SlaFirstAnswerDays");
            sla.Property(s => s.ResolveBusinessDays).HasColumnName("SlaResolveDays");
            sla.Property(s => s.HardLimitMonths).HasColumnName("SlaHardLimitMonths");
        });
}

internal sealed class ReasonCodeConfiguration : IEntityTypeConfiguration<ReasonCode>
{
    public void Configure(EntityTypeBuilder<ReasonCode> builder)
    {
        builder.HasKey(r => r.Code);
        builder.Property(r => r.Code).HasMaxLength(8);
        builder.OwnsText(r => r.Label, "Label", 200);
        builder.OwnsText(r => r.Details, "Details", 500);
        builder.OwnsText(r => r.AwaitedAction, "AwaitedAction", 200);
        builder.Navigation(r => r.Label).IsRequired();
        builder.Navigation(r => r.Details).IsRequired();
        builder.Navigation(r => r.AwaitedAction).IsRequired();
        builder.HasOne(r => r.Department).WithMany().HasForeignKey(r => r.DepartmentId).OnDelete(DeleteBehavior.Restrict);
        builder.OwnsSla(r => r.Sla);
        builder.Navigation(r => r.Sla).IsRequired();
    }
}

internal sealed class DepartmentConfiguration : IEntityTypeConfiguration<Department>
{
    public void Configure(EntityTypeBuilder<Department> builder)
    {
        builder.Property(d => d.Code).HasMaxLength(40);
        builder.HasIndex(d => d.Code).IsUnique();
        builder.OwnsText(d => d.Name, "Name", 200);
        builder.Navigation(d => d.Name).IsRequired();
    }
}

internal sealed class RootCauseConfiguration : IEntityTypeConfiguration<RootCause>
{
    public void Configure(EntityTypeBuilder<RootCause> builder)
    {
        builder.Property(r => r.Code).HasMaxLength(40);
        builder.HasIndex(r => r.Code).IsUnique();
        builder.OwnsText(r => r.Label, "Label", 200);
        builder.Navigation(r => r.Label).IsRequired();
    }
}
