using Litiges.Audit;
using Litiges.Disputes;
using Microsoft.AspNetCore.Mvc;

namespace Litiges.BackOffice.Pages.Disputes;

/// <summary>
/// The "history intact" banner of a dispute: its chain, each entry's key, and the last seal,
/// checked on every view (docs/decisions/0014).
/// </summary>
public sealed class HistoryIntegrityViewComponent(HistoryVerifier verifier) : ViewComponent
{
    /// <param name="dispute">With its whole history loaded.</param>
    public async Task<IViewComponentResult> InvokeAsync(Dispute dispute) =>
        View(await verifier.VerifyAsync(dispute, HttpContext.RequestAborted));
}
