using Litiges.Data;
using Litiges.Deadlines;
using Litiges.Disputes;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Litiges.BackOffice.Pages.Disputes;

/// <summary>The sections of a dispute's workspace, one tab each: a page of its own or an anchor of the dispute page.</summary>
public enum WorkspaceTab
{
    Thread,
    Evidence,
    Invoices,
    Settlement,
    Tasks,
    History,
}

/// <summary>
/// The header every section of a dispute shows: who, how much is claimed, credited and still due,
/// where it stands, and its deadlines.
/// </summary>
public sealed record DisputeSummary(
    int Id,
    string Reference,
    DisputeStatus Status,
    DisputePriority Priority,
    string Customer,
    string Currency,
    decimal Claimed,
    decimal Credited,
    decimal StillDue,
    IReadOnlyList<DeadlineStatus> Deadlines,
    int Version,
    int HistoryCount)
{
    /// <param name="dispute">Loaded with its items and their invoices.</param>
    public static async Task<DisputeSummary> ReadAsync(LitigesDbContext db, Dispute dispute, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var customer = await db.CustomerAccounts.AsNoTracking().Where(c => c.Id == dispute.CustomerAccountId).Select(c => c.LegalName).SingleAsync(cancellationToken);
        var credited = (await db.CreditNotes.AsNoTracking().Where(c => c.DisputeId == dispute.Id).Select(c => c.TotalGross).ToListAsync(cancellationToken)).Sum();
        var stillDue = dispute.Items.Select(i => i.Invoice!).DistinctBy(i => i.Id).Sum(i => i.OpenBalance);
        return new DisputeSummary(
            dispute.Id,
            dispute.Reference,
            dispute.Status,
            dispute.Priority,
            customer,
            dispute.Currency,
            dispute.DisputedAmount,
            credited,
            stillDue,
            dispute.Deadlines(now),
            dispute.Version,
            dispute.HistoryCount);
    }
}

/// <summary>
/// What the sections of a dispute's workspace share: the summary header, and running an act as one
/// domain operation (<see cref="DisputeCommands"/>) under the version the user saw, so that a stale
/// page is refused and told what changed instead of overwriting it.
/// </summary>
public abstract class DisputeWorkspacePage(LitigesDbContext db, DisputeCommands commands, TimeProvider clock, IStringLocalizer t) : PageModel
{
    public DisputeSummary Summary { get; private set; } = null!;

    /// <summary>The version and history length the user saw; posted back to detect concurrent changes.</summary>
    [BindProperty]
    public int Version { get; set; }

    [BindProperty]
    public int Seen { get; set; }

    public IReadOnlyList<DisputeHistoryEntry> ChangesMeanwhile { get; private set; } = [];

    /// <summary>The tab this page shows.</summary>
    public abstract WorkspaceTab Tab { get; }

    protected LitigesDbContext Db => db;

    protected TimeProvider Clock => clock;

    protected IStringLocalizer Texts => t;

    /// <summary>Loads what the section shows of the dispute (as this user may see it); null when it is not theirs to see.</summary>
    protected abstract Task<Dispute?> LoadAsync(int id, CancellationToken cancellationToken);

    protected async Task<IActionResult> ShowAsync(int id, CancellationToken cancellationToken)
    {
        if (!await LoadSectionAsync(id, cancellationToken))
        {
            return NotFound();
        }

        Version = Summary.Version;
        Seen = Summary.HistoryCount;
        return Page();
    }

    /// <param name="undo">What to clean up when the act is not saved (a blob already stored).</param>
    protected Task<IActionResult> RunAsync(int id, string doneKey, Func<Dispute, Actor, DateTimeOffset, Task> act, Func<Task>? undo = null) =>
        RunAsync(id, () => Task.FromResult(t[doneKey].Value), act, undo);

    /// <param name="done">What the user reads once the act is saved: what really happened, and who acts next.</param>
    /// <param name="undo">What to clean up when the act is not saved (a blob already stored).</param>
    protected async Task<IActionResult> RunAsync(int id, Func<Task<string>> done, Func<Dispute, Actor, DateTimeOffset, Task> act, Func<Task>? undo = null)
    {
        if (!ModelState.IsValid)
        {
            if (undo is not null)
            {
                await undo();
            }

            return await RedisplayAsync(id, null);
        }

        var outcome = await commands.RunAsync(User, id, Version, Seen, act, HttpContext.RequestAborted);
        if (!outcome.Succeeded && undo is not null)
        {
            await undo();
        }

        if (!outcome.Found)
        {
            return NotFound();
        }

        if (!outcome.Succeeded)
        {
            ChangesMeanwhile = outcome.ChangesMeanwhile;
            return await RedisplayAsync(id, outcome.Message);
        }

        TempData["Success"] = await done();
        return RedirectToPage(new { id });
    }

    /// <summary>A refused act shows the section again with what the user typed, the reason, and what changed.</summary>
    protected async Task<IActionResult> RedisplayAsync(int id, string? message)
    {
        db.ChangeTracker.Clear();
        if (!await LoadSectionAsync(id, HttpContext.RequestAborted))
        {
            return NotFound();
        }

        if (message is not null)
        {
            ModelState.AddModelError(string.Empty, message);
        }

        Version = Summary.Version;
        Seen = Summary.HistoryCount;
        ModelState.Remove(nameof(Version));
        ModelState.Remove(nameof(Seen));
        return Page();
    }

    /// <summary>The version of the dispute as this user may see it, or null; for acts that do not go through <see cref="RunAsync"/>.</summary>
    protected Task<int?> CurrentVersionAsync(int id, CancellationToken cancellationToken) =>
        db.Disputes.AsNoTracking().VisibleTo(User).Where(d => d.Id == id).Select(d => (int?)d.Version).SingleOrDefaultAsync(cancellationToken);

    private async Task<bool> LoadSectionAsync(int id, CancellationToken cancellationToken)
    {
        var dispute = await LoadAsync(id, cancellationToken);
        if (dispute is null)
        {
            return false;
        }

        Summary = await DisputeSummary.ReadAsync(db, dispute, clock.GetUtcNow(), cancellationToken);
        return true;
    }
}
