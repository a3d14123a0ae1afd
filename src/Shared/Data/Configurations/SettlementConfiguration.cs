using Litiges.CreditNotes;
using Litiges.Disputes;
using Litiges.Settlements;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Litiges.Data.Configurations;

internal sealed class SettlementProposalConfiguration : IEntityTypeConfiguration<SettlementProposal>
{
    public void Configure(EntityTypeBuilder<SettlementProposal> builder)
    {
        builder.ToTable("SettlementProposals");
        builder.HasOne<Dispute>().WithMany(d => d.Proposals).HasForeignKey(p => p.DisputeId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(p => p.Summary).HasMaxLength(Dispute.MaxMessageLength);
        builder.Property(p => p.Currency).HasMaxLength(3);
        builder.Property(p => p.GesturePercent).HasPrecision(9, 4);
        builder.Property(p => p.GestureCode).HasMaxLength(40);
        builder.Property(p => p.ProposedByUserId).HasMaxLength(450);
        builder.Property(p => p.ProposedByName).HasMaxLength(200);
        builder.Property(p => p.ApprovalRoles).HasMaxLength(100);
        builder.Property(p => p.DecidedByName).HasMaxLength(200);
        builder.Property(p => p.RefusalReason).HasMaxLength(Dispute.MaxMessageLength);
        builder.Property(p => p.RespondedByUserId).HasMaxLength(450);
        builder.Property(p => p.RespondedByName).HasMaxLength(200);
        builder.Property(p => p.RespondedFrom).HasMaxLength(64);
        builder.Property(p => p.CustomerComment).HasMaxLength(Dispute.MaxMessageLength);
        builder.Property(p => p.ExecutedByName).HasMaxLength(200);
        builder.Property(p => p.AnswerContactEmail).HasMaxLength(256);
        builder.Property(p => p.AnswerRecordedByName).HasMaxLength(200);
        builder.Ignore(p => p.AnswerRecordedByStaff);
        builder.Ignore(p => p.IsActive);
        builder.Ignore(p => p.CreditTotal);
        builder.HasIndex(p => new { p.Status, p.ProposedAt });

        builder.OwnsMany(p => p.Credits, credit =>
        {
            credit.ToTable("ProposalCredits");
            credit.WithOwner().HasForeignKey("ProposalId");
            credit.Property<int>("Id");
            credit.HasKey("Id");
            credit.Property(c => c.Description).HasMaxLength(500);
            credit.Property(c => c.Quantity).HasPrecision(18, 4);
            credit.Property(c => c.UnitPrice).HasPrecision(18, 4);
            credit.Property(c => c.VatRate).HasPrecision(9, 4);
            credit.Ignore(c => c.NetAmount);
            credit.Ignore(c => c.VatAmount);
            credit.Ignore(c => c.GrossAmount);
        });
        builder.Navigation(p => p.Credits).UsePropertyAccessMode(PropertyAccessMode.Field);
        builder.HasMany(p => p.Instalments).WithOne().HasForeignKey("ProposalId").OnDelete(DeleteBehavior.Cascade);
        builder.Navigation(p => p.Instalments).UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}

internal sealed class InstalmentConfiguration : IEntityTypeConfiguration<Instalment>
{
    public void Configure(EntityTypeBuilder<Instalment> builder)
    {
        builder.ToTable("Instalments");
        builder.Ignore(i => i.IsPaid);
        builder.Property(i => i.Version).IsConcurrencyToken();
        builder.HasIndex(i => i.DueOn);
    }
}

internal sealed class DelegationLimitConfiguration : IEntityTypeConfiguration<DelegationLimit>
{
    public void Configure(EntityTypeBuilder<DelegationLimit> builder)
    {
        builder.HasKey(l => l.Role);
    }
}

internal sealed class CreditNoteConfiguration : IEntityTypeConfiguration<CreditNote>
{
    public void Configure(EntityTypeBuilder<CreditNote> builder)
    {
        builder.Property(c => c.Number).HasMaxLength(20);
        builder.HasIndex(c => c.Number).IsUnique();
        builder.Property(c => c.IssuedByName).HasMaxLength(200);
        builder.Property(c => c.Currency).HasMaxLength(3);
        builder.Property(c => c.InvoiceNumber).HasMaxLength(40);
        builder.Property(c => c.Reason).HasMaxLength(2000);
        builder.Property(c => c.PdfBlobName).HasMaxLength(200);
        builder.Property(c => c.PdfSha256).HasMaxLength(64);
        builder.Property(c => c.XmlBlobName).HasMaxLength(200);
        builder.Property(c => c.XmlSha256).HasMaxLength(64);
        builder.HasOne<Customers.CustomerAccount>().WithMany().HasForeignKey(c => c.CustomerAccountId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Invoices.Invoice>().WithMany().HasForeignKey(c => c.InvoiceId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Dispute>().WithMany().HasForeignKey(c => c.DisputeId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(c => new { c.CustomerAccountId, c.IssuedAt });
        builder.HasIndex(c => c.IssuedAt);
        builder.OwnsParty(c => c.Seller, "Seller");
        builder.OwnsParty(c => c.Buyer, "Buyer");
        builder.OwnsOne(c => c.DeliveryAddress, address => address.MapAddress("Delivery"));

        builder.OwnsMany(c => c.Lines, line =>
        {
            line.ToTable("CreditNoteLines");
            line.WithOwner().HasForeignKey("CreditNoteId");
            line.HasKey(l => l.Id);
            line.Property(l => l.Description).HasMaxLength(500);
            line.Property(l => l.Quantity).HasPrecision(18, 4);
            line.Property(l => l.UnitPrice).HasPrecision(18, 4);
            line.Property(l => l.VatRate).HasPrecision(9, 4);
            line.Ignore(l => l.GrossAmount);
        });
        builder.Navigation(c => c.Lines).UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}

internal static class PartyMapping
{
    /// <summary>A document's party, copied at issue: SellerLegalName, SellerSiren, SellerAddressLine1...</summary>
    public static void OwnsParty<T>(this EntityTypeBuilder<T> builder, System.Linq.Expressions.Expression<Func<T, PartyIdentity?>> property, string prefix)
        where T : class
    {
        builder.OwnsOne(property, party =>
        {
            party.Property(p => p.LegalName).HasColumnName(prefix + "LegalName").HasMaxLength(200);
            party.Property(p => p.Siren).HasColumnName(prefix + "Siren").HasMaxLength(9);
            party.Property(p => p.VatNumber).HasColumnName(prefix + "VatNumber").HasMaxLength(20);
            party.Property(p => p.LegalForm).HasColumnName(prefix + "LegalForm").HasMaxLength(100);
            party.Property(p => p.ShareCapital).HasColumnName(prefix + "ShareCapital").HasMaxLength(100);
            party.Property(p => p.Siret).HasColumnName(prefix + "Siret").HasMaxLength(14);
            party.OwnsOne(p => p.Address, address =>
            {
                address.Property(a => a.Line1).HasColumnName(prefix + "AddressLine1").HasMaxLength(200);
                address.Property(a => a.Line2).HasColumnName(prefix + "AddressLine2").HasMaxLength(200);
                address.Property(a => a.PostalCode).HasColumnName(prefix + "PostalCode").HasMaxLength(20);
                address.Property(a => a.City).HasColumnName(prefix + "City").HasMaxLength(100);
                address.Property(a => a.Country).HasColumnName(prefix + "Country").HasMaxLength(100);
            });
            party.Navigation(p => p.Address).IsRequired();
        });
        builder.Navigation(property!).IsRequired();
    }

    /// <summary>An optional address: DeliveryAddressLine1, DeliveryPostalCode...</summary>
    public static void MapAddress<T>(this OwnedNavigationBuilder<T, Customers.PostalAddress> address, string prefix)
        where T : class
    {
        address.Property(a => a.Line1).HasColumnName(prefix + "AddressLine1").HasMaxLength(200);
        address.Property(a => a.Line2).HasColumnName(prefix + "AddressLine2").HasMaxLength(200);
        address.Property(a => a.PostalCode).HasColumnName(prefix + "PostalCode").HasMaxLength(20);
        address.Property(a => a.City).HasColumnName(prefix + "City").HasMaxLength(100);
        address.Property(a => a.Country).HasColumnName(prefix + "Country").HasMaxLength(100);
    }
}
