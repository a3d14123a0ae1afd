using System.Globalization;
using Litiges.Customers;
using Litiges.Finance;
using Litiges.Localization;

namespace Litiges.UnitTests.Customers;

public sealed class CompanyIdentifiersTests
{
    [Theory]
    [InlineData("552100554")]
    [InlineData("732 829 320")]
    [InlineData("356000000")]
    public void A_siren_whose_luhn_checksum_holds_is_valid(string siren) => Assert.Null(CompanyIdentifiers.SirenProblem(siren));

    [Theory]
    [InlineData("552100555", "Siren.Checksum")]
    [InlineData("123456789", "Siren.Checksum")]
    [InlineData("55210055", "Siren.Format")]
    [InlineData("55210055A", "Siren.Format")]
    [InlineData("", "Siren.Format")]
    [InlineData(null, "Siren.Format")]
    public void A_siren_with_a_wrong_check_digit_or_shape_is_refused(string? siren, string problem) =>
        Assert.Equal(problem, CompanyIdentifiers.SirenProblem(siren));

    [Theory]
    [InlineData("55210055400013")]
    [InlineData("552 100 554 00013")]
    [InlineData("35600000000048")] // La Poste's head office: Luhn holds
    [InlineData("35600000049837")] // a La Poste establishment: digits add up to a multiple of 5, Luhn does not hold
    [InlineData("35600000000010")]
    public void A_siret_is_valid_by_luhn_or_by_la_postes_rule(string siret) => Assert.Null(CompanyIdentifiers.SiretProblem(siret));

    [Theory]
    [InlineData("55210055400014", null, "Siret.Checksum")]
    [InlineData("35600000000011", null, "Siret.Checksum")]
    [InlineData("5521005540001", null, "Siret.Format")]
    [InlineData("55210055400013", "732829320", "Siret.OtherCompany")]
    public void A_siret_with_a_wrong_check_digit_or_of_another_company_is_refused(string siret, string? siren, string problem) =>
        Assert.Equal(problem, CompanyIdentifiers.SiretProblem(siret, siren));

    [Theory]
    [InlineData("552100554", 96)]
    [InlineData("732829320", 44)]
    [InlineData("443061841", 64)]
    [InlineData("123456782", 11)]
    public void The_french_vat_key_is_12_plus_3_times_the_siren_modulo_97_modulo_97(string siren, int key)
    {
        Assert.Equal(key, CompanyIdentifiers.FrenchVatKey(siren));
        Assert.Equal(string.Create(CultureInfo.InvariantCulture, $"FR{key:00}{siren}"), CompanyIdentifiers.FrenchVatNumber(siren));
    }

    [Theory]
    [InlineData("FR96552100554", "552100554")]
    [InlineData("fr 96 552 100 554", null)]
    [InlineData("FRX1552100554", "552100554")] // a key with a letter, allotted by the tax office: shape only
    [InlineData("BE0403170701", null)]
    [InlineData("DE123456789", "552100554")] // a foreign number does not contain a SIREN
    public void A_vat_number_with_the_right_key_is_valid(string vat, string? siren) => Assert.Null(CompanyIdentifiers.VatNumberProblem(vat, siren));

    [Theory]
    [InlineData("FR40552100554", null, "Vat.Key")]
    [InlineData("FR00443061841", null, "Vat.Key")]
    [InlineData("FR44732829320", "552100554", "Vat.OtherCompany")]
    [InlineData("FR9655210055", null, "Vat.Format")]
    [InlineData("552100554", null, "Vat.Format")]
    [InlineData("FR-96-552100554!", null, "Vat.Format")]
    public void A_vat_number_with_a_wrong_key_shape_or_company_is_refused(string vat, string? siren, string problem) =>
        Assert.Equal(problem, CompanyIdentifiers.VatNumberProblem(vat, siren));

    [Theory]
    [InlineData("FR7630006000011234567890189")]
    [InlineData("FR76 3000 6000 0112 3456 7890 189")]
    [InlineData("FR1420041010050500013M02606")]
    [InlineData("GB82WEST12345698765432")]
    public void An_iban_whose_mod_97_is_1_is_valid(string iban) => Assert.Null(Iban.Problem(iban));

    [Theory]
    [InlineData("FR7630006000011234567890188", "Iban.Checksum")]
    [InlineData("GB82WEST12345698765433", "Iban.Checksum")]
    [InlineData("FR763000600001123456789018", "Iban.Format")]
    [InlineData("7630006000011234567890189", "Iban.Format")]
    [InlineData("", "Iban.Format")]
    public void An_iban_with_wrong_check_digits_or_shape_is_refused(string iban, string problem) => Assert.Equal(problem, Iban.Problem(iban));

    [Fact]
    public void Iban_prints_in_groups_of_four() => Assert.Equal("FR76 3000 6000 0112 3456 7890 189", Iban.Format("fr7630006000011234567890189"));

    [Theory]
    [InlineData("Siren.Format")]
    [InlineData("Siren.Checksum")]
    [InlineData("Siret.Format")]
    [InlineData("Siret.Checksum")]
    [InlineData("Siret.OtherCompany")]
    [InlineData("Vat.Format")]
    [InlineData("Vat.Key")]
    [InlineData("Vat.OtherCompany")]
    [InlineData("Iban.Format")]
    [InlineData("Iban.Checksum")]
    public void Every_problem_has_a_message_naming_the_value_in_french_and_english(string problem)
    {
        foreach (var culture in new[] { "fr-FR", "en-GB" })
        {
            Assert.True(TextCatalog.Instance.TryGet("Error.Identifiers." + problem, CultureInfo.GetCultureInfo(culture), out var text), $"{problem} ({culture})");
            Assert.Contains("{0}", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_customer_with_a_siren_failing_luhn_is_refused_with_the_identifier_message()
    {
        var error = Assert.Throws<DomainException>(() => new CustomerAccount("C-1", "Gamma", "552100555", "", new PostalAddress("1 rue", null, "75001", "Paris", "France")));
        Assert.Equal("Identifiers.Siren.Checksum", error.Code);
    }
}
