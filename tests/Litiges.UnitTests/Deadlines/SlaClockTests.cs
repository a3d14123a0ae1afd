using Litiges.Deadlines;
using Microsoft.Extensions.Time.Testing;

namespace Litiges.UnitTests.Deadlines;

public class SlaClockTests
{
    private static readonly FrenchBusinessCalendar Calendar = FrenchBusinessCalendar.Instance;

    // Monday 1 June 2026, 10:00 in Paris; no holiday before 14 July.
    private static readonly DateTimeOffset Submitted = Paris.At(2026, 6, 1, 10);

    private static readonly DateTimeOffset AcknowledgeDue = Paris.At(2026, 6, 3, 10);
    private static readonly DateTimeOffset FirstAnswerDue = Paris.At(2026, 6, 15, 10);
    private static readonly DateTimeOffset ResolveDue = Paris.At(2026, 7, 13, 10);

    private static IReadOnlyList<DeadlineStatus> Evaluate(
        DateTimeOffset now,
        IReadOnlyList<SlaPause>? pauses = null,
        DateTimeOffset? acknowledgedAt = null,
        DateTimeOffset? firstAnsweredAt = null,
        DateTimeOffset? resolvedAt = null,
        DateTimeOffset? submittedAt = null) =>
        SlaClock.Evaluate(
            SlaPolicy.Default, submittedAt ?? Submitted, pauses ?? [], acknowledgedAt, firstAnsweredAt, resolvedAt, now);

    private static DeadlineStatus Of(IReadOnlyList<DeadlineStatus> statuses, DeadlineKind kind) =>
        statuses.Single(s => s.Kind == kind);

    [Fact]
    public void A_new_dispute_has_four_deadlines_on_time_in_kind_order()
    {
        var statuses = Evaluate(Submitted);

        Assert.Equal(
            [DeadlineKind.Acknowledge, DeadlineKind.FirstAnswer, DeadlineKind.Resolve, DeadlineKind.HardLimit],
            statuses.Select(s => s.Kind));
        Assert.Equal([AcknowledgeDue, FirstAnswerDue, ResolveDue, Paris.At(2026, 8, 1, 10)], statuses.Select(s => s.Due));
        Assert.All(statuses, s =>
        {
            Assert.Equal(DeadlineState.OnTime, s.State);
            Assert.Equal(0, s.ElapsedFraction);
            Assert.False(s.Paused);
            Assert.Null(s.CompletedAt);
        });
    }

    [Fact]
    public void A_deadline_goes_from_on_time_to_due_soon_at_75_percent_then_to_breached()
    {
        var clock = new FakeTimeProvider(Submitted);

        clock.Advance(TimeSpan.FromHours(36) - TimeSpan.FromMinutes(1));
        Assert.Equal(DeadlineState.OnTime, Of(Evaluate(clock.GetUtcNow()), DeadlineKind.Acknowledge).State);

        clock.Advance(TimeSpan.FromMinutes(1));
        var dueSoon = Of(Evaluate(clock.GetUtcNow()), DeadlineKind.Acknowledge);
        Assert.Equal(DeadlineState.DueSoon, dueSoon.State);
        Assert.Equal(0.75, dueSoon.ElapsedFraction, 6);

        clock.Advance(TimeSpan.FromHours(12));
        var atDue = Of(Evaluate(clock.GetUtcNow()), DeadlineKind.Acknowledge);
        Assert.Equal(AcknowledgeDue, clock.GetUtcNow());
        Assert.Equal(DeadlineState.DueSoon, atDue.State);
        Assert.Equal(1, atDue.ElapsedFraction, 6);

        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(DeadlineState.Breached, Of(Evaluate(clock.GetUtcNow()), DeadlineKind.Acknowledge).State);

        clock.Advance(TimeSpan.FromHours(24));
        Assert.Equal(1.5, Of(Evaluate(clock.GetUtcNow()), DeadlineKind.Acknowledge).ElapsedFraction, 3);
    }

    [Fact]
    public void The_weekend_does_not_count_towards_the_75_percent()
    {
        // Thursday 10:00 + 2 business days = Monday 10:00; 75% (36 h) is reached on Friday 22:00.
        var submitted = Paris.At(2026, 6, 4, 10);
        var clock = new FakeTimeProvider(submitted);

        clock.SetUtcNow(Paris.At(2026, 6, 5, 20));
        Assert.Equal(DeadlineState.OnTime, Acknowledge());

        clock.SetUtcNow(Paris.At(2026, 6, 7, 23));
        Assert.Equal(DeadlineState.DueSoon, Acknowledge());
        Assert.Equal(38.0 / 48, Of(Evaluate(clock.GetUtcNow(), submittedAt: submitted), DeadlineKind.Acknowledge).ElapsedFraction, 6);

        DeadlineState Acknowledge() => Of(Evaluate(clock.GetUtcNow(), submittedAt: submitted), DeadlineKind.Acknowledge).State;
    }

    [Fact]
    public void A_dispute_filed_on_saturday_starts_its_clock_on_monday()
    {
        var saturday = Paris.At(2026, 6, 6, 15);

        var acknowledge = Of(Evaluate(Paris.At(2026, 6, 7, 20), submittedAt: saturday), DeadlineKind.Acknowledge);

        Assert.Equal(Paris.At(2026, 6, 10), acknowledge.Due);
        Assert.Equal(0, acknowledge.ElapsedFraction);
    }

    [Fact]
    public void A_pause_pushes_the_deadlines_back_by_exactly_the_paused_business_time()
    {
        // Wednesday 14:00 to Monday 11:00: 10 + 24 + 24 + 11 = 69 business hours.
        SlaPause[] pauses = [new(Paris.At(2026, 6, 3, 14), Paris.At(2026, 6, 8, 11))];

        var statuses = Evaluate(Paris.At(2026, 6, 9, 9), pauses, acknowledgedAt: Paris.At(2026, 6, 2, 9));

        var firstAnswer = Of(statuses, DeadlineKind.FirstAnswer);
        Assert.Equal(Paris.At(2026, 6, 18, 7), firstAnswer.Due);
        Assert.Equal(TimeSpan.FromHours(69), Calendar.BusinessTimeBetween(FirstAnswerDue, firstAnswer.Due));
        Assert.Equal(TimeSpan.FromHours(69), Calendar.BusinessTimeBetween(ResolveDue, Of(statuses, DeadlineKind.Resolve).Due));
        Assert.False(firstAnswer.Paused);
    }

    [Fact]
    public void A_pause_over_a_weekend_only_pushes_back_its_business_hours()
    {
        SlaPause[] pauses = [new(Paris.At(2026, 6, 5, 18), Paris.At(2026, 6, 8, 9))];

        var firstAnswer = Of(Evaluate(Paris.At(2026, 6, 9, 9), pauses), DeadlineKind.FirstAnswer);

        Assert.Equal(TimeSpan.FromHours(15), Calendar.BusinessTimeBetween(FirstAnswerDue, firstAnswer.Due));
    }

    [Fact]
    public void An_open_pause_freezes_the_elapsed_fraction_and_keeps_the_same_time_left()
    {
        SlaPause[] pauses = [new(Paris.At(2026, 6, 3, 14), null)];
        var clock = new FakeTimeProvider(Paris.At(2026, 6, 5, 12));

        var before = Of(Evaluate(clock.GetUtcNow(), pauses), DeadlineKind.FirstAnswer);
        clock.Advance(TimeSpan.FromDays(9));
        var after = Of(Evaluate(clock.GetUtcNow(), pauses), DeadlineKind.FirstAnswer);

        Assert.True(before.Paused);
        Assert.True(after.Paused);
        // 52 of the 240 business hours were used before the pause.
        Assert.Equal(52.0 / 240, before.ElapsedFraction, 6);
        Assert.Equal(before.ElapsedFraction, after.ElapsedFraction, 6);
        Assert.Equal(TimeSpan.FromHours(188), Calendar.BusinessTimeBetween(clock.GetUtcNow(), after.Due));
    }

    [Fact]
    public void A_paused_deadline_is_not_breached_while_the_pause_lasts_and_resumes_with_what_was_left()
    {
        // Paused one business hour before the first answer was due.
        var pauseStart = Paris.At(2026, 6, 15, 9);
        var clock = new FakeTimeProvider(pauseStart);

        clock.Advance(TimeSpan.FromDays(20));
        var paused = Of(Evaluate(clock.GetUtcNow(), [new(pauseStart, null)]), DeadlineKind.FirstAnswer);
        Assert.True(paused.Paused);
        Assert.Equal(DeadlineState.DueSoon, paused.State);
        Assert.True(paused.Due >= clock.GetUtcNow());

        // The customer answers on Monday 6 July at 14:00: one hour left, due at 15:00.
        var answered = Paris.At(2026, 7, 6, 14);
        SlaPause[] closed = [new(pauseStart, answered)];
        clock.SetUtcNow(answered.AddMinutes(59));
        var resumed = Of(Evaluate(clock.GetUtcNow(), closed), DeadlineKind.FirstAnswer);
        Assert.Equal(Paris.At(2026, 7, 6, 15), resumed.Due);
        Assert.False(resumed.Paused);
        Assert.Equal(DeadlineState.DueSoon, resumed.State);

        clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(DeadlineState.Breached, Of(Evaluate(clock.GetUtcNow(), closed), DeadlineKind.FirstAnswer).State);
    }

    [Fact]
    public void A_pause_after_a_step_was_completed_does_not_move_that_step()
    {
        SlaPause[] pauses = [new(Paris.At(2026, 6, 2, 14), null)];

        var acknowledge = Of(Evaluate(Paris.At(2026, 6, 10), pauses, acknowledgedAt: Paris.At(2026, 6, 2, 9)), DeadlineKind.Acknowledge);

        Assert.Equal(AcknowledgeDue, acknowledge.Due);
        Assert.Equal(DeadlineState.Met, acknowledge.State);
        Assert.False(acknowledge.Paused);
    }

    [Fact]
    public void A_pause_starting_after_the_due_instant_does_not_undo_the_breach()
    {
        SlaPause[] pauses = [new(Paris.At(2026, 6, 16, 9), null)];

        var firstAnswer = Of(
            Evaluate(Paris.At(2026, 6, 17, 9), pauses, acknowledgedAt: Paris.At(2026, 6, 2, 9)),
            DeadlineKind.FirstAnswer);

        Assert.Equal(FirstAnswerDue, firstAnswer.Due);
        Assert.Equal(DeadlineState.Breached, firstAnswer.State);
        Assert.False(firstAnswer.Paused);
    }

    [Fact]
    public void A_step_done_by_its_due_instant_is_met_and_after_it_is_met_late()
    {
        var onTime = Of(Evaluate(Paris.At(2026, 6, 20), acknowledgedAt: AcknowledgeDue), DeadlineKind.Acknowledge);
        var late = Of(Evaluate(Paris.At(2026, 6, 20), acknowledgedAt: AcknowledgeDue.AddMinutes(1)), DeadlineKind.Acknowledge);

        Assert.Equal(DeadlineState.Met, onTime.State);
        Assert.Equal(AcknowledgeDue, onTime.CompletedAt);
        Assert.Equal(1, onTime.ElapsedFraction, 6);
        Assert.Equal(DeadlineState.MetLate, late.State);
    }

    [Fact]
    public void A_step_completed_while_the_clock_is_paused_is_met()
    {
        SlaPause[] pauses = [new(Paris.At(2026, 6, 12, 10), null)];

        var firstAnswer = Of(
            Evaluate(Paris.At(2026, 7, 10), pauses, acknowledgedAt: Paris.At(2026, 6, 2), firstAnsweredAt: Paris.At(2026, 7, 1)),
            DeadlineKind.FirstAnswer);

        Assert.Equal(DeadlineState.Met, firstAnswer.State);
        Assert.False(firstAnswer.Paused);
    }

    [Fact]
    public void Overlapping_pauses_count_their_shared_time_once()
    {
        SlaPause[] pauses =
        [
            new(Paris.At(2026, 6, 2, 10), Paris.At(2026, 6, 2, 16)),
            new(Paris.At(2026, 6, 2, 12), Paris.At(2026, 6, 2, 18)),
        ];

        var firstAnswer = Of(Evaluate(Paris.At(2026, 6, 3), pauses), DeadlineKind.FirstAnswer);

        Assert.Equal(FirstAnswerDue.AddHours(8), firstAnswer.Due);
    }

    [Fact]
    public void A_pause_ending_before_it_starts_is_refused()
    {
        SlaPause[] pauses = [new(Paris.At(2026, 6, 2, 10), Paris.At(2026, 6, 2, 9))];

        Assert.Throws<ArgumentException>(() => Evaluate(Paris.At(2026, 6, 3), pauses));
    }

    [Fact]
    public void The_hard_limit_is_two_calendar_months_and_ignores_pauses()
    {
        SlaPause[] pauses = [new(Paris.At(2026, 6, 2, 10), null)];

        var hardLimit = Of(Evaluate(Paris.At(2026, 7, 30), pauses), DeadlineKind.HardLimit);

        Assert.Equal(Paris.At(2026, 8, 1, 10), hardLimit.Due);
        Assert.False(hardLimit.Paused);
        Assert.Equal(DeadlineState.DueSoon, hardLimit.State);
        Assert.Equal(DeadlineState.Breached, Of(Evaluate(Paris.At(2026, 8, 1, 10, 1), pauses), DeadlineKind.HardLimit).State);
    }

    [Fact]
    public void The_hard_limit_keeps_the_paris_wall_clock_across_the_dst_change()
    {
        var submitted = Paris.At(2026, 2, 15, 10);

        var hardLimit = Of(Evaluate(submitted, submittedAt: submitted), DeadlineKind.HardLimit);

        Assert.Equal(new DateTimeOffset(2026, 4, 15, 8, 0, 0, TimeSpan.Zero), hardLimit.Due);
    }

    [Fact]
    public void Resolving_the_dispute_completes_every_step_and_leaves_nothing_next()
    {
        var resolved = Paris.At(2026, 6, 2, 15);

        var statuses = Evaluate(Paris.At(2026, 9, 1), resolvedAt: resolved);

        Assert.All(statuses, s => Assert.Equal(resolved, s.CompletedAt));
        Assert.All(statuses, s => Assert.Equal(DeadlineState.Met, s.State));
        Assert.Null(SlaClock.Next(statuses));
        Assert.Equal(DeadlineState.Met, SlaClock.Worst(statuses));
    }

    [Fact]
    public void Next_is_the_earliest_deadline_still_running()
    {
        var now = Paris.At(2026, 6, 2, 12);

        Assert.Equal(DeadlineKind.Acknowledge, SlaClock.Next(Evaluate(now))?.Kind);
        Assert.Equal(DeadlineKind.FirstAnswer, SlaClock.Next(Evaluate(now, acknowledgedAt: now))?.Kind);
        Assert.Equal(DeadlineKind.Resolve, SlaClock.Next(Evaluate(now, acknowledgedAt: now, firstAnsweredAt: now))?.Kind);
    }

    [Fact]
    public void Worst_puts_a_running_breach_before_a_warning_and_a_warning_before_a_late_step()
    {
        DeadlineStatus Status(DeadlineState state) => new(DeadlineKind.Resolve, Submitted, null, state, 0, false);

        Assert.Equal(DeadlineState.Breached, SlaClock.Worst([Status(DeadlineState.DueSoon), Status(DeadlineState.Breached)]));
        Assert.Equal(DeadlineState.DueSoon, SlaClock.Worst([Status(DeadlineState.MetLate), Status(DeadlineState.DueSoon)]));
        Assert.Equal(DeadlineState.MetLate, SlaClock.Worst([Status(DeadlineState.OnTime), Status(DeadlineState.MetLate)]));
        Assert.Equal(DeadlineState.OnTime, SlaClock.Worst([Status(DeadlineState.Met), Status(DeadlineState.OnTime)]));
    }
}
