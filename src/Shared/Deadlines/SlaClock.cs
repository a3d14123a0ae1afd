namespace Litiges.Deadlines;

/// <summary>
/// Works out a dispute's four deadlines as of a given instant. Pure: the caller passes
/// <c>now</c> from its <see cref="TimeProvider"/>, so the same facts always give the same answer.
/// </summary>
public static class SlaClock
{
    /// <summary>Share of the allowed time after which a deadline is due soon (and the owner alerted).</summary>
    public const double DueSoonThreshold = 0.75;

    /// <summary>The four deadlines, in <see cref="DeadlineKind"/> order.</summary>
    /// <param name="pauses">Times spent waiting for the customer, in any order.</param>
    /// <param name="resolvedAt">When the dispute ended (resolved, rejected, withdrawn).</param>
    public static IReadOnlyList<DeadlineStatus> Evaluate(
        SlaPolicy policy,
        DateTimeOffset submittedAt,
        IReadOnlyList<SlaPause> pauses,
        DateTimeOffset? acknowledgedAt,
        DateTimeOffset? firstAnsweredAt,
        DateTimeOffset? resolvedAt,
        DateTimeOffset now,
        FrenchBusinessCalendar? calendar = null)
    {
        SlaPolicy.Validate(policy);
        ArgumentNullException.ThrowIfNull(pauses);
        var workingCalendar = calendar ?? FrenchBusinessCalendar.Instance;

        var merged = Merge(pauses, submittedAt, now);

        // A later step completes the earlier ones: a resolved dispute has no clock running.
        var firstAnswerCompleted = firstAnsweredAt ?? resolvedAt;
        var acknowledgeCompleted = acknowledgedAt ?? firstAnswerCompleted;

        return
        [
            BusinessDeadline(DeadlineKind.Acknowledge, policy.AcknowledgeBusinessDays, acknowledgeCompleted),
            BusinessDeadline(DeadlineKind.FirstAnswer, policy.FirstAnswerBusinessDays, firstAnswerCompleted),
            BusinessDeadline(DeadlineKind.Resolve, policy.ResolveBusinessDays, resolvedAt),
            HardLimit(workingCalendar.AddMonths(submittedAt, policy.HardLimitMonths), submittedAt, resolvedAt, now),
        ];

        DeadlineStatus BusinessDeadline(DeadlineKind kind, int businessDays, DateTimeOffset? completedAt)
        {
            var due = workingCalendar.AddBusinessDays(submittedAt, businessDays);
            var allowed = workingCalendar.BusinessTimeBetween(submittedAt, due);
            var paused = false;

            foreach (var pause in merged)
            {
                // A pause after completion does not concern this step, and one that starts
                // once the deadline has passed cannot undo a breach already escalated.
                if (pause.Start >= due || (completedAt is { } c && pause.Start >= c))
                {
                    break;
                }

                var end = pause.End ?? now;
                if (completedAt is { } completed && completed < end)
                {
                    end = completed;
                }
                else if (pause.End is null && completedAt is null)
                {
                    paused = true;
                }

                // The clock resumes at the end of the pause with what was left; an open pause
                // is taken to end now, which freezes the due instant while it lasts. A pause
                // never brings a deadline forward, even one spent on a weekend before it.
                var left = workingCalendar.BusinessTimeBetween(pause.Start, due);
                var resumed = workingCalendar.AddBusinessTime(end, left);
                if (resumed > due)
                {
                    due = resumed;
                }
            }

            var at = completedAt ?? now;
            var fraction = Fraction(allowed - workingCalendar.BusinessTimeBetween(at, due), allowed);
            return new DeadlineStatus(
                kind, due, completedAt, StateOf(due, completedAt, now, fraction), fraction, paused);
        }
    }

    /// <summary>
    /// The earliest deadline still running, or null when all are completed; the queue sorts on it.
    /// </summary>
    public static DeadlineStatus? Next(IReadOnlyList<DeadlineStatus> statuses)
    {
        ArgumentNullException.ThrowIfNull(statuses);
        return statuses
            .Where(s => s.CompletedAt is null)
            .OrderBy(s => s.Due)
            .ThenBy(s => s.Kind)
            .FirstOrDefault();
    }

    /// <summary>
    /// The state that most needs attention: a running breach, then one about to happen, then a
    /// step done late, then the rest.
    /// </summary>
    public static DeadlineState Worst(IReadOnlyList<DeadlineStatus> statuses)
    {
        ArgumentNullException.ThrowIfNull(statuses);
        if (statuses.Count == 0)
        {
            throw new ArgumentException("There is no deadline to rank.", nameof(statuses));
        }

        return statuses.Select(s => s.State).MaxBy(Urgency);
    }

    private static int Urgency(DeadlineState state) => state switch
    {
        DeadlineState.Breached => 4,
        DeadlineState.DueSoon => 3,
        DeadlineState.MetLate => 2,
        DeadlineState.OnTime => 1,
        _ => 0,
    };

    private static DeadlineStatus HardLimit(
        DateTimeOffset due, DateTimeOffset submittedAt, DateTimeOffset? resolvedAt, DateTimeOffset now)
    {
        // Calendar time, never paused: it is the date promised to the customer.
        var at = resolvedAt ?? now;
        var fraction = Fraction(at - submittedAt, due - submittedAt);
        return new DeadlineStatus(
            DeadlineKind.HardLimit, due, resolvedAt, StateOf(due, resolvedAt, now, fraction), fraction, Paused: false);
    }

    private static DeadlineState StateOf(
        DateTimeOffset due, DateTimeOffset? completedAt, DateTimeOffset now, double fraction) =>
        completedAt switch
        {
            { } completed => completed <= due ? DeadlineState.Met : DeadlineState.MetLate,
            null when now > due => DeadlineState.Breached,
            null when fraction >= DueSoonThreshold => DeadlineState.DueSoon,
            _ => DeadlineState.OnTime,
        };

    private static double Fraction(TimeSpan elapsed, TimeSpan allowed) =>
        allowed <= TimeSpan.Zero ? 1 : Math.Max(0, elapsed / allowed);

    /// <summary>
    /// Pauses as they stand at <paramref name="now"/>, clipped to the dispute's life, sorted and
    /// with overlaps merged so that no paused time counts twice. An end after now is still open.
    /// </summary>
    private static List<SlaPause> Merge(IReadOnlyList<SlaPause> pauses, DateTimeOffset submittedAt, DateTimeOffset now)
    {
        var merged = new List<SlaPause>();
        foreach (var pause in pauses.OrderBy(p => p.Start))
        {
            if (pause.End < pause.Start)
            {
                throw new ArgumentException("A pause cannot end before it starts.", nameof(pauses));
            }

            var start = pause.Start < submittedAt ? submittedAt : pause.Start;
            var end = pause.End > now ? null : pause.End;
            if (start > now || end <= start)
            {
                continue;
            }

            if (merged.Count > 0 && merged[^1] is var last && (last.End is null || start <= last.End))
            {
                merged[^1] = last with { End = last.End is null || end is null ? null : Max(last.End.Value, end.Value) };
            }
            else
            {
                merged.Add(new SlaPause(start, end));
            }
        }

        return merged;
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
