using Litiges.Deadlines;
using Microsoft.Extensions.Time.Testing;

namespace Litiges.UnitTests.Deadlines;

public class BusinessDateTests
{
    [Fact]
    public void Today_is_the_Paris_date_not_the_UTC_one()
    {
        // 23:30 UTC on 10 March is 00:30 on 11 March in Paris (winter time), 01:30 in summer.
        Assert.Equal(new DateOnly(2026, 3, 11), new FakeTimeProvider(new DateTimeOffset(2026, 3, 10, 23, 30, 0, TimeSpan.Zero)).Today());
        Assert.Equal(new DateOnly(2026, 7, 11), BusinessDate.Of(new DateTimeOffset(2026, 7, 10, 22, 30, 0, TimeSpan.Zero)));
        Assert.Equal(new DateOnly(2026, 7, 10), BusinessDate.Of(new DateTimeOffset(2026, 7, 10, 21, 59, 0, TimeSpan.Zero)));
    }
}
