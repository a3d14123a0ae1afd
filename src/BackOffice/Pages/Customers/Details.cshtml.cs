using System.ComponentModel.DataAnnotations;
using Litiges.Accounts;
using Litiges.Customers;
using Litiges.Data;
using Litiges.Disputes;
using Litiges.Localization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Litiges.BackOffice.Pages.Customers;

/// <summary>
/// One customer: its facts, its open disputes and its portal users with their state. Staff
/// onboard the company here: invite its first admin (or another user), send an invitation
/// again (the old link dies) or revoke it (the link dies and the account cannot sign in).
/// </summary>
public sealed class DetailsModel(LitigesDbContext db, CustomerOnboarding onboarding, IStringLocalizer t) : PageModel
{
    [BindProperty]
    public InviteInput Invite { get; set; } = new();

    public CustomerAccount Customer { get; private set; } = null!;

    public int OpenDisputes { get; private set; }

    public IReadOnlyList<CustomerUser> Users { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(int id, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(id, cancellationToken))
        {
            return NotFound();
        }

        Invite = new InviteInput { Language = Customer.Language, Admin = !Users.Any(u => u.IsAdmin && u.State == CustomerUserState.Active) };
        return Page();
    }

    public async Task<IActionResult> OnPostInviteAsync(int id, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(id, cancellationToken))
        {
            return NotFound();
        }

        if (ModelState.IsValid)
        {
            try
            {
                var invited = await onboarding.InviteAsync(id, new InvitationRequest(Invite.Email, Invite.Name, Invite.Language, Invite.Admin), User.DisplayName(), cancellationToken);
                TempData["Success"] = t["Customers.Invited", invited.Email, Formats.DateTime(invited.InvitationExpiresAt!.Value)].Value;
                return RedirectToPage(new { id });
            }
            catch (DomainException refused)
            {
                ModelState.AddModelError("Invite.Email", t.Message(refused));
            }
        }

        return Page();
    }

    public async Task<IActionResult> OnPostResendAsync(int id, string userId, CancellationToken cancellationToken)
    {
        try
        {
            var user = await onboarding.ResendAsync(id, userId, User.DisplayName(), cancellationToken);
            if (user is null)
            {
                return NotFound();
            }

            TempData["Success"] = t["Customers.Invited", user.Email, Formats.DateTime(user.InvitationExpiresAt!.Value)].Value;
        }
        catch (DomainException refused)
        {
            TempData["Error"] = t.Message(refused);
        }

        return RedirectToPage(new { id });
    }

    public async Task<IActionResult> OnPostRevokeAsync(int id, string userId)
    {
        try
        {
            var user = await onboarding.RevokeAsync(id, userId);
            if (user is null)
            {
                return NotFound();
            }

            TempData["Success"] = t["Customers.Revoked", user.Email].Value;
        }
        catch (DomainException refused)
        {
            TempData["Error"] = t.Message(refused);
        }

        return RedirectToPage(new { id });
    }

    /// <summary>Whether the company's credit-note e-mails carry the UBL XML beside the PDF.</summary>
    public async Task<IActionResult> OnPostDocumentsAsync(int id, bool sendUbl, CancellationToken cancellationToken)
    {
        var customer = await db.CustomerAccounts.SingleOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (customer is null)
        {
            return NotFound();
        }

        customer.SendUblWithCreditNotes(sendUbl);
        await db.SaveChangesAsync(cancellationToken);
        TempData["Success"] = t["Account.PreferencesSaved"].Value;
        return RedirectToPage(new { id });
    }

    private async Task<bool> LoadAsync(int id, CancellationToken cancellationToken)
    {
        var customer = await db.CustomerAccounts.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (customer is null)
        {
            return false;
        }

        Customer = customer;
        var open = DisputeStatuses.Open;
        OpenDisputes = await db.Disputes.CountAsync(d => d.CustomerAccountId == id && open.Contains(d.Status), cancellationToken);
        Users = await onboarding.UsersAsync(id, cancellationToken);
        return true;
    }

    public sealed class InviteInput
    {
        [Required(ErrorMessage = "Validation.Required")]
        [StringLength(200, ErrorMessage = "Settings.Validation.Length")]
        [Display(Name = "Customers.UserName")]
        public string Name { get; set; } = string.Empty;

        [Required(ErrorMessage = "Validation.Required")]
        [SingleEmailAddress]
        [StringLength(EmailAddressRule.MaxLength, ErrorMessage = "Settings.Validation.Length")]
        [Display(Name = "Account.Email")]
        public string Email { get; set; } = string.Empty;

        [RegularExpression("^(fr|en)$")]
        public string Language { get; set; } = "fr";

        public bool Admin { get; set; } = true;
    }
}
