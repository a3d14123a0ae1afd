using Litiges.Settlements;

namespace Litiges.Pages.Shared;

/// <summary>What the consequences panel shows: the figures, for whom (the customer reads "you"), and an id for its heading.</summary>
public sealed record ConsequencesPanel(SettlementConsequences Consequences, bool ForCustomer, string Id, bool IsPreview = false);
