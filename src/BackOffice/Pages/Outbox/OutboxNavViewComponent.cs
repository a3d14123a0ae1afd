using System.Data.Common;
using Litiges.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Litiges.BackOffice.Pages.OutboxMessages;

/// <summary>The menu entry of the outbox, with how many messages are parked as failed (administrators only).</summary>
public sealed class OutboxNavViewComponent(LitigesDbContext db, ILogger<OutboxNavViewComponent> logger) : ViewComponent
{
    public async Task<IViewComponentResult> InvokeAsync()
    {
        try
        {
            // Served by the outbox's (SentAt, FailedAt, NextAttemptAt) index.
            var parked = await db.Outbox.CountAsync(m => m.SentAt == null && m.FailedAt != null, HttpContext.RequestAborted);
            return View(parked);
        }
        catch (Exception error) when (error is DbException or TimeoutException or InvalidOperationException { InnerException: DbException })
        {
            // The menu is also drawn on the error page shown while the database is down: the entry stays, without its count.
            logger.LogWarning(error, "The parked outbox messages could not be counted.");
            return View(0);
        }
    }
}
