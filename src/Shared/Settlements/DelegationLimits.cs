using Litiges.Disputes;

namespace Litiges.Settlements;

/// <summary>
/// How much each role may offer on its own. Above its limit a proposal waits for a role whose
/// limit covers it. Defaults from DESIGN: agent 500 €, credit manager 5 000 €, finance unlimited.
/// </summary>
public sealed class DelegationLimit
{
    private DelegationLimit()
    {
    }

    public DelegationLimit(ActorRole role, decimal? maxAmount)
    {
        Role = role;
        SetMaximum(maxAmount);
    }

    public ActorRole Role { get; private set; }

    /// <summary>Null means unlimited.</summary>
    public decimal? MaxAmount { get; private set; }

    public void SetMaximum(decimal? maxAmount) =>
        MaxAmount = maxAmount is < 0 ? throw new DomainException("Settlement.LimitNegative") : maxAmount;

    public bool Covers(decimal amount) => MaxAmount is null || amount <= MaxAmount;

    public static IReadOnlyList<DelegationLimit> Defaults() =>
    [
        new(ActorRole.Agent, 500m),
        new(ActorRole.CreditManager, 5000m),
        new(ActorRole.Finance, null),
    ];
}

/// <summary>The limits in force, as a value the domain methods take.</summary>
public sealed class DelegationLimits(IEnumerable<DelegationLimit> limits)
{
    private readonly IReadOnlyList<DelegationLimit> _limits = [.. limits];

    public bool Covers(ActorRole role, decimal amount) => _limits.Any(l => l.Role == role && l.Covers(amount));

    /// <summary>Whether <paramref name="role"/> has a limit at all, and what it is (null: unlimited).</summary>
    public (bool Has, decimal? Max) LimitOf(ActorRole role) =>
        _limits.FirstOrDefault(l => l.Role == role) is { } limit ? (true, limit.MaxAmount) : (false, null);

    /// <summary>The limits in force, smallest first (null: unlimited).</summary>
    public IReadOnlyList<(ActorRole Role, decimal? Max)> All =>
        [.. _limits.OrderBy(l => l.MaxAmount ?? decimal.MaxValue).Select(l => (l.Role, l.MaxAmount))];

    /// <summary>The roles that may approve <paramref name="amount"/>, smallest limit first.</summary>
    public IReadOnlyList<ActorRole> RolesCovering(decimal amount) =>
        [.. _limits.Where(l => l.Covers(amount)).OrderBy(l => l.MaxAmount ?? decimal.MaxValue).Select(l => l.Role)];
}
