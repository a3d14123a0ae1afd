using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Litiges.Accounts;
using Litiges.CreditNotes;
using Litiges.Data;
using Litiges.Deadlines;
using Litiges.Disputes;
using Litiges.Finance;
using Litiges.Localization;
using Litiges.Notifications;
using Litiges.Settlements;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Litiges.BackOffice.Pages.Disputes;

/// <summary>
/// The settlement section of a dispute: its proposals, and the acts on them (propose within one's
/// delegation limit, approve or refuse one waiting above it, issue its credit notes, mark it carried out).
/// </summary>
public sealed class SettlementModel(LitigesDbContext Db, DisputeCommands commands, TimeProvider clock, IStringLocalizer t)
    : DisputeWorkspacePage(Db, commands, clock, t)
{
    public override WorkspaceTab Tab => WorkspaceTab.Settlement;

    public SettlementFile Case { get; private set; } = null!;

    [BindProperty]
    public SettlementInput Settlement { get; set; } = new();

    [BindProperty]
    public int? ProposalId { get; set; }

    /// <summary>The reason typed when refusing a proposal.</summary>
    [BindProperty]
    [StringLength(Dispute.MaxMessageLength)]
    public string? Text { get; set; }

    public Task<IActionResult> OnGetAsync(int id, CancellationToken cancellationToken) => ShowAsync(id, cancellationToken);

    /// <summary>A post that names no act (an old form, a crafted request) just shows the section again.</summary>
    public IActionResult OnPost(int id) => RedirectToPage(new { id });

    /// <summary>
    /// Proposes a structured settlement: within the user's delegation limit it goes to the customer
    /// at once, above it it waits in the approval queue.
    /// </summary>
    public async Task<IActionResult> OnPostProposeAsync(int id, [FromServices] IConfiguration configuration)
    {
        var limits = await LimitsAsync();
        SettlementDraft draft;
        try
        {
            draft = await Settlement.ToDraftAsync(Db, id, HttpContext.RequestAborted);
        }
        catch (DomainException refused)
        {
            return await RedisplayAsync(id, Texts.Message(refused));
        }

        SettlementProposal? made = null;
        return await RunAsync(id, () => ProposedMessageAsync(made!), (dispute, actor, now) =>
        {
            made = dispute.ProposeSettlement(actor, draft, limits, SettlementSettings.WriteOffThreshold(configuration), now);
            return Task.CompletedTask;
        });
    }

    /// <summary>
    /// Shows what proposing the form would do, without proposing it: the value, the money
    /// consequences for the customer (computed by the domain), and whether it goes to the customer
    /// or waits for someone's approval first. The form comes back as typed.
    /// </summary>
    public async Task<IActionResult> OnPostPreviewAsync(int id, [FromServices] IConfiguration configuration)
    {
        var limits = await LimitsAsync();
        SettlementDraft draft;
        try
        {
            draft = await Settlement.ToDraftAsync(Db, id, HttpContext.RequestAborted);
        }
        catch (DomainException refused)
        {
            return await RedisplayAsync(id, Texts.Message(refused));
        }

        var shown = await RedisplayAsync(id, null);
        if (shown is not PageResult)
        {
            return shown;
        }

        try
        {
            var preview = Case.Dispute.PreviewSettlement(User.ToActor(), draft, limits, SettlementSettings.WriteOffThreshold(configuration), Clock.GetUtcNow());
            Preview = new DraftPreview(preview, SettlementConsequences.Of(draft, Case.Dispute.Currency, Case.Invoices, Case.Today), await ApproversAsync(preview.ApprovalRoles));
        }
        catch (DomainException refused)
        {
            ModelState.AddModelError(string.Empty, Texts.Message(refused));
        }

        return shown;
    }

    /// <summary>The preview of the form just posted (<see cref="OnPostPreviewAsync"/>), or null.</summary>
    public DraftPreview? Preview { get; private set; }

    public sealed record DraftPreview(SettlementPreview Outcome, SettlementConsequences Consequences, string Approvers);

    // What really happened: sent to the customer, waiting for whose approval, or (a write-off) accepted at once.
    private async Task<string> ProposedMessageAsync(SettlementProposal proposal) => proposal.Status switch
    {
        ProposalStatus.AwaitingApproval => Texts["Settlements.ProposedAwaitingApproval", await ApproversAsync(ApprovalRolesOf(proposal))].Value,
        ProposalStatus.Accepted => Texts["Settlements.ProposedWriteOffAccepted"].Value,
        _ => Texts["Settlements.ProposedSentToCustomer"].Value,
    };

    private static IReadOnlyList<ActorRole> ApprovalRolesOf(SettlementProposal proposal) =>
        [.. (proposal.ApprovalRoles ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries).Select(Enum.Parse<ActorRole>)];

    /// <summary>"Credit manager (Chloé Crédit, …) or Finance (…)": the roles that may approve, and who holds them now.</summary>
    private async Task<string> ApproversAsync(IReadOnlyList<ActorRole> roles)
    {
        var parts = new List<string>();
        foreach (var role in roles.Where(r => r != ActorRole.Admin))
        {
            var names = await StaffRoles.ActiveMembers(Db, [role.ToString()]).OrderBy(u => u.DisplayName).Select(u => u.DisplayName).Take(5).ToListAsync(HttpContext.RequestAborted);
            var label = Texts["ActorRole." + role].Value;
            parts.Add(names.Count == 0 ? label : Texts["Settlements.RoleWithNames", label, string.Join(", ", names)].Value);
        }

        return string.Join(Texts["Settlements.Or"].Value, parts);
    }

    public async Task<IActionResult> OnPostApproveSettlementAsync(int id)
    {
        var limits = await LimitsAsync();
        return await RunAsync(id, "Settlements.Approved", (dispute, actor, now) =>
        {
            dispute.ApproveSettlement(actor, ProposalId ?? 0, limits, now);
            return Task.CompletedTask;
        });
    }

    public async Task<IActionResult> OnPostRefuseSettlementAsync(int id)
    {
        var limits = await LimitsAsync();
        return await RunAsync(id, "Settlements.Refused", (dispute, actor, now) =>
        {
            dispute.RefuseSettlement(actor, ProposalId ?? 0, Text ?? string.Empty, limits, now);
            return Task.CompletedTask;
        });
    }

    /// <summary>The gesture, schedule or write-off the customer accepted has been carried out.</summary>
    public Task<IActionResult> OnPostCompleteSettlementAsync(int id) =>
        RunAsync(id, "Settlements.Completed", (dispute, actor, now) =>
        {
            dispute.CompleteSettlement(actor, now);
            return Task.CompletedTask;
        });

    /// <summary>Finance issues the credit notes of an accepted credit-note proposal (numbers, PDF, UBL).</summary>
    public async Task<IActionResult> OnPostIssueCreditNotesAsync(int id, [FromServices] CreditNoteIssuer issuer)
    {
        var cancellationToken = HttpContext.RequestAborted;
        var version = await CurrentVersionAsync(id, cancellationToken);
        if (version is null)
        {
            return NotFound();
        }

        if (version != Version)
        {
            return await RedisplayAsync(id, Texts["Settlements.ChangedMeanwhile"]);
        }

        try
        {
            var notes = await issuer.IssueForDisputeAsync(id, User.ToActor(), cancellationToken);
            TempData["Success"] = Texts["Settlements.CreditNotesIssued", string.Join(", ", notes.Select(n => n.Number))].Value;
            return RedirectToPage(new { id });
        }
        catch (DomainException refused)
        {
            return await RedisplayAsync(id, Texts.Message(refused));
        }
    }

    protected override async Task<Dispute?> LoadAsync(int id, CancellationToken cancellationToken)
    {
        var dispute = await Db.Disputes.AsNoTracking()
            .VisibleTo(User)
            .Include(d => d.Items).ThenInclude(i => i.Invoice).ThenInclude(i => i!.Lines)
            .Include(d => d.Proposals).ThenInclude(p => p.Instalments)
            .AsSplitQuery()
            .SingleOrDefaultAsync(d => d.Id == id, cancellationToken);
        if (dispute is null)
        {
            return null;
        }

        var creditNotes = await Db.CreditNotes.AsNoTracking().Where(c => c.DisputeId == id).OrderBy(c => c.Number).Select(c => c.Number).ToListAsync(cancellationToken);
        Case = new SettlementFile(dispute, User.ToActor(), await LimitsAsync(), creditNotes, BusinessDate.Of(Clock.GetUtcNow()));
        Approvers = dispute.Proposals.FirstOrDefault(p => p.Status == ProposalStatus.AwaitingApproval) is { } waiting
            ? await ApproversAsync(ApprovalRolesOf(waiting))
            : null;
        return dispute;
    }

    /// <summary>Who may approve the proposal waiting for approval (roles and names), or null.</summary>
    public string? Approvers { get; private set; }

    private async Task<DelegationLimits> LimitsAsync() =>
        new(await Db.DelegationLimits.AsNoTracking().ToListAsync(HttpContext.RequestAborted));

    /// <summary>The proposals of a dispute and what this user may do with each; the rules are the domain's (<see cref="DisputeRoles"/>).</summary>
    public sealed record SettlementFile(Dispute Dispute, Actor Actor, DelegationLimits Limits, IReadOnlyList<string> CreditNoteNumbers, DateOnly Today)
    {
        public IReadOnlyList<Invoices.Invoice> Invoices => [.. Dispute.Items.Select(i => i.Invoice!).DistinctBy(i => i.Id).OrderBy(i => i.Number)];

        public decimal OpenBalance => Invoices.Sum(i => i.OpenBalance);

        /// <summary>The money consequences of a proposal for the customer, from the domain.</summary>
        public SettlementConsequences Consequences(SettlementProposal proposal) => SettlementConsequences.Of(proposal, Invoices, Today);

        /// <summary>This user's delegation limit: null when unlimited; no limit at all means every proposal waits.</summary>
        public (bool Has, decimal? Max) OwnLimit => Limits.LimitOf(Actor.Role);

        public bool CanPropose => Dispute.Status == DisputeStatus.InReview && Dispute.ActiveProposal is null && DisputeRoles.MayPropose(Actor.Role);

        public bool CanDecide(SettlementProposal proposal) =>
            proposal.Status == ProposalStatus.AwaitingApproval && Actor.IsStaff && DisputeRoles.MayDecideSettlement(Actor.Role, Limits, proposal.Value);

        public bool CanIssue(SettlementProposal proposal) =>
            proposal is { Status: ProposalStatus.Accepted, Kind: SettlementKind.CreditNote } && Actor.IsStaff && DisputeRoles.MayCompleteSettlement(Actor.Role, proposal.Kind);

        public bool CanComplete(SettlementProposal proposal) =>
            proposal.Status == ProposalStatus.Accepted && proposal.Kind != SettlementKind.CreditNote
            && Actor.IsStaff && DisputeRoles.MayCompleteSettlement(Actor.Role, proposal.Kind);
    }

    /// <summary>The structured proposal form: one of four kinds; amounts typed as text like the task's cash at stake.</summary>
    public sealed class SettlementInput
    {
        public const int CreditRows = 3;
        public const int InstalmentRows = 6;

        public SettlementKind Kind { get; set; }

        [StringLength(Dispute.MaxMessageLength)]
        public string? Summary { get; set; }

        public List<CreditInput> Credits { get; set; } = [];

        public string? GestureAmount { get; set; }

        public string? GesturePercent { get; set; }

        public DateOnly? GestureValidUntil { get; set; }

        public string? ScheduleTotal { get; set; }

        public List<InstalmentInput> Instalments { get; set; } = [];

        public string? WriteOffAmount { get; set; }

        /// <summary>Reads the form into a draft; a line naming an invoice line takes what it leaves empty from that line.</summary>
        public async Task<SettlementDraft> ToDraftAsync(LitigesDbContext db, int disputeId, CancellationToken cancellationToken)
        {
            var draft = new SettlementDraft(Kind, Summary ?? string.Empty);
            switch (Kind)
            {
                case SettlementKind.CreditNote:
                    var credits = new List<ProposedCredit>();
                    foreach (var row in Credits.Where(c => c.InvoiceId is not null || c.InvoiceLineId is not null))
                    {
                        credits.Add(await row.ToCreditAsync(db, disputeId, cancellationToken));
                    }

                    return draft with { Credits = credits };
                case SettlementKind.CommercialGesture:
                    return draft with
                    {
                        GestureAmount = Optional(GestureAmount),
                        GesturePercent = Optional(GesturePercent),
                        GestureValidUntil = GestureValidUntil,
                    };
                case SettlementKind.PaymentSchedule:
                    var instalments = Instalments.Where(i => i.DueOn is not null || !string.IsNullOrWhiteSpace(i.Amount))
                        .Select(i => (i.DueOn ?? throw new DomainException("Settlement.ScheduleInvalid"), Required(i.Amount))).ToList();
                    if (instalments.Count > InstalmentRows)
                    {
                        throw new DomainException("Settlement.ScheduleInvalid");
                    }

                    return draft with { ScheduleTotal = Required(ScheduleTotal), Instalments = instalments };
                case SettlementKind.WriteOff:
                    return draft with { WriteOffAmount = Required(WriteOffAmount) };
                default:
                    throw new DomainException("Settlement.UnknownKind");
            }
        }

        internal static decimal? Optional(string? text) =>
            string.IsNullOrWhiteSpace(text) ? null : Required(text);

        internal static decimal Required(string? text) =>
            AmountText.Parse(text, CultureInfo.CurrentCulture);
    }

    public sealed class CreditInput
    {
        public int? InvoiceId { get; set; }

        public int? InvoiceLineId { get; set; }

        [StringLength(500)]
        public string? Description { get; set; }

        public string? Quantity { get; set; }

        public string? UnitPrice { get; set; }

        /// <summary>In percent, as people say it: "20" or "5,5".</summary>
        public string? VatPercent { get; set; }

        internal async Task<ProposedCredit> ToCreditAsync(LitigesDbContext db, int disputeId, CancellationToken cancellationToken)
        {
            // A line chosen without its invoice names the invoice itself.
            InvoiceId ??= await db.Invoices.AsNoTracking().Where(i => i.Lines.Any(l => l.Id == InvoiceLineId)).Select(i => (int?)i.Id).FirstOrDefaultAsync(cancellationToken);
            var covered = await db.Disputes.AsNoTracking().Where(d => d.Id == disputeId).SelectMany(d => d.Items).AnyAsync(i => i.InvoiceId == InvoiceId, cancellationToken);
            if (!covered)
            {
                throw new DomainException("Settlement.InvoiceNotInDispute");
            }

            var line = InvoiceLineId is { } lineId
                ? await db.Invoices.AsNoTracking().Where(i => i.Id == InvoiceId).SelectMany(i => i.Lines).SingleOrDefaultAsync(l => l.Id == lineId, cancellationToken)
                    ?? throw new DomainException("Settlement.CreditLinesInvalid")
                : null;
            var description = string.IsNullOrWhiteSpace(Description) ? line?.Description ?? throw new DomainException("Settlements.DescriptionRequired") : Description.Trim();
            var quantity = SettlementInput.Optional(Quantity) ?? 1m;
            var unitPrice = SettlementInput.Optional(UnitPrice) ?? line?.UnitPrice ?? throw new DomainException("Settlement.CreditLinesInvalid");
            var vatRate = SettlementInput.Optional(VatPercent) is { } percent ? percent / 100m : line?.VatRate ?? throw new DomainException("Settlement.CreditLinesInvalid");
            return new ProposedCredit(InvoiceId!.Value, line?.Id, description, quantity, unitPrice, vatRate);
        }
    }

    public sealed class InstalmentInput
    {
        public DateOnly? DueOn { get; set; }

        public string? Amount { get; set; }
    }
}
