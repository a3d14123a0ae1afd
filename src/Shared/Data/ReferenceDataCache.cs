using System.Runtime.CompilerServices;
using Litiges.Accounts;
using Litiges.Disputes;
using Litiges.Localization;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Primitives;

namespace Litiges.Data;

/// <summary>
/// The reference data the back office's queue and dispute pages show on every view (reason codes,
/// departments, root causes, the staff who may own a dispute), kept in memory for
/// <see cref="Lifetime"/> instead of read per request (bench/Pages, third pass). A save through
/// this instance's contexts that changes one of those tables empties the cache at once
/// (<see cref="CacheEviction"/>); another instance sees the change within
/// <see cref="Lifetime"/> (docs/deployment.md).
/// <para>
/// Nothing here decides access: which disputes a user sees, the session check and the staff
/// member's roles are read from the database on every request. What is cached is only shown
/// (labels, lists to choose from); an act that names an owner or a code checks it against the
/// database. The cached lists are shared between requests: read them, never change or attach them.
/// </para>
/// </summary>
public sealed class ReferenceDataCache(IMemoryCache cache) : EvictableCache(cache, "litiges:reference:", Lifetime)
{
    /// <summary>How long an instance may show reference data that another instance changed.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);

    /// <summary>Every reason code (active or not), by code.</summary>
    public Task<IReadOnlyList<ReasonCode>> ReasonCodesAsync(LitigesDbContext db, CancellationToken cancellationToken) =>
        GetAsync<IReadOnlyList<ReasonCode>>("reason-codes", async () => await db.ReasonCodes.AsNoTracking().OrderBy(r => r.Code).ToListAsync(cancellationToken));

    /// <summary>The label of every reason code, by code.</summary>
    public Task<IReadOnlyDictionary<string, LocalizedText>> ReasonLabelsAsync(LitigesDbContext db, CancellationToken cancellationToken) =>
        GetAsync<IReadOnlyDictionary<string, LocalizedText>>("reason-labels", async () =>
            (await ReasonCodesAsync(db, cancellationToken)).ToDictionary(r => r.Code, r => r.Label));

    /// <summary>The name of every department, by id.</summary>
    public Task<IReadOnlyDictionary<int, LocalizedText>> DepartmentNamesAsync(LitigesDbContext db, CancellationToken cancellationToken) =>
        GetAsync<IReadOnlyDictionary<int, LocalizedText>>("departments", async () =>
            await db.Departments.AsNoTracking().ToDictionaryAsync(d => d.Id, d => d.Name, cancellationToken));

    /// <summary>Every root cause (active or not), by code.</summary>
    public Task<IReadOnlyList<RootCause>> RootCausesAsync(LitigesDbContext db, CancellationToken cancellationToken) =>
        GetAsync<IReadOnlyList<RootCause>>("root-causes", async () => await db.RootCauses.AsNoTracking().OrderBy(r => r.Code).ToListAsync(cancellationToken));
}

/// <summary>
/// The number of disputes per status that the back-office queue shows on its tabs, per user and
/// filters, kept for <see cref="Lifetime"/> instead of counted on every view: at 100,000 disputes
/// the count reads every dispute's status (about 10 ms on SQLite and PostgreSQL; bench/Pages, fifth
/// pass). A save through this instance's contexts that adds, changes or removes a dispute or a task
/// empties it at once (<see cref="CacheEviction"/>): the agent who acts reads the new counts on the
/// next page. A dispute filed on the portal or changed on another instance is counted within
/// <see cref="Lifetime"/>; the rows of the queue are always read from the database.
/// </summary>
public sealed class QueueCountsCache(IMemoryCache cache) : EvictableCache(cache, "litiges:queue-counts:", Lifetime)
{
    /// <summary>How long a tab may show a count that another process changed.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(10);
}

/// <summary>
/// Values kept in memory under a prefix for a lifetime or until <see cref="EvictAll"/>, whichever
/// comes first (<see cref="CacheEviction"/> calls it when a save changes what they were read from).
/// The values are shared between requests: read them, never change or attach them.
/// </summary>
public abstract class EvictableCache(IMemoryCache cache, string prefix, TimeSpan lifetime)
{
    private CancellationTokenSource evictions = new();

    /// <summary>
    /// A value read by <paramref name="load"/>, kept for the lifetime or until the next eviction,
    /// under <paramref name="key"/> (compared by value: a string, a tuple, a record). A value read
    /// while an eviction happens is returned but not kept: it may predate the change.
    /// </summary>
    public async Task<T> GetAsync<T>(object key, Func<Task<T>> load)
        where T : class
    {
        var fullKey = (prefix, key);
        if (cache.TryGetValue(fullKey, out var found) && found is T value)
        {
            return value;
        }

        var evicted = new CancellationChangeToken(Volatile.Read(ref evictions).Token);
        var loaded = await load();
        using (var entry = cache.CreateEntry(fullKey))
        {
            // An entry whose token was cancelled during the load is dropped by the cache at once.
            entry.AbsoluteExpirationRelativeToNow = lifetime;
            entry.Size = 1;
            entry.AddExpirationToken(evicted);
            entry.Value = loaded;
        }

        return loaded;
    }

    /// <summary>Forgets everything cached: what it was read from changed on this instance.</summary>
    public void EvictAll()
    {
        // Not disposed: a request may be taking its token at this moment (a source without a timer holds nothing to free).
        Interlocked.Exchange(ref evictions, new CancellationTokenSource()).Cancel();
    }
}

/// <summary>
/// Empties the <see cref="ReferenceDataCache"/> when a save adds, changes or removes a reason code,
/// a department, a root cause, a user, a role or a user's role, and the <see cref="QueueCountsCache"/>
/// when it adds, changes or removes a dispute (or what it owns) or a task: before the save (nothing
/// older is cached meanwhile), and again once it is saved (a page that read the old rows during the
/// save does not keep them).
/// </summary>
public sealed class CacheEviction(ReferenceDataCache reference, QueueCountsCache counts) : SaveChangesInterceptor
{
    private static readonly ConditionalWeakTable<DbContext, EvictableCache[]> Pending = new();

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Before(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Before(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        After(eventData.Context);
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        After(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData) => After(eventData.Context);

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        After(eventData.Context);
        return Task.CompletedTask;
    }

    public override void SaveChangesCanceled(DbContextEventData eventData) => After(eventData.Context);

    public override Task SaveChangesCanceledAsync(DbContextEventData eventData, CancellationToken cancellationToken = default)
    {
        After(eventData.Context);
        return Task.CompletedTask;
    }

    private void Before(DbContext? context)
    {
        if (context is null)
        {
            return;
        }

        // Entries() detects changes as the save itself will (unless the caller turned that off).
        var changed = new HashSet<EvictableCache>();
        foreach (var entry in context.ChangeTracker.Entries())
        {
            if (entry.State is not (EntityState.Added or EntityState.Modified or EntityState.Deleted))
            {
                continue;
            }

            // A label (LocalizedText) is owned: its own entry changes, not its owner's; look at the owner.
            var type = entry.Metadata;
            while (type.FindOwnership() is { } ownership)
            {
                type = ownership.PrincipalEntityType;
            }

            if (IsReferenceData(type.ClrType))
            {
                changed.Add(reference);
            }
            else if (type.ClrType == typeof(Dispute) || type.ClrType == typeof(DisputeTask))
            {
                changed.Add(counts);
            }
        }

        if (changed.Count > 0)
        {
            EvictableCache[] caches = [.. changed];
            Array.ForEach(caches, c => c.EvictAll());
            Pending.AddOrUpdate(context, caches);
        }
    }

    private static void After(DbContext? context)
    {
        if (context is not null && Pending.TryGetValue(context, out var caches) && Pending.Remove(context))
        {
            Array.ForEach(caches, c => c.EvictAll());
        }
    }

    private static bool IsReferenceData(Type type) =>
        type == typeof(ReasonCode) || type == typeof(Department) || type == typeof(RootCause) || type == typeof(AppUser)
        || type == typeof(IdentityRole) || type == typeof(IdentityUserRole<string>);
}
