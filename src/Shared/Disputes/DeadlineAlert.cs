using Litiges.Deadlines;

namespace Litiges.Disputes;

/// <summary>An alert already raised for a deadline (75 % reached or breached), so that each is raised once.</summary>
public sealed class DeadlineAlert
{
    private DeadlineAlert()
    {
    }

    internal DeadlineAlert(DeadlineKind kind, DeadlineState level, DateTimeOffset at)
    {
        Kind = kind;
        Level = level;
        At = at;
    }

    public int Id { get; private set; }

    public DeadlineKind Kind { get; private set; }

    /// <summary><see cref="DeadlineState.DueSoon"/> or <see cref="DeadlineState.Breached"/>.</summary>
    public DeadlineState Level { get; private set; }

    public DateTimeOffset At { get; private set; }
}
