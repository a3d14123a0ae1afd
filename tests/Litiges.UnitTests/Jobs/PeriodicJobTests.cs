using Litiges.Jobs;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Litiges.UnitTests.Jobs;

public sealed class PeriodicJobTests
{
    [Fact]
    public async Task A_failed_pass_is_tried_again_at_the_next_interval()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 6, 1, 8, 0, 0, TimeSpan.Zero));
        using var job = new CountingJob(clock, enabled: true, failFirst: true);

        await job.StartAsync(CancellationToken.None);
        await job.WaitForPassesAsync(1);
        for (var minutes = 0; job.Passes.Count < 2; minutes++)
        {
            Assert.True(minutes < 60, "No second pass within an hour.");
            clock.Advance(TimeSpan.FromMinutes(1));
            await Task.Delay(20);
        }

        await job.StopAsync(CancellationToken.None);

        // The failure did not stop the job; the next pass waited for the interval.
        Assert.Equal(clock.Start, job.Passes[0]);
        Assert.InRange(job.Passes[1] - job.Passes[0], TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(7));
    }

    [Fact]
    public async Task A_job_turned_off_never_runs()
    {
        var clock = new FakeTimeProvider();
        using var job = new CountingJob(clock, enabled: false, failFirst: false);

        await job.StartAsync(CancellationToken.None);
        clock.Advance(TimeSpan.FromHours(1));
        await job.StopAsync(CancellationToken.None);

        Assert.Empty(job.Passes);
    }

    private sealed class CountingJob(FakeTimeProvider clock, bool enabled, bool failFirst) : PeriodicJob(clock, NullLogger.Instance)
    {
        private readonly List<DateTimeOffset> _passes = [];

        public IReadOnlyList<DateTimeOffset> Passes
        {
            get
            {
                lock (_passes)
                {
                    return [.. _passes];
                }
            }
        }

        protected override bool Enabled => enabled;

        protected override TimeSpan Interval => TimeSpan.FromMinutes(5);

        protected override string Name => "Counting job";

        public async Task WaitForPassesAsync(int count)
        {
            for (var waited = 0; Passes.Count < count; waited++)
            {
                Assert.True(waited < 500, $"{count} passes expected, {Passes.Count} seen.");
                await Task.Delay(10);
            }
        }

        protected override Task TickAsync(DateTimeOffset now, CancellationToken cancellationToken)
        {
            int count;
            lock (_passes)
            {
                _passes.Add(now);
                count = _passes.Count;
            }

            return failFirst && count == 1 ? throw new InvalidOperationException("The database is away.") : Task.CompletedTask;
        }
    }
}
