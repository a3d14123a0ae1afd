using Litiges.Data;
using Microsoft.Extensions.DependencyInjection;

namespace Litiges.Kpis;

/// <summary>
/// Runs the dashboard's queries: one after the other on a single context, or side by side, each on
/// a context of its own from a new scope, at most so many at once. A query started here holds its
/// turn for its whole run, so a query must not wait on another one started here.
/// </summary>
internal sealed class KpiQueryRunner : IAsyncDisposable
{
    private readonly LitigesDbContext? _db;
    private readonly IServiceScopeFactory? _scopes;
    private readonly SemaphoreSlim _turns;
    private readonly CancellationToken _cancellationToken;
    private readonly List<Task> _started = [];

    public KpiQueryRunner(LitigesDbContext db, CancellationToken cancellationToken)
    {
        _db = db;
        _turns = new SemaphoreSlim(1);
        _cancellationToken = cancellationToken;
    }

    public KpiQueryRunner(IServiceScopeFactory scopes, int parallelism, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(parallelism, 1);
        _scopes = scopes;
        _turns = new SemaphoreSlim(parallelism);
        _cancellationToken = cancellationToken;
    }

    public Task<T> Start<T>(Func<LitigesDbContext, CancellationToken, Task<T>> query) =>
        Track(Task.Run(() => RunAsync(query), _cancellationToken));

    /// <summary>Remembers a task that starts queries here, so that <see cref="DisposeAsync"/> waits for it too.</summary>
    public Task<T> Track<T>(Task<T> task)
    {
        lock (_started)
        {
            _started.Add(task);
        }

        return task;
    }

    private async Task<T> RunAsync<T>(Func<LitigesDbContext, CancellationToken, Task<T>> query)
    {
        await _turns.WaitAsync(_cancellationToken);
        try
        {
            if (_db is not null)
            {
                return await query(_db, _cancellationToken);
            }

            await using var scope = _scopes!.CreateAsyncScope();
            return await query(scope.ServiceProvider.GetRequiredService<LitigesDbContext>(), _cancellationToken);
        }
        finally
        {
            _turns.Release();
        }
    }

    /// <summary>Waits for every query started (a failed one has already been reported to whoever awaited it), then frees the turns.</summary>
    public async ValueTask DisposeAsync()
    {
        var waited = 0;
        while (true)
        {
            Task[] started;
            lock (_started)
            {
                started = [.. _started];
            }

            if (started.Length == waited)
            {
                break;
            }

            waited = started.Length;
            try
            {
                await Task.WhenAll(started);
            }
            catch (Exception) when (started.Any(t => t.IsFaulted || t.IsCanceled))
            {
                // Already surfaced through the figure that awaited it.
            }
        }

        _turns.Dispose();
    }
}
