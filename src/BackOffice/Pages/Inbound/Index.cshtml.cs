using Litiges.Accounts;
using Litiges.Data;
using Litiges.Disputes;
using Litiges.Inbound;
using Litiges.Localization;
using Litiges.Pages.Shared;
using Litiges.Storage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Litiges.BackOffice.Pages.Inbound;

/// <summary>
/// E-mails that could not land on a dispute by themselves (unknown sender, bad or missing reply
/// token, unknown dispute, automatic reply, refused file): an agent reads each one, attaches it
/// to a dispute by its reference (its text becomes the sender's message, its files evidence) or
/// discards it. Newest first, by keyset.
/// </summary>
public sealed class IndexModel(LitigesDbContext db, InboundMailbox mailbox, IStringLocalizer t) : PageModel
{
    public const int PageSize = 50;

    public IReadOnlyList<ParkedRow> Mails { get; private set; } = [];

    public PagerModel Pager { get; private set; } = null!;

    /// <summary>The dispute reference typed for one mail (its id in <c>mailId</c>).</summary>
    [BindProperty]
    public string? Reference { get; set; }

    public async Task OnGetAsync(string? after, CancellationToken cancellationToken)
    {
        var query = db.InboundMails.AsNoTracking().Where(m => m.Status == InboundMailStatus.Parked);
        if (KeysetCursor.TryDecode(after, out var lastId, out _))
        {
            query = query.Where(m => m.Id < lastId);
        }

        var rows = await query
            .OrderByDescending(m => m.Id)
            .Take(PageSize + 1)
            .Select(m => new ParkedRow(m.Id, m.ReceivedAt, m.From, m.FromName, m.Subject, m.Excerpt, m.Reason, m.Detail, db.Disputes.Where(d => d.Id == m.DisputeId).Select(d => d.Reference).FirstOrDefault())
            {
                TaskTitle = db.DisputeTasks.Where(t => t.Id == m.TaskId).Select(t => t.Title).FirstOrDefault(),
            })
            .ToListAsync(cancellationToken);
        Mails = rows.Take(PageSize).ToList();
        Pager = new PagerModel(Request, rows.Count > PageSize ? KeysetCursor.Encode(Mails[^1].Id, 0) : null);
    }

    public async Task<IActionResult> OnPostAttachAsync(int mailId, CancellationToken cancellationToken)
    {
        var mail = await db.InboundMails.SingleOrDefaultAsync(m => m.Id == mailId, cancellationToken);
        if (mail is null)
        {
            return NotFound();
        }

        var reference = Reference?.Trim().ToUpperInvariant() ?? string.Empty;
        var disputeId = await db.Disputes.AsNoTracking().VisibleTo(User).Where(d => d.Reference == reference).Select(d => (int?)d.Id).SingleOrDefaultAsync(cancellationToken);
        if (disputeId is null)
        {
            TempData["Error"] = t["Inbound.NoSuchDispute", Reference ?? string.Empty].Value;
            return RedirectToPage();
        }

        try
        {
            var refused = await mailbox.AttachParkedAsync(mail, disputeId.Value, User.ToActor(), cancellationToken);
            if (refused is null)
            {
                TempData["Success"] = t["Inbound.Attached", reference].Value;
            }
            else
            {
                TempData["Error"] = t["Inbound.NotAttached", reference, refused].Value;
            }
        }
        catch (DomainException refused)
        {
            TempData["Error"] = t.Message(refused);
        }
        catch (StorageUnavailableException)
        {
            TempData["Error"] = t["Details.StorageUnavailable"].Value;
        }

        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostDiscardAsync(int mailId, CancellationToken cancellationToken)
    {
        var mail = await db.InboundMails.SingleOrDefaultAsync(m => m.Id == mailId, cancellationToken);
        if (mail is null)
        {
            return NotFound();
        }

        try
        {
            await mailbox.DiscardAsync(mail, User.ToActor(), cancellationToken);
            TempData["Success"] = t["Inbound.Discarded"].Value;
        }
        catch (DomainException refused)
        {
            TempData["Error"] = t.Message(refused);
        }
        catch (DbUpdateConcurrencyException)
        {
            TempData["Error"] = t["Error.Inbound.AlreadyHandled", mail.Subject].Value;
        }

        return RedirectToPage();
    }

    public sealed record ParkedRow(int Id, DateTimeOffset ReceivedAt, string From, string? FromName, string Subject, string Excerpt, ParkReason Reason, string? Detail, string? DisputeReference)
    {
        /// <summary>The task whose reply address it was sent to: attached, it becomes that task's internal answer.</summary>
        public string? TaskTitle { get; init; }
    }
}
