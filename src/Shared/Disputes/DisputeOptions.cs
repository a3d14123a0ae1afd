namespace Litiges.Disputes;

/// <summary>
/// Rules of the dispute work that the business sets by configuration (section <c>Disputes</c>),
/// read alike by the back office and the portal so that staff and customers see the same rules.
/// </summary>
public sealed class DisputeOptions
{
    /// <summary>How long after its end a dispute may be reopened (<c>Disputes:ReopenWindowDays</c>).</summary>
    public int ReopenWindowDays { get; set; } = 30;

    public TimeSpan ReopenWindow => TimeSpan.FromDays(Math.Max(0, ReopenWindowDays));
}
