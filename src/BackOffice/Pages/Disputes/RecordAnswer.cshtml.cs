using Litiges.Accounts;
using Litiges.Data;
using Litiges.Disputes;
using Litiges.Hosting;
using Litiges.Localization;
using Litiges.Settlements;
using Litiges.Storage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Litiges.BackOffice.Pages.Disputes;

/// <summary>
/// Staff record the customer's answer to a settlement proposal that came by phone, e-mail or
/// letter: who answered, how, on which day, accepted or declined, with the letter or e-mail as
/// evidence. It is the customer's own act (<see cref="Dispute.AcceptSettlement(Actor, ReceivedAnswer, string?, DateTimeOffset)"/>),
/// recorded on their behalf, so that a customer without a portal user can settle too. The form is
/// read as a stream (<see cref="StreamedUploadsAttribute"/>): the letter goes to storage as it arrives.
/// </summary>
[StreamedUploads]
public sealed class RecordAnswerModel(LitigesDbContext db, DisputeCommands commands, DisputeEvidenceIntake intake, IStringLocalizer t) : PageModel
{
    public const string OtherContact = CustomerContacts.Other;

    [BindProperty]
    public InputModel Input { get; set; } = new();

    public DisputeView? Case { get; private set; }

    public IReadOnlyList<ContactView> PortalUsers { get; private set; } = [];

    public EvidenceOptions Limits => intake.Limits;

    public async Task<IActionResult> OnGetAsync(int id, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(id, cancellationToken))
        {
            return NotFound();
        }

        Input = new InputModel { Version = Case!.Version, Seen = Case.HistoryCount, ContactName = Case.ContactName, ContactEmail = Case.ContactEmail };
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(int id, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(id, cancellationToken))
        {
            return NotFound();
        }

        if (Case!.Proposal is null)
        {
            return Page();
        }

        if (!StreamedForm.IsMultipart(Request))
        {
            return BadRequest();
        }

        // The letter is checked and stored as it arrives; the answer is checked once the form is read.
        var batch = new EvidenceBatch();
        var form = await intake.ReadFormAsync(HttpContext, batch, id, EvidenceChannel.Staff, "letter", cancellationToken);
        await TryUpdateModelAsync(Input, "Input", form.Values);
        var letter = batch.Stored.ToList();
        Validate(letterSent: letter.Count > 0 || batch.Errors.Count > 0);
        foreach (var refused in batch.Errors)
        {
            ModelState.AddModelError("Letter", refused);
        }

        if (!ModelState.IsValid)
        {
            await DropAsync(letter);
            return Page();
        }

        var portalUser = PortalUsers.SingleOrDefault(u => u.UserId == Input.Contact);
        var answer = portalUser is null
            ? new ReceivedAnswer(Input.ContactName!, Input.ContactEmail, null, Input.Channel!.Value, Input.ReceivedOn!.Value)
            : new ReceivedAnswer(portalUser.Name, portalUser.Email, portalUser.UserId, Input.Channel!.Value, Input.ReceivedOn!.Value);
        var outcome = await commands.RunAsync(User, id, Input.Version, Input.Seen, (dispute, actor, now) =>
        {
            // The customer's own letter or e-mail: shared, it is their answer.
            intake.AttachAll(dispute, actor, letter, EvidenceVisibility.Shared, now);
            if (Input.Decision == AnswerDecision.Accept)
            {
                dispute.AcceptSettlement(actor, answer, Input.Comment, now);
            }
            else
            {
                dispute.DeclineSettlement(actor, answer, Input.Comment, now);
            }
        }, cancellationToken);
        if (!outcome.Found)
        {
            await intake.DiscardAsync(letter);
            return NotFound();
        }

        if (!outcome.Succeeded)
        {
            ModelState.AddModelError(string.Empty, outcome.Message!);
            await DropAsync(letter);
            return Page();
        }

        TempData["Success"] = t[Input.Decision == AnswerDecision.Accept ? "RecordAnswer.AcceptanceRecorded" : "RecordAnswer.DeclineRecorded", answer.ContactName].Value;
        return RedirectToPage("./Settlement", new { id });
    }

    // A letter stored for an answer that is not recorded goes: the user chooses it again with the form shown back.
    private async Task DropAsync(List<StoredFile> letter)
    {
        if (letter.Count > 0)
        {
            await intake.DiscardAsync(letter);
            ModelState.AddModelError("Letter", t["RecordAnswer.ChooseFileAgain"]);
        }
    }

    private void Validate(bool letterSent)
    {
        void Require(bool ok, string key, string message)
        {
            if (!ok)
            {
                ModelState.AddModelError(key, message);
            }
        }

        Require(Input.Decision is { } decision && Enum.IsDefined(decision), "Input.Decision", t["RecordAnswer.DecisionRequired"]);
        if (Input.Contact == OtherContact)
        {
            Require(!string.IsNullOrWhiteSpace(Input.ContactName) && Input.ContactName.Trim().Length <= ReceivedAnswer.MaxNameLength, "Input.ContactName", t["Error.Settlement.AnswerContactRequired"]);
            Require(string.IsNullOrWhiteSpace(Input.ContactEmail) || EmailAddressRule.IsValid(Input.ContactEmail.Trim()), "Input.ContactEmail", t["Error.Settlement.AnswerContactEmailInvalid"]);
        }
        else
        {
            Require(PortalUsers.Any(u => u.UserId == Input.Contact), "Input.Contact", t["RecordAnswer.ContactRequired"]);
        }

        Require(Input.Channel is { } channel && Enum.IsDefined(channel), "Input.Channel", t["Error.Settlement.AnswerChannelRequired"]);
        Require(Input.ReceivedOn is not null, "Input.ReceivedOn", t["RecordAnswer.DateRequired"]);
        Require((Input.Comment?.Trim().Length ?? 0) <= Dispute.MaxMessageLength, "Input.Comment", t["Error.Dispute.TextTooLong", Dispute.MaxMessageLength]);

        // A written answer is kept: the letter or the e-mail is the evidence of what the customer said.
        Require(Input.Channel is not (AnswerChannel.Email or AnswerChannel.Letter) || letterSent, "Letter", t["RecordAnswer.FileRequired"]);
    }

    private async Task<bool> LoadAsync(int id, CancellationToken cancellationToken)
    {
        Case = await db.Disputes.AsNoTracking()
            .VisibleTo(User)
            .Where(d => d.Id == id)
            .Select(d => new DisputeView(
                d.Id,
                d.Reference,
                d.CustomerAccountId,
                db.CustomerAccounts.Where(c => c.Id == d.CustomerAccountId).Select(c => c.LegalName).Single(),
                d.Status,
                d.Version,
                d.HistoryCount,
                d.EvidenceBytes,
                d.ContactName,
                d.ContactEmail,
                d.Proposals.Where(p => p.Status == ProposalStatus.Proposed).Select(p => new ProposalView(p.Kind, p.Summary, p.Value, p.Currency, p.ProposedByName, p.ProposedAt)).FirstOrDefault()))
            .SingleOrDefaultAsync(cancellationToken);
        if (Case is null)
        {
            return false;
        }

        PortalUsers = await CustomerContacts.OfAsync(db, Case.CustomerAccountId, cancellationToken);
        return true;
    }

    public enum AnswerDecision
    {
        Accept = 1,
        Decline,
    }

    public sealed class InputModel
    {
        public int Version { get; set; }

        public int Seen { get; set; }

        public AnswerDecision? Decision { get; set; }

        /// <summary>The portal user who answered, or <see cref="OtherContact"/>.</summary>
        public string? Contact { get; set; }

        public string? ContactName { get; set; }

        public string? ContactEmail { get; set; }

        public AnswerChannel? Channel { get; set; }

        public DateOnly? ReceivedOn { get; set; }

        public string? Comment { get; set; }
    }

    public sealed record DisputeView(int Id, string Reference, int CustomerAccountId, string Customer, DisputeStatus Status, int Version, int HistoryCount, long EvidenceBytes, string? ContactName, string? ContactEmail, ProposalView? Proposal);

    public sealed record ProposalView(SettlementKind Kind, string Summary, decimal Value, string Currency, string ProposedByName, DateTimeOffset ProposedAt);
}
