using Litiges.Jobs;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Litiges.UnitTests.Jobs;

/// <summary>The clock only moves when the job is waiting on it: each step awaits the job's own signal, never real time.</summary>
public sealed class PeriodicJobTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_failed_pass_is_tried_again_at_the_next_interval()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 6, 1, 8, 0, 0, TimeSpan.Zero));
        using var job = new CountingJob(clock, enabled: true, failFirst: true);

        await job.StartAsync(CancellationToken.None);
        await job.PassesAsync(1).WaitAsync(Patience);

        // Short of the interval nothing runs; the interval itself brings the second pass.
        clock.Advance(TimeSpan.FromMinutes(4));
        Assert.Equal(1, job.Passes);
        clock.Advance(TimeSpan.FromMinutes(1));
        await job.PassesAsync(2).WaitAsync(Patience);
        clock.Advance(TimeSpan.FromMinutes(5));
        await job.PassesAsync(3).WaitAsync(Patience);
        await job.StopAsync(CancellationToken.None);

        // The failure did not stop the job; each pass waited exactly the interval.
        Assert.Equal([clock.Start, clock.Start.AddMinutes(5), clock.Start.AddMinutes(10)], job.Times);
    }

    [Fact]
    public async Task A_job_turned_off_never_runs()
    {
        var clock = new FakeTimeProvider();
        using var job = new CountingJob(clock, enabled: false, failFirst: false);

        await job.StartAsync(CancellationToken.None);
        await job.ExecuteTask!.WaitAsync(Patience);
        clock.Advance(TimeSpan.FromHours(1));
        await job.StopAsync(CancellationToken.None);

        Assert.True(job.ExecuteTask.IsCompletedSuccessfully);
        Assert.Equal(0, job.Passes);
        Assert.Empty(job.Times);
    }

    private sealed class CountingJob(FakeTimeProvider clock, bool enabled, bool failFirst) : PeriodicJob(clock, NullLogger.Instance)
    {
        private readonly List<DateTimeOffset> _times = [];

        public IReadOnlyList<DateTimeOffset> Times
        {
            get
            {
                lock (_times)
                {
                    return [.. _times];
                }
            }
        }

        protected override bool Enabled => enabled;

        protected override TimeSpan Interval => TimeSpan.FromMinutes(5);

        protected override string Name => "Counting job";

        protected override Task TickAsync(DateTimeOffset now, CancellationToken cancellationToken)
        {
            int count;
            lock (_times)
            {
                _times.Add(now);
                count = _times.Count;
            }

            return failFirst && count == 1 ? throw new InvalidOperationException("The database is away.") : Task.CompletedTask;
        }
    }
}
