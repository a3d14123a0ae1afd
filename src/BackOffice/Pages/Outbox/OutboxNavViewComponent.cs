using Litiges.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Litiges.BackOffice.Pages.OutboxMessages;

/// <summary>The menu entry of the outbox, with how many messages are parked as failed (administrators only).</summary>
public sealed class OutboxNavViewComponent(LitigesDbContext db) : ViewComponent
{
    public async Task<IViewComponentResult> InvokeAsync()
    {
        // Served by the outbox's (SentAt, FailedAt, NextAttemptAt) index.
        var parked = await db.Outbox.CountAsync(m => m.SentAt == null && m.FailedAt != null, HttpContext.RequestAborted);
        return View(parked);
    }
}
