namespace Litiges.BackOffice;

/// <summary>Rules of the dispute work that the business sets by configuration (section <c>Disputes</c>).</summary>
public sealed class BackOfficeOptions
{
    /// <summary>How long after its end a dispute may be reopened (<c>Disputes:ReopenWindowDays</c>).</summary>
    public int ReopenWindowDays { get; set; } = 30;

    public TimeSpan ReopenWindow => TimeSpan.FromDays(Math.Max(0, ReopenWindowDays));
}
