using System.ComponentModel.DataAnnotations;
using Litiges.Accounts;
using Litiges.Data;
using Litiges.Deadlines;
using Litiges.Disputes;
using Litiges.Localization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Litiges.BackOffice.Pages.Disputes;

/// <summary>The dispute file: everything about one dispute, and the acts staff perform on it.</summary>
public sealed class DetailsModel(LitigesDbContext db, DisputeCommands commands, TimeProvider clock, IStringLocalizer t) : PageModel
{
    public DisputeFile Case { get; private set; } = null!;

    /// <summary>The version and history length the user saw; posted back to detect concurrent changes.</summary>
    [BindProperty]
    public int Version { get; set; }

    [BindProperty]
    public int Seen { get; set; }

    [BindProperty]
    [StringLength(Dispute.MaxMessageLength)]
    public string? Text { get; set; }

    public IReadOnlyList<DisputeHistoryEntry> ChangesMeanwhile { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(int id, CancellationToken cancellationToken)
    {
        var file = await LoadAsync(id, cancellationToken);
        if (file is null)
        {
            return NotFound();
        }

        Case = file;
        return Page();
    }

    /// <summary>A post that names no act (an old form, a crafted request) just shows the dispute again.</summary>
    public IActionResult OnPost(int id) => RedirectToPage(new { id });

    public Task<IActionResult> OnPostAcknowledgeAsync(int id) =>
        RunAsync(id, (dispute, actor, now) => dispute.Acknowledge(actor, now), "Details.Acknowledged");

    public Task<IActionResult> OnPostAssignToMeAsync(int id) =>
        RunAsync(id, (dispute, actor, now) => dispute.AssignOwner(actor, actor.UserId, actor.DisplayName, now), "Details.Assigned");

    public Task<IActionResult> OnPostRequestInformationAsync(int id) =>
        RunAsync(id, (dispute, actor, now) => dispute.RequestInformation(actor, Text ?? string.Empty, now), "Details.InformationRequested");

    public Task<IActionResult> OnPostNoteAsync(int id) =>
        RunAsync(id, (dispute, actor, now) => dispute.AddInternalNote(actor, Text ?? string.Empty, now), "Details.NoteAdded");

    public Task<IActionResult> OnPostRejectAsync(int id) =>
        RunAsync(id, (dispute, actor, now) => dispute.Reject(actor, Text ?? string.Empty, now), "Details.Rejected");

    private async Task<IActionResult> RunAsync(int id, Action<Dispute, Actor, DateTimeOffset> act, string doneKey)
    {
        if (!ModelState.IsValid)
        {
            return await RedisplayAsync(id, null);
        }

        var outcome = await commands.RunAsync(User, id, Version, Seen, act, HttpContext.RequestAborted);
        if (!outcome.Found)
        {
            return NotFound();
        }

        if (!outcome.Succeeded)
        {
            ChangesMeanwhile = outcome.ChangesMeanwhile;
            return await RedisplayAsync(id, outcome.Message);
        }

        TempData["Success"] = t[doneKey].Value;
        return RedirectToPage(new { id });
    }

    // A refused act shows the page again with what the user typed, the reason, and what changed.
    private async Task<IActionResult> RedisplayAsync(int id, string? message)
    {
        var file = await LoadAsync(id, HttpContext.RequestAborted);
        if (file is null)
        {
            return NotFound();
        }

        Case = file;
        if (message is not null)
        {
            ModelState.AddModelError(string.Empty, message);
        }

        Version = file.Version;
        Seen = file.HistoryCount;
        ModelState.Remove(nameof(Version));
        ModelState.Remove(nameof(Seen));
        return Page();
    }

    private async Task<DisputeFile?> LoadAsync(int id, CancellationToken cancellationToken)
    {
        var dispute = await db.Disputes.AsNoTracking()
            .VisibleTo(User)
            .Include(d => d.Items).ThenInclude(i => i.Invoice)
            .Include(d => d.Items).ThenInclude(i => i.InvoiceLine)
            .Include(d => d.History)
            .Include(d => d.Messages)
            .Include(d => d.Pauses)
            .AsSplitQuery()
            .SingleOrDefaultAsync(d => d.Id == id, cancellationToken);
        if (dispute is null)
        {
            return null;
        }

        var customer = await db.CustomerAccounts.AsNoTracking().Where(c => c.Id == dispute.CustomerAccountId).Select(c => c.LegalName).SingleAsync(cancellationToken);
        var reason = await db.ReasonCodes.AsNoTracking().Where(r => r.Code == dispute.ReasonCode).Select(r => r.Label).SingleAsync(cancellationToken);
        var department = await db.Departments.AsNoTracking().Where(d => d.Id == dispute.DepartmentId).Select(d => d.Name).SingleAsync(cancellationToken);
        if (!HttpMethods.IsPost(Request.Method))
        {
            Version = dispute.Version;
            Seen = dispute.HistoryCount;
        }

        return new DisputeFile(dispute, customer, reason, department, dispute.Deadlines(clock.GetUtcNow()));
    }

    public sealed record DisputeFile(Dispute Dispute, string Customer, LocalizedText Reason, LocalizedText Department, IReadOnlyList<DeadlineStatus> Deadlines)
    {
        public int Version => Dispute.Version;

        public int HistoryCount => Dispute.HistoryCount;
    }
}
