using Litiges.Customers;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Litiges.Data.Configurations;

internal sealed class CustomerAccountConfiguration : IEntityTypeConfiguration<CustomerAccount>
{
    public void Configure(EntityTypeBuilder<CustomerAccount> builder)
    {
        builder.Property(c => c.CustomerNumber).HasMaxLength(40);
        builder.HasIndex(c => c.CustomerNumber).IsUnique();
        builder.Property(c => c.LegalName).HasMaxLength(200);
        builder.HasIndex(c => c.LegalName);
        builder.Property(c => c.Siren).HasMaxLength(9);
        builder.Property(c => c.VatNumber).HasMaxLength(20);
        builder.Property(c => c.Language).HasMaxLength(2);
        builder.Property(c => c.Currency).HasMaxLength(3);
        builder.Property(c => c.Version).IsConcurrencyToken();
        builder.OwnsOne(c => c.Address, address =>
        {
            address.Property(a => a.Line1).HasMaxLength(200).HasColumnName("AddressLine1");
            address.Property(a => a.Line2).HasMaxLength(200).HasColumnName("AddressLine2");
            address.Property(a => a.PostalCode).HasMaxLength(20).HasColumnName("PostalCode");
            address.Property(a => a.City).HasMaxLength(100).HasColumnName("City");
            address.Property(a => a.Country).HasMaxLength(100).HasColumnName("Country");
        });
        builder.Navigation(c => c.Address).IsRequired();
        builder.OwnsOne(c => c.DeliveryAddress, address => address.MapAddress("Delivery"));
    }
}
