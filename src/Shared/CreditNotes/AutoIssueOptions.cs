namespace Litiges.CreditNotes;

/// <summary>
/// Whether a credit note is issued as soon as the customer accepts it (section
/// <c>Settlements:AutoIssue</c>), instead of waiting for finance. Off by default: issuing is a
/// finance act, and a company turns it on only for settlements within limits.
/// </summary>
public sealed class AutoIssueOptions
{
    public bool Enabled { get; set; }

    /// <summary>
    /// The largest gross amount issued without finance, in the proposal's currency; none means
    /// any amount within the delegation limit of the role that proposed it.
    /// </summary>
    public decimal? MaxAmount { get; set; }
}
