namespace Litiges.Deadlines;

public enum DeadlineKind
{
    Acknowledge,
    FirstAnswer,
    Resolve,
    HardLimit,
}

public enum DeadlineState
{
    OnTime,
    DueSoon,
    Breached,
    Met,
    MetLate,
}

/// <summary>One deadline of a dispute as of a given instant.</summary>
/// <param name="Due">The last instant still on time.</param>
/// <param name="ElapsedFraction">
/// Share of the allowed time used: 0 at submission, 1 at <paramref name="Due"/>, above 1 once
/// overdue (not capped, so that lateness can be ranked); never negative. Business time net of
/// pauses, except for <see cref="DeadlineKind.HardLimit"/> which runs on calendar time.
/// </param>
/// <param name="Paused">The clock of this deadline is stopped by an open pause.</param>
public sealed record DeadlineStatus(
    DeadlineKind Kind,
    DateTimeOffset Due,
    DateTimeOffset? CompletedAt,
    DeadlineState State,
    double ElapsedFraction,
    bool Paused)
{
    public bool IsCompleted => CompletedAt is not null;
}
