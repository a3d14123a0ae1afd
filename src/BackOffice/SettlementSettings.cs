namespace Litiges.BackOffice;

/// <summary>Settlement figures that are configuration, not code.</summary>
public static class SettlementSettings
{
    /// <summary>The largest residual staff may write off (<c>Settlements:WriteOffThreshold</c>, 50 by default).</summary>
    public static decimal WriteOffThreshold(IConfiguration configuration) =>
        configuration.GetValue<decimal?>("Settlements:WriteOffThreshold") ?? 50m;
}
