using Litiges.Customers;
using Litiges.Invoices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Litiges.Data.Configurations;

internal sealed class InvoiceConfiguration : IEntityTypeConfiguration<Invoice>
{
    public void Configure(EntityTypeBuilder<Invoice> builder)
    {
        builder.Property(i => i.Number).HasMaxLength(40);
        builder.HasIndex(i => i.Number).IsUnique();
        builder.Property(i => i.Currency).HasMaxLength(3);
        builder.Property(i => i.PdfBlobName).HasMaxLength(200);
        builder.Property(i => i.Version).IsConcurrencyToken();
        builder.HasOne<CustomerAccount>().WithMany().HasForeignKey(i => i.CustomerAccountId).OnDelete(DeleteBehavior.Restrict);

        // The customer's invoice list pages by (due date, id) within the company.
        builder.HasIndex(i => new { i.CustomerAccountId, i.DueDate, i.Id });
        builder.HasIndex(i => new { i.CustomerAccountId, i.IssueDate });
        // The dashboard's ledger figures read every invoice issued by a date: from this index alone.
        builder.HasIndex(i => new { i.IssueDate, i.OpenBalance, i.TotalGross, i.Id });
        // The few invoices partly held out of dunning, for the dashboard's blocked balances (SQL
        // Server's context writes the filter in its own quoting).
        builder.HasIndex(i => new { i.Id, i.OpenBalance, i.IssueDate, i.CustomerAccountId })
            .HasDatabaseName("IX_Invoices_Blocked")
            .HasFilter("\"BlockedAmount\" > 0");
        builder.Ignore(i => i.DunnableBalance);
        builder.Ignore(i => i.IsBlocked);

        builder.HasMany(i => i.Lines).WithOne().HasForeignKey(l => l.InvoiceId).OnDelete(DeleteBehavior.Cascade);
        builder.Navigation(i => i.Lines).UsePropertyAccessMode(PropertyAccessMode.Field);
        builder.HasMany(i => i.Payments).WithOne().HasForeignKey(p => p.InvoiceId).OnDelete(DeleteBehavior.Cascade);
        builder.Navigation(i => i.Payments).UsePropertyAccessMode(PropertyAccessMode.Field);
        builder.HasMany(i => i.DunningBlocks).WithOne().HasForeignKey(b => b.InvoiceId).OnDelete(DeleteBehavior.Cascade);
        builder.Navigation(i => i.DunningBlocks).UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}

internal sealed class InvoiceLineConfiguration : IEntityTypeConfiguration<InvoiceLine>
{
    public void Configure(EntityTypeBuilder<InvoiceLine> builder)
    {
        builder.Property(l => l.Description).HasMaxLength(500);
        builder.Property(l => l.Quantity).HasPrecision(18, 4);
        builder.Property(l => l.UnitPrice).HasPrecision(18, 4);
        builder.Property(l => l.VatRate).HasPrecision(9, 4);
        builder.Ignore(l => l.GrossAmount);
        builder.HasIndex(l => new { l.InvoiceId, l.LineNumber }).IsUnique();
    }
}

internal sealed class InvoiceDayTotalConfiguration : IEntityTypeConfiguration<InvoiceDayTotal>
{
    public void Configure(EntityTypeBuilder<InvoiceDayTotal> builder)
    {
        builder.Ignore(t => t.IsNothing);
        // The dashboard sums the rows up to a day from this index alone.
        builder.HasIndex(t => new { t.IssueDate, t.Invoices, t.Gross, t.Open });
    }
}

internal sealed class PaymentConfiguration : IEntityTypeConfiguration<Payment>
{
    public void Configure(EntityTypeBuilder<Payment> builder)
    {
        builder.Property(p => p.Reference).HasMaxLength(100);
        builder.HasIndex(p => p.ReceivedOn);
    }
}

internal sealed class DunningBlockConfiguration : IEntityTypeConfiguration<DunningBlock>
{
    public void Configure(EntityTypeBuilder<DunningBlock> builder)
    {
        builder.Ignore(b => b.IsActive);
        builder.HasOne(b => b.Dispute).WithMany().HasForeignKey(b => b.DisputeId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(b => new { b.InvoiceId, b.LiftedAt });
        builder.HasIndex(b => b.PlacedAt);
        builder.HasIndex(b => b.LiftedAt);
    }
}
