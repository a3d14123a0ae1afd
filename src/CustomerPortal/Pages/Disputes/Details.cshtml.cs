using System.Globalization;
using Litiges.CustomerPortal.Uploads;
using Litiges.Accounts;
using Litiges.CreditNotes;
using Litiges.Data;
using Litiges.Deadlines;
using Litiges.Disputes;
using Litiges.Hosting;
using Litiges.Localization;
using Litiges.Notifications;
using Litiges.Storage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace Litiges.CustomerPortal.Pages.Disputes;

/// <summary>
/// One dispute as the customer follows it: where it stands, its deadlines, the public timeline,
/// the conversation with customer service, the evidence, the invoices and what is held out of
/// dunning; and what the customer may do: reply, add files, answer a proposal, withdraw, and
/// contest the decision on an ended dispute by reopening it (with new files) within the window.
/// </summary>
[StreamedUploads]
[EnableRateLimiting(RateLimits.Upload)]
public sealed class DetailsModel(LitigesDbContext db, DisputeCommands commands, DisputeEvidenceIntake intake, IOptions<DisputeOptions> rules, ReferenceDataCache reference, TimeProvider clock, IStringLocalizer t) : PageModel
{
    [BindProperty]
    public InputModel Input { get; set; } = new();

    public CustomerCase Case { get; private set; } = null!;

    /// <summary>The withdrawal asks for confirmation first (<c>?confirm=withdraw</c>).</summary>
    public bool ConfirmingWithdrawal { get; private set; }

    public IReadOnlyList<DisputeHistoryEntry> ChangesMeanwhile { get; private set; } = [];

    public IReadOnlyList<string> FileErrors { get; private set; } = [];

    /// <summary>What the page says was kept when files were refused: the message, or the reason for reopening.</summary>
    public string KeptNoticeKey { get; private set; } = "Portal.Dispute.MessageKept";

    /// <summary>Until when the ended dispute may be reopened (<c>Disputes:ReopenWindowDays</c> after its end); null when it cannot be.</summary>
    public DateTimeOffset? ReopenableUntil { get; private set; }

    public bool CanReopen => clock.GetUtcNow() <= ReopenableUntil;

    public EvidenceOptions Limits => intake.Limits;

    /// <summary>Today in France, to tell a missed instalment from one still to pay.</summary>
    public DateOnly Today => clock.Today();

    /// <param name="id">The dispute's id, or its reference (links in e-mails use the reference).</param>
    public async Task<IActionResult> OnGetAsync(string id, string? confirm, CancellationToken cancellationToken)
    {
        // An id needs no look-up of its own: loading the dispute applies the same visibility.
        var disputeId = int.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : await ResolveAsync(id, cancellationToken);
        var found = disputeId is not null && await LoadAsync(disputeId.Value, cancellationToken);
        if (!found)
        {
            return NotFound();
        }

        ConfirmingWithdrawal = confirm == "withdraw" && Case.Dispute.IsOpen;
        Input = new InputModel { Version = Case.Dispute.Version, Seen = Case.Dispute.HistoryCount };
        return Page();
    }

    /// <summary>A message (the answer to a question when one is pending), with files or not.</summary>
    public async Task<IActionResult> OnPostReplyAsync(string id, CancellationToken cancellationToken)
    {
        if (await ResolveAsync(id, cancellationToken) is not { } disputeId)
        {
            return NotFound();
        }

        var (stored, fileErrors) = await ReadFormAsync(disputeId, reopening: false, cancellationToken);
        var text = Input.Text?.Trim();
        FileErrors = fileErrors;
        if (fileErrors.Count > 0 || string.IsNullOrEmpty(text))
        {
            // Files refused: the good ones are added now, the message waits for the user to look again.
            if (stored.Count > 0 && await intake.AttachAsync(User, disputeId, stored, cancellationToken) is { } failure)
            {
                return await RedisplayAsync(disputeId, failure);
            }

            if (fileErrors.Count == 0 && stored.Count > 0)
            {
                TempData["Success"] = t["Portal.Dispute.FilesAdded", stored.Count].Value;
                return RedirectToPage(new { id = disputeId });
            }

            return await RedisplayAsync(disputeId, fileErrors.Count == 0 ? t["Error.Dispute.MessageRequired"].Value : null);
        }

        var outcome = await RunAsync(disputeId, stored, (dispute, actor, now) =>
        {
            intake.AttachAll(dispute, actor, stored, EvidenceVisibility.Shared, now);
            if (dispute.Status == DisputeStatus.AwaitingCustomer)
            {
                dispute.ReplyToRequest(actor, text, now);
            }
            else
            {
                dispute.PostMessage(actor, text, now);
            }
        });
        return await AfterAsync(disputeId, outcome, "Portal.Dispute.MessageSent");
    }

    /// <summary>
    /// Contests the decision on an ended dispute: within the window it goes back to review with the
    /// customer's reason and the new files, and whoever works it (and the credit managers) are told;
    /// the customer gets a receipt in their language, in the same save.
    /// A refused file or a refused reopening changes nothing and keeps no file; the reason stays as typed.
    /// </summary>
    public async Task<IActionResult> OnPostReopenAsync(string id, CancellationToken cancellationToken)
    {
        if (await ResolveAsync(id, cancellationToken) is not { } disputeId)
        {
            return NotFound();
        }

        var (stored, fileErrors) = await ReadFormAsync(disputeId, reopening: true, cancellationToken);
        if (fileErrors.Count > 0)
        {
            await intake.DiscardAsync(stored);
            FileErrors = fileErrors;

            // Refused because the dispute changed meanwhile (staff reopened or closed it): say what changed, as a refused save does.
            if (await commands.ChangedSinceAsync(disputeId, Input.Seen, cancellationToken) is { } changed)
            {
                ChangesMeanwhile = changed.ChangesMeanwhile;
                return await RedisplayAsync(disputeId, changed.Message);
            }

            KeptNoticeKey = "Portal.Reopening.ReasonKept";
            return await RedisplayAsync(disputeId, null);
        }

        var reason = Input.Reason?.Trim() ?? string.Empty;
        var outcome = await RunAsync(disputeId, stored, (dispute, actor, now) =>
        {
            dispute.Reopen(actor, reason, rules.Value.ReopenWindow, now);
            intake.AttachAll(dispute, actor, stored, EvidenceVisibility.Shared, now);
        });
        return await AfterAsync(disputeId, outcome, "Portal.Reopening.Done");
    }

    /// <summary>A script upload: each file is stored and added to the dispute at once; the answer says how each went.</summary>
    public async Task<IActionResult> OnPostUploadAsync(string id, CancellationToken cancellationToken)
    {
        if (await ResolveAsync(id, cancellationToken) is not { } disputeId)
        {
            return NotFound();
        }

        if (!StreamedForm.IsMultipart(Request))
        {
            return BadRequest();
        }

        var results = new List<UploadResult>();
        var batch = new EvidenceBatch();
        await StreamedForm.ReadAsync(
            HttpContext,
            async file =>
            {
                var name = FileNames.Sanitize(file.FileName);

                var stored = await intake.TakeAsync(batch, disputeId, file.FileName, file.Content, EvidenceChannel.Customer, cancellationToken);
                if (stored is null)
                {
                    results.Add(UploadResult.Refused(name, batch.Errors[^1]));
                    return;
                }

                // Attached at once: from now on the dispute's own counts include it.
                batch.Attached(stored);
                var failure = await intake.AttachAsync(User, disputeId, [stored], cancellationToken);
                if (failure is not null)
                {
                    results.Add(UploadResult.Refused(name, failure));
                    return;
                }

                var evidenceId = await db.Evidence.Where(e => e.BlobName == stored.BlobName && e.DisputeId == disputeId).Select(e => e.Id).SingleAsync(cancellationToken);
                results.Add(UploadResult.Stored(stored, null, Url.Page("./Evidence", new { id = evidenceId })));
            },
            cancellationToken);

        var current = await db.Disputes.AsNoTracking().Where(d => d.Id == disputeId).Select(d => new { d.Version, d.HistoryCount }).SingleAsync(cancellationToken);
        return new JsonResult(new
        {
            files = results,
            fields = new Dictionary<string, string>
            {
                ["Input.Version"] = current.Version.ToString(CultureInfo.InvariantCulture),
                ["Input.Seen"] = current.HistoryCount.ToString(CultureInfo.InvariantCulture),
            },
        });
    }

    public async Task<IActionResult> OnPostWithdrawAsync(string id, CancellationToken cancellationToken)
    {
        if (await ResolveAsync(id, cancellationToken) is not { } disputeId)
        {
            return NotFound();
        }

        var outcome = await RunAsync(disputeId, [], (dispute, actor, now) => dispute.Withdraw(actor, Input.Comment, now));
        return await AfterAsync(disputeId, outcome, "Portal.Dispute.Withdrawn");
    }

    public async Task<IActionResult> OnPostAcceptAsync(string id, [FromServices] CreditNoteIssuer issuer, [FromServices] ILogger<DetailsModel> logger, CancellationToken cancellationToken)
    {
        if (await ResolveAsync(id, cancellationToken) is not { } disputeId)
        {
            return NotFound();
        }

        if (!Input.Confirm)
        {
            ModelState.AddModelError("Input.Confirm", t["Portal.Dispute.ConfirmAcceptRequired"]);
            return await RedisplayAsync(disputeId, null);
        }

        var outcome = await RunAsync(disputeId, [], (dispute, actor, now) => dispute.AcceptSettlement(actor, now, HttpContext.Connection.RemoteIpAddress?.ToString(), Input.Comment));
        if (outcome.Succeeded && await IssueOnAcceptanceAsync(issuer, logger, disputeId, cancellationToken) is { Count: > 0 } notes)
        {
            TempData["Success"] = t["Portal.CreditNotes.IssuedOnAcceptance", string.Join(", ", notes.Select(n => n.Number))].Value;
            return RedirectToPage(new { id = disputeId });
        }

        return await AfterAsync(disputeId, outcome, "Portal.Dispute.ProposalAccepted");
    }

    // The acceptance stands whatever happens here: when the credit note cannot be issued now, finance issues it.
    private static async Task<IReadOnlyList<CreditNote>> IssueOnAcceptanceAsync(CreditNoteIssuer issuer, ILogger logger, int disputeId, CancellationToken cancellationToken)
    {
        try
        {
            return await issuer.IssueOnAcceptanceAsync(disputeId, cancellationToken);
        }
        catch (Exception ex) when (ex is DomainException or StorageUnavailableException or DbUpdateException)
        {
            logger.LogWarning(ex, "The credit note of dispute {DisputeId} was not issued on acceptance; finance will issue it.", disputeId);
            return [];
        }
    }

    public async Task<IActionResult> OnPostDeclineAsync(string id, CancellationToken cancellationToken)
    {
        if (await ResolveAsync(id, cancellationToken) is not { } disputeId)
        {
            return NotFound();
        }

        var outcome = await RunAsync(disputeId, [], (dispute, actor, now) => dispute.DeclineSettlement(actor, Input.Comment, now, HttpContext.Connection.RemoteIpAddress?.ToString()));
        return await AfterAsync(disputeId, outcome, "Portal.Dispute.ProposalDeclined");
    }

    private Task<CommandOutcome> RunAsync(int disputeId, List<StoredFile> stored, Action<Dispute, Actor, DateTimeOffset> act) =>
        RunAsync(disputeId, stored, (dispute, actor, now) =>
        {
            act(dispute, actor, now);
            return Task.CompletedTask;
        });

    // Runs one act on what the user saw; files already stored go if the act is refused or not saved.
    private async Task<CommandOutcome> RunAsync(int disputeId, List<StoredFile> stored, Func<Dispute, Actor, DateTimeOffset, Task> act)
    {
        if (!ModelState.IsValid)
        {
            await intake.DiscardAsync(stored);
            return new CommandOutcome(true, false, null, []);
        }

        try
        {
            var outcome = await commands.RunAsync(User, disputeId, Input.Version, Input.Seen, act, HttpContext.RequestAborted);
            if (!outcome.Succeeded)
            {
                await intake.DiscardAsync(stored);
            }

            return outcome;
        }
        catch (Exception) when (stored.Count > 0)
        {
            await intake.DiscardAsync(stored);
            throw;
        }
    }

    /// <summary>
    /// Reads a streamed form: each file goes through the evidence intake as it arrives (the refused
    /// ones leave a message), then the text fields are bound to <see cref="Input"/>. A failed read keeps no file.
    /// </summary>
    private async Task<(List<StoredFile> Stored, List<string> Errors)> ReadFormAsync(int disputeId, bool reopening, CancellationToken cancellationToken)
    {
        var batch = new EvidenceBatch();
        if (!StreamedForm.IsMultipart(Request))
        {
            return ([], []);
        }

        var form = await intake.ReadFormAsync(HttpContext, batch, disputeId, reopening ? EvidenceChannel.Reopening : EvidenceChannel.Customer, field: null, cancellationToken);
        await TryUpdateModelAsync(Input, "Input", form.Values);
        return ([.. batch.Stored], [.. batch.Errors]);
    }


    private async Task<IActionResult> AfterAsync(int disputeId, CommandOutcome outcome, string doneKey)
    {
        if (!outcome.Found)
        {
            return NotFound();
        }

        if (!outcome.Succeeded)
        {
            ChangesMeanwhile = outcome.ChangesMeanwhile;
            return await RedisplayAsync(disputeId, outcome.Message);
        }

        TempData["Success"] = t[doneKey].Value;
        return RedirectToPage(new { id = disputeId });
    }

    // A refused act shows the page again with what the user typed, the reason, and what changed.
    private async Task<IActionResult> RedisplayAsync(int disputeId, string? message)
    {
        if (!await LoadAsync(disputeId, HttpContext.RequestAborted))
        {
            return NotFound();
        }

        if (message is not null)
        {
            ModelState.AddModelError(string.Empty, message);
        }

        Input.Version = Case.Dispute.Version;
        Input.Seen = Case.Dispute.HistoryCount;
        ModelState.Remove("Input.Version");
        ModelState.Remove("Input.Seen");
        return Page();
    }

    private async Task<int?> ResolveAsync(string id, CancellationToken cancellationToken)
    {
        var visible = db.Disputes.AsNoTracking().VisibleTo(User);
        var reference = id.ToUpperInvariant();
        visible = int.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? visible.Where(d => d.Id == number)
            : visible.Where(d => d.Reference == reference);
        return await visible.Select(d => (int?)d.Id).SingleOrDefaultAsync(cancellationToken);
    }

    /// <summary>
    /// The dispute with what the customer sees of it, if it is their company's: compiled, as the page
    /// is read far more than anything else a customer opens.
    /// </summary>
    private static readonly CompiledPerModel<Func<LitigesDbContext, int, int, CancellationToken, Task<Dispute?>>> CaseQuery = new(() =>
        EF.CompileAsyncQuery((LitigesDbContext db, int id, int company, CancellationToken cancellationToken) =>
            db.Disputes.AsNoTracking()
                .Where(d => d.Id == id && d.CustomerAccountId == company)
                .Include(d => d.Items).ThenInclude(i => i.Invoice)
                .Include(d => d.Items).ThenInclude(i => i.InvoiceLine)
                .Include(d => d.History.Where(h => h.IsPublic))
                .Include(d => d.Messages)
                .Include(d => d.Pauses)
                .Include(d => d.Evidence.Where(e => e.Visibility == EvidenceVisibility.Shared))
                .Include(d => d.Proposals).ThenInclude(p => p.Instalments)
                .AsSplitQuery()
                .SingleOrDefault()));

    private async Task<bool> LoadAsync(int disputeId, CancellationToken cancellationToken)
    {
        // Only a customer's own company's disputes (DisputeAccess): anyone else sees none here.
        if (!User.IsCustomer())
        {
            return false;
        }

        var company = User.CustomerAccountId();
        if (await CaseQuery.For(db)(db, disputeId, company, cancellationToken) is not { } dispute)
        {
            return false;
        }

        // The label from the reference data kept in memory; a code this instance does not know yet
        // (added on another one) is read from the database.
        var reason = (await reference.ReasonLabelsAsync(db, cancellationToken)).TryGetValue(dispute.ReasonCode, out var label)
            ? label
            : await db.ReasonCodes.AsNoTracking().Where(r => r.Code == dispute.ReasonCode).Select(r => r.Label).SingleAsync(cancellationToken);
        var blocks = await db.DunningBlocks.AsNoTracking()
            .Where(b => b.DisputeId == disputeId && b.LiftedAt == null)
            .Select(b => new { b.InvoiceId, b.Amount })
            .ToListAsync(cancellationToken);
        CreditNotes = await db.CreditNotes.AsNoTracking()
            .Where(c => c.DisputeId == disputeId && c.CustomerAccountId == company)
            .OrderBy(c => c.Number)
            .Select(c => new CreditNoteLink(c.Id, c.Number, c.IssueDate, c.TotalGross, c.Currency))
            .ToListAsync(cancellationToken);
        ReopenableUntil = dispute.ReopenableUntil(rules.Value.ReopenWindow);
        Case = new CustomerCase(dispute, reason, dispute.Deadlines(clock.GetUtcNow()), blocks.GroupBy(b => b.InvoiceId).ToDictionary(g => g.Key, g => g.Sum(b => b.Amount)));
        Figures = MoneySummary.Of(Case, CreditNotes);
        return true;
    }

    /// <summary>The dispute's money at a glance: what is disputed, what was credited, what stays to pay on its invoices.</summary>
    public MoneySummary Figures { get; private set; } = null!;

    /// <summary>
    /// The figures the page opens with, as the back office's workspace header has them: the amount
    /// disputed, the credit notes issued (incl. VAT), and what stays to pay on the disputed invoices
    /// (their open balance, of which <see cref="HeldOut"/> is held out of reminders while the dispute
    /// is open), with the earliest due date among the invoices still to pay.
    /// </summary>
    public sealed record MoneySummary(string Currency, decimal Claimed, decimal Credited, int CreditNoteCount, decimal StillDue, DateOnly? DueOn, decimal HeldOut)
    {
        public static MoneySummary Of(CustomerCase @case, IReadOnlyList<CreditNoteLink> creditNotes)
        {
            var dispute = @case.Dispute;
            var invoices = dispute.Items.Select(i => i.Invoice!).DistinctBy(i => i.Id).ToList();
            var unpaid = invoices.Where(i => i.OpenBalance > 0).ToList();
            return new MoneySummary(
                dispute.Currency,
                dispute.DisputedAmount,
                creditNotes.Sum(c => c.TotalGross),
                creditNotes.Count,
                invoices.Sum(i => i.OpenBalance),
                unpaid.Count == 0 ? null : unpaid.Min(i => i.DueDate),
                @case.BlockedByInvoice.Values.Sum());
        }
    }

    /// <summary>The credit notes issued on this dispute, each downloadable as PDF and XML.</summary>
    public IReadOnlyList<CreditNoteLink> CreditNotes { get; private set; } = [];

    public sealed record CreditNoteLink(int Id, string Number, DateOnly IssueDate, decimal TotalGross, string Currency);

    public sealed class InputModel
    {
        /// <summary>The version and history length the user saw; posted back to detect concurrent changes.</summary>
        public int Version { get; set; }

        public int Seen { get; set; }

        [System.ComponentModel.DataAnnotations.StringLength(Dispute.MaxMessageLength)]
        public string? Text { get; set; }

        [System.ComponentModel.DataAnnotations.StringLength(Dispute.MaxMessageLength)]
        public string? Comment { get; set; }

        /// <summary>Why the customer contests the decision and reopens the dispute.</summary>
        [System.ComponentModel.DataAnnotations.StringLength(Dispute.MaxMessageLength)]
        public string? Reason { get; set; }

        public bool Confirm { get; set; }
    }

    /// <summary>Where the customer's dispute stands, in the steps a customer thinks in.</summary>
    public enum CustomerStep
    {
        Submitted,
        InReview,
        WaitingForYou,
        Proposal,
        Ended,
    }

    public sealed record CustomerCase(Dispute Dispute, LocalizedText Reason, IReadOnlyList<DeadlineStatus> Deadlines, IReadOnlyDictionary<int, decimal> BlockedByInvoice)
    {
        public CustomerStep Step => Dispute.Status switch
        {
            DisputeStatus.Submitted => CustomerStep.Submitted,
            DisputeStatus.InReview => CustomerStep.InReview,
            DisputeStatus.AwaitingCustomer => CustomerStep.WaitingForYou,
            DisputeStatus.SettlementProposed or DisputeStatus.Accepted => CustomerStep.Proposal,
            _ => CustomerStep.Ended,
        };

        /// <summary>"Waiting for you" is a step only for disputes that did wait for the customer.</summary>
        public IReadOnlyList<CustomerStep> Steps =>
            Dispute.Status == DisputeStatus.AwaitingCustomer || Dispute.History.Any(h => h.Action == DisputeAction.InformationRequested)
                ? Enum.GetValues<CustomerStep>()
                : [.. Enum.GetValues<CustomerStep>().Where(s => s != CustomerStep.WaitingForYou)];

        /// <summary>The settlement carried out on this dispute, if any: the outcome the customer reads first.</summary>
        public Settlements.SettlementProposal? Executed =>
            Dispute.Proposals.Where(p => p.Status == Settlements.ProposalStatus.Executed).MaxBy(p => p.Id);

        /// <summary>The money consequences of a proposal for the customer: what is credited, what stays due and by when (the domain's figures).</summary>
        public Settlements.SettlementConsequences ConsequencesOf(Settlements.SettlementProposal proposal, DateOnly today) =>
            Settlements.SettlementConsequences.Of(proposal, Dispute.Items.Select(i => i.Invoice!), today);

        /// <summary>The question customer service is waiting for an answer to.</summary>
        public DisputeMessage? PendingQuestion =>
            Dispute.Status == DisputeStatus.AwaitingCustomer ? Dispute.Messages.Where(m => !m.FromCustomer).MaxBy(m => m.At) : null;

        /// <summary>The proposal on the table (or accepted), as customer service wrote it.</summary>
        public DisputeHistoryEntry? Proposal =>
            Dispute.Status is DisputeStatus.SettlementProposed or DisputeStatus.Accepted
                ? Dispute.History.Where(h => h.Action == DisputeAction.SettlementProposed).MaxBy(h => h.Sequence)
                : null;
    }
}
