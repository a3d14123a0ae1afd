using Litiges.CreditNotes;
using Litiges.Customers;
using Litiges.Demo;

namespace Litiges.UnitTests.Customers;

/// <summary>The demo and generated companies carry identifiers that pass every check, and addresses whose postal code is their city's.</summary>
public sealed class DemoIdentifiersTests
{
    // The départements of the cities the generator uses: a postal code starts with its département.
    private static readonly Dictionary<string, string> Departement = new(StringComparer.Ordinal)
    {
        ["Lyon"] = "69", ["Paris"] = "75", ["Nantes"] = "44", ["Lille"] = "59", ["Bordeaux"] = "33", ["Toulouse"] = "31", ["Rennes"] = "35", ["Grenoble"] = "38",
    };

    [Fact]
    public void Every_generated_company_has_a_valid_siren_a_matching_vat_number_and_its_citys_postal_code()
    {
        var sirens = new HashSet<string>(StringComparer.Ordinal);
        foreach (var number in Enumerable.Range(1, 2000).Append(70_000_000))
        {
            var (_, siren, vat, address) = DataGenerator.Identity(number);
            Assert.Null(CompanyIdentifiers.SirenProblem(siren));
            Assert.Null(CompanyIdentifiers.VatNumberProblem(vat, siren));
            Assert.Matches("^[0-9]{5}$", address.PostalCode);
            Assert.StartsWith(Departement[address.City], address.PostalCode, StringComparison.Ordinal);
            Assert.True(number == 70_000_000 || sirens.Add(siren), $"SIREN {siren} generated twice");
        }
    }

    [Fact]
    public void The_demo_seller_identity_passes_every_check()
    {
        var seller = new SellerOptions();

        Assert.Null(CompanyIdentifiers.SirenProblem(seller.Siren));
        Assert.Null(CompanyIdentifiers.SiretProblem(seller.Siret, seller.Siren));
        Assert.Null(CompanyIdentifiers.VatNumberProblem(seller.VatNumber, seller.Siren));
        Assert.Equal("75002", seller.PostalCode);
        Assert.Equal("Paris", seller.City);
        Assert.Contains(seller.VatNumber, seller.LegalFooter, StringComparison.Ordinal);
    }

    [Fact]
    public void Generated_companies_are_accepted_by_the_customer_rules()
    {
        var (name, siren, vat, address) = DataGenerator.Identity(42);
        var customer = new CustomerAccount("C000042", name, siren, vat, address);
        Assert.Equal(siren, customer.Siren);
    }
}
