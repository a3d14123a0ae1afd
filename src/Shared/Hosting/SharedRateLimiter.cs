using System.Threading.RateLimiting;
using Litiges.Data;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Litiges.Hosting;

/// <summary>
/// One client's fixed window of one rate limit, kept in the database so that every instance of
/// an app counts the same requests: a client that a load balancer sends to each instance in turn
/// still gets the limit once, not once per instance.
/// </summary>
public sealed class RateLimitWindow
{
    private RateLimitWindow()
    {
        Key = string.Empty;
    }

    internal RateLimitWindow(string key, DateTimeOffset startedAt)
    {
        Key = key;
        StartedAt = startedAt;
        Count = 1;
    }

    /// <summary>The policy and the client: <c>sign-in:203.0.113.7</c>, <c>api:{client id}</c>.</summary>
    public string Key { get; private set; }

    /// <summary>When the client's current window began (its first request in it).</summary>
    public DateTimeOffset StartedAt { get; private set; }

    /// <summary>Requests let through in the current window.</summary>
    public int Count { get; private set; }
}

/// <summary>Where the rate-limit windows are counted: <c>Security:RateLimits:Store</c>.</summary>
public static class RateLimitStore
{
    /// <summary>
    /// <c>Database</c> (the default on PostgreSQL and SQL Server, where several instances may run)
    /// or <c>Memory</c> (per instance; the default on SQLite, which has one instance by nature).
    /// </summary>
    public static bool IsShared(IConfiguration configuration)
    {
        var store = configuration["Security:RateLimits:Store"];
        if (!string.IsNullOrWhiteSpace(store))
        {
            return store.Trim().Equals("Database", StringComparison.OrdinalIgnoreCase)
                || (store.Trim().Equals("Memory", StringComparison.OrdinalIgnoreCase)
                    ? false
                    : throw new InvalidOperationException("Security:RateLimits:Store must be Database or Memory."));
        }

        return !string.Equals(configuration["Database:Provider"] ?? "Sqlite", "Sqlite", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// The partition of one client under one policy: a fixed window of a minute counted in the
    /// database when <paramref name="shared"/>, in this instance's memory otherwise.
    /// </summary>
    public static RateLimitPartition<string> Partition(HttpContext context, bool shared, string key, int permitsPerMinute)
    {
        if (!shared)
        {
            return RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = permitsPerMinute,
                Window = TimeSpan.FromMinutes(1),
                QueueLimit = 0,
            });
        }

        var scopes = context.RequestServices.GetRequiredService<IServiceScopeFactory>();
        var clock = context.RequestServices.GetService<TimeProvider>() ?? TimeProvider.System;
        return RateLimitPartition.Get(key, k => new SharedWindowLimiter(k, permitsPerMinute, TimeSpan.FromMinutes(1), scopes, clock));
    }
}

/// <summary>
/// A fixed window counted in table <c>RateLimitWindows</c>. Each request is one conditional
/// UPDATE (atomic on every provider): it counts the request while the window holds permits, or
/// starts a new window once the old one is over; a client's first request inserts its row.
/// The synchronous attempt never decides (it would block on the database): the middleware then
/// asks asynchronously, which is where the count is taken.
/// </summary>
internal sealed class SharedWindowLimiter(string key, int permits, TimeSpan window, IServiceScopeFactory scopes, TimeProvider clock) : RateLimiter
{
    private long _lastUsed = clock.GetTimestamp();

    public override TimeSpan? IdleDuration => clock.GetElapsedTime(Interlocked.Read(ref _lastUsed));

    public override RateLimiterStatistics? GetStatistics() => null;

    protected override RateLimitLease AttemptAcquireCore(int permitCount) => permitCount == 0 ? Lease.Granted : Lease.Undecided;

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        Interlocked.Exchange(ref _lastUsed, clock.GetTimestamp());
        if (permitCount == 0)
        {
            return Lease.Granted;
        }

        if (permitCount > permits)
        {
            return new Lease(false, window);
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LitigesDbContext>();
        for (var attempt = 0; ; attempt++)
        {
            var now = clock.GetUtcNow();
            var windowStart = now - window;

            // Within the current window, while it has permits left.
            if (await db.RateLimitWindows
                    .Where(w => w.Key == key && w.StartedAt > windowStart && w.Count + permitCount <= permits)
                    .ExecuteUpdateAsync(s => s.SetProperty(w => w.Count, w => w.Count + permitCount), cancellationToken) == 1)
            {
                return Lease.Granted;
            }

            // The window is over: this request starts the next one.
            if (await db.RateLimitWindows
                    .Where(w => w.Key == key && w.StartedAt <= windowStart)
                    .ExecuteUpdateAsync(s => s.SetProperty(w => w.StartedAt, now).SetProperty(w => w.Count, permitCount), cancellationToken) == 1)
            {
                return Lease.Granted;
            }

            var current = await db.RateLimitWindows.AsNoTracking().Where(w => w.Key == key).Select(w => (DateTimeOffset?)w.StartedAt).SingleOrDefaultAsync(cancellationToken);
            if (current is { } startedAt)
            {
                // Full (or another instance just started a new window: asking again settles it).
                if (startedAt > windowStart || attempt > 0)
                {
                    var wait = startedAt + window - now;
                    return new Lease(false, wait > TimeSpan.Zero ? wait : TimeSpan.FromSeconds(1));
                }

                continue;
            }

            // The client's first request: its row. Another instance may insert it at the same moment.
            var row = new RateLimitWindow(key, now);
            db.RateLimitWindows.Add(row);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return Lease.Granted;
            }
            catch (DbUpdateException) when (attempt == 0)
            {
                db.ChangeTracker.Clear();
            }
        }
    }

    private sealed class Lease(bool acquired, TimeSpan? retryAfter) : RateLimitLease
    {
        public static readonly Lease Granted = new(true, null);

        public static readonly Lease Undecided = new(false, null);

        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            if (retryAfter is { } wait && metadataName == MetadataName.RetryAfter.Name)
            {
                metadata = wait;
                return true;
            }

            metadata = null;
            return false;
        }
    }
}
