using Litiges.Accounts;
using Litiges.Data;
using Litiges.EInvoicing;
using Litiges.Pages.Shared;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Litiges.BackOffice.Pages.EInvoicingPages;

/// <summary>
/// The lifecycle statuses from the PA that could not be acted on, newest first, each with its
/// reason in the reader's language and the message as received. An agent or the credit manager
/// sets one aside once it is dealt with; a message sent again after its cause is fixed is processed
/// and leaves this list by itself.
/// </summary>
[Authorize(Policy = BackOfficePolicies.Disputes)]
public sealed class ParkedModel(LitigesDbContext db, IStringLocalizer t) : PageModel
{
    public const int PageSize = 50;

    public IReadOnlyList<ParkedRow> Messages { get; private set; } = [];

    public PagerModel Pager { get; private set; } = null!;

    public bool CanDismiss => User.IsInRole(StaffRoles.Agent) || User.IsInRole(StaffRoles.CreditManager);

    public async Task OnGetAsync(string? after, CancellationToken cancellationToken)
    {
        var query = db.PlatformStatusMessages.AsNoTracking().Where(m => m.Outcome == StatusOutcome.Parked);
        if (KeysetCursor.TryDecode(after, out var lastId, out _))
        {
            query = query.Where(m => m.Id < lastId);
        }

        var rows = await query
            .OrderByDescending(m => m.Id)
            .Take(PageSize + 1)
            .ToListAsync(cancellationToken);
        Messages = [.. rows.Take(PageSize).Select(m => new ParkedRow(m.Id, m.MessageKey, m.Channel, m.ReceivedAt, m.Attempts, m.StatusCode, m.InvoiceNumber, t[m.ParkReason ?? "Error.Domain.Unknown", [.. m.ParkArgumentList]], m.Content))];
        Pager = new PagerModel(Request, rows.Count > PageSize ? KeysetCursor.Encode(Messages[^1].Id, 0) : null);
    }

    public async Task<IActionResult> OnPostDismissAsync(long messageId, CancellationToken cancellationToken)
    {
        if (!CanDismiss)
        {
            return Forbid();
        }

        var message = await db.PlatformStatusMessages.SingleOrDefaultAsync(m => m.Id == messageId, cancellationToken);
        if (message is null)
        {
            return NotFound();
        }

        try
        {
            message.Dismiss(User.Identity?.Name ?? "?");
            await db.SaveChangesAsync(cancellationToken);
            TempData["Success"] = t["EInvoicing.Dismissed", message.MessageKey].Value;
        }
        catch (DomainException refused)
        {
            TempData["Error"] = Localization.DomainErrors.Message(t, refused);
        }

        return RedirectToPage();
    }

    public sealed record ParkedRow(long Id, string MessageKey, StatusChannel Channel, DateTimeOffset ReceivedAt, int Attempts, int? StatusCode, string? InvoiceNumber, string Reason, string Content);
}
