using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Litiges.Data;

/// <summary>
/// Builds EF's model of <see cref="LitigesDbContext"/> on a thread of its own as soon as the app
/// starts, while the rest of the start-up (routes, Kestrel, the first anonymous page) goes on
/// beside it: on two cores this takes the model's second or so off the time to the first answer
/// (bench/Pages). The first query waits for the same build if it comes before the build ends (EF
/// builds a model once); nothing is read from the database here.
/// </summary>
public sealed class ModelWarmUp(IServiceScopeFactory scopes, ILogger<ModelWarmUp> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        // A thread rather than the thread pool: the pool starts with one thread per core, and the
        // first requests need them.
        new Thread(Build) { IsBackground = true, Name = "EF model warm-up" }.Start();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void Build()
    {
        try
        {
            using var scope = scopes.CreateScope();
            _ = scope.ServiceProvider.GetRequiredService<LitigesDbContext>().Model;
        }
        catch (Exception ex)
        {
            // The first query builds it then, and reports what is wrong where it is asked for.
            logger.LogWarning(ex, "Building the data model ahead of the first query failed.");
        }
    }
}
