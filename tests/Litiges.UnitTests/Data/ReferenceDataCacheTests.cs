using Litiges.Data;
using Microsoft.Extensions.Caching.Memory;

namespace Litiges.UnitTests.Data;

public sealed class ReferenceDataCacheTests
{
    private sealed class Value;

    [Fact]
    public async Task A_value_is_read_once_then_again_after_an_eviction()
    {
        using var memory = new MemoryCache(new MemoryCacheOptions());
        var cache = new ReferenceDataCache(memory);
        var reads = 0;
        Task<Value> Load()
        {
            reads++;
            return Task.FromResult(new Value());
        }

        var first = await cache.GetAsync("list", Load);
        Assert.Same(first, await cache.GetAsync("list", Load));
        Assert.Equal(1, reads);

        cache.EvictAll();
        var second = await cache.GetAsync("list", Load);
        Assert.NotSame(first, second);
        Assert.Equal(2, reads);
        Assert.Same(second, await cache.GetAsync("list", Load));
    }

    [Fact]
    public async Task A_value_read_while_an_eviction_happens_is_not_kept()
    {
        using var memory = new MemoryCache(new MemoryCacheOptions());
        var cache = new ReferenceDataCache(memory);

        // The rows were read before a save changed them: the page may show them, the cache must not keep them.
        var during = await cache.GetAsync("list", () =>
        {
            cache.EvictAll();
            return Task.FromResult(new Value());
        });
        var after = await cache.GetAsync("list", () => Task.FromResult(new Value()));
        Assert.NotSame(during, after);
    }

    [Fact]
    public async Task An_entry_expires_after_the_lifetime()
    {
        var clock = new ManualClock();
        using var memory = new MemoryCache(new MemoryCacheOptions { Clock = clock });
        var cache = new ReferenceDataCache(memory);
        var first = await cache.GetAsync("list", () => Task.FromResult(new Value()));
        clock.UtcNow += ReferenceDataCache.Lifetime - TimeSpan.FromSeconds(1);
        Assert.Same(first, await cache.GetAsync("list", () => Task.FromResult(new Value())));
        clock.UtcNow += TimeSpan.FromSeconds(2);
        Assert.NotSame(first, await cache.GetAsync("list", () => Task.FromResult(new Value())));
    }

#pragma warning disable CS0618 // MemoryCacheOptions.Clock still takes an ISystemClock.
    private sealed class ManualClock : Microsoft.Extensions.Internal.ISystemClock
    {
        public DateTimeOffset UtcNow { get; set; } = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);
    }
#pragma warning restore CS0618
}
