using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Litiges.Jobs;

/// <summary>
/// A background job that runs one pass, waits its interval on the app's clock, and runs again.
/// A failed pass (the database briefly unavailable, say) is logged and tried again at the next
/// tick; the job stops with the host.
/// </summary>
public abstract class PeriodicJob(TimeProvider clock, ILogger logger) : BackgroundService
{
    private readonly Lock _gate = new();
    private int _passes;
    private TaskCompletionSource _nextPass = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Passes finished so far, failed ones included.</summary>
    public int Passes
    {
        get
        {
            lock (_gate)
            {
                return _passes;
            }
        }
    }

    /// <summary>
    /// Completes once <paramref name="count"/> passes have finished and the wait for the next one
    /// has begun, so that a test moving a fake clock never moves it before the job is waiting on it.
    /// </summary>
    public async Task PassesAsync(int count, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            Task next;
            lock (_gate)
            {
                if (_passes >= count)
                {
                    return;
                }

                next = _nextPass.Task;
            }

            await next.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Whether the job runs at all in this app.</summary>
    protected abstract bool Enabled { get; }

    /// <summary>The wait between two passes.</summary>
    protected abstract TimeSpan Interval { get; }

    /// <summary>What the job is called in the log.</summary>
    protected abstract string Name { get; }

    /// <summary>One pass at <paramref name="now"/>; it logs what it did itself.</summary>
    protected abstract Task TickAsync(DateTimeOffset now, CancellationToken cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Enabled)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await TickAsync(clock.GetUtcNow(), stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "{Job} failed; retrying at the next interval.", Name);
            }

            var wait = Task.Delay(Interval, clock, stoppingToken);
            PassDone();
            try
            {
                await wait;
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void PassDone()
    {
        TaskCompletionSource done;
        lock (_gate)
        {
            _passes++;
            done = _nextPass;
            _nextPass = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        done.SetResult();
    }
}
