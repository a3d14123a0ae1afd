using Litiges.Accounts;

namespace Litiges.UnitTests.Accounts;

public sealed class EmailAddressRuleTests
{
    [Theory]
    [InlineData("alice@alpha.test")]
    [InlineData("  first.last+tag@sub.company.example ")]
    public void One_plain_address_is_accepted(string address) => Assert.True(EmailAddressRule.IsValid(address));

    [Theory]
    [InlineData("\"Alice\" <alice@alpha.test>")]
    [InlineData("Alice <alice@alpha.test>")]
    [InlineData("<alice@alpha.test>")]
    [InlineData("alice@alpha.test, carol@alpha.test")]
    [InlineData("alice@alpha.test;carol@alpha.test")]
    [InlineData("alice@alpha.test carol@alpha.test")]
    [InlineData("alice")]
    [InlineData("alice@localhost")]
    [InlineData("")]
    [InlineData(null)]
    public void Display_names_lists_and_partial_addresses_are_refused(string? address) => Assert.False(EmailAddressRule.IsValid(address));

    [Fact]
    public void The_attribute_leaves_an_empty_value_to_required() =>
        Assert.True(new SingleEmailAddressAttribute().IsValid(null) && new SingleEmailAddressAttribute().IsValid(string.Empty) && !new SingleEmailAddressAttribute().IsValid("A <a@b.example>"));
}
