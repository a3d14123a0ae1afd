using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Litiges.Data;

/// <summary>
/// The data models at start-up, first of the hosted services. The key ring's model (one table) is
/// built at once: EF builds every model of the app under one lock, and the key ring, read when the
/// app starts, would otherwise wait there for a background job's first query to build the whole
/// model (over a second on two cores, bench/Pages). Then <see cref="LitigesDbContext"/>'s model is
/// built on a thread of its own while the rest of the start-up (routes, Kestrel, the first anonymous
/// page) goes on beside it. A query that comes before that build ends waits for it (EF builds a
/// model once); nothing is read from the database here.
/// </summary>
public sealed class ModelWarmUp(IServiceScopeFactory scopes, ILogger<ModelWarmUp> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        Build<KeyRingContext>();

        // A thread rather than the thread pool: the pool starts with one thread per core, and the
        // first requests need them.
        new Thread(Build<LitigesDbContext>) { IsBackground = true, Name = "EF model warm-up" }.Start();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void Build<TContext>()
        where TContext : DbContext
    {
        try
        {
            using var scope = scopes.CreateScope();
            _ = scope.ServiceProvider.GetRequiredService<TContext>().Model;
        }
        catch (Exception ex)
        {
            // The first query builds it then, and reports what is wrong where it is asked for.
            logger.LogWarning(ex, "Building the data model of {Context} ahead of the first query failed.", typeof(TContext).Name);
        }
    }
}
