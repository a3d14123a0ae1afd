using Litiges.Deadlines;

namespace Litiges.UnitTests.Deadlines;

public class SlaPolicyTests
{
    [Fact]
    public void Default_policy_is_2_10_30_business_days_and_2_months()
    {
        Assert.Equal(new SlaPolicy(2, 10, 30, 2), SlaPolicy.Default);
    }

    [Theory]
    [InlineData(0, 10, 30, 2)]
    [InlineData(2, -1, 30, 2)]
    [InlineData(2, 10, 0, 2)]
    [InlineData(2, 10, 30, 0)]
    public void Delays_must_be_positive(int acknowledge, int firstAnswer, int resolve, int months)
    {
        Assert.Throws<ArgumentException>(() => new SlaPolicy(acknowledge, firstAnswer, resolve, months));
    }

    [Theory]
    [InlineData(11, 10, 30)]
    [InlineData(2, 31, 30)]
    public void Delays_must_not_decrease_from_acknowledge_to_resolve(int acknowledge, int firstAnswer, int resolve)
    {
        Assert.Throws<ArgumentException>(() => new SlaPolicy(acknowledge, firstAnswer, resolve, 2));
    }

    [Fact]
    public void A_policy_made_invalid_with_a_with_expression_is_refused_by_the_clock()
    {
        var policy = SlaPolicy.Default with { ResolveBusinessDays = 5 };

        Assert.Throws<ArgumentException>(() => SlaPolicy.Validate(policy));
        Assert.Throws<ArgumentException>(() => SlaClock.Evaluate(
            policy, Paris.At(2026, 6, 1, 10), [], null, null, null, Paris.At(2026, 6, 1, 11)));
    }
}
