using System.ComponentModel.DataAnnotations;
using Litiges.Accounts;
using Litiges.Data;
using Litiges.Localization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;

namespace Litiges.CustomerPortal.Pages.Company;

/// <summary>
/// A customer admin's page: the colleagues of the company (all see all its disputes), inviting a
/// new one by e-mail, and removing one who left. Anyone else gets "not found".
/// </summary>
public sealed class UsersModel(UserManager<AppUser> users, LitigesDbContext db, IStringLocalizer t) : PageModel
{
    [BindProperty]
    public InviteInput Invite { get; set; } = new();

    public IReadOnlyList<CustomerUser> Colleagues { get; private set; } = [];

    public string CompanyName { get; private set; } = string.Empty;

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (!await IsAdminAsync(cancellationToken))
        {
            return NotFound();
        }

        Invite.Language = User.FindFirst(LitigesClaims.Language)?.Value ?? "fr";
        await LoadAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostInviteAsync([FromServices] CustomerOnboarding onboarding, CancellationToken cancellationToken)
    {
        if (!await IsAdminAsync(cancellationToken))
        {
            return NotFound();
        }

        if (ModelState.IsValid)
        {
            try
            {
                var invited = await onboarding.InviteAsync(User.CustomerAccountId(), new InvitationRequest(Invite.Email, Invite.Name, Invite.Language, Invite.Admin), User.DisplayName(), cancellationToken);
                TempData["Success"] = t["Portal.Users.Invited", invited.Name, invited.Email, Formats.DateTime(invited.InvitationExpiresAt!.Value)].Value;
                return RedirectToPage();
            }
            catch (DomainException refused)
            {
                ModelState.AddModelError("Invite.Email", t[refused.Code == "Onboarding.AddressTaken" ? "Portal.Users.AddressTaken" : refused.Code, [.. refused.Arguments]]);
            }
        }

        await LoadAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostRemoveAsync(string userId, [FromServices] UserSessions sessions, CancellationToken cancellationToken)
    {
        if (!await IsAdminAsync(cancellationToken))
        {
            return NotFound();
        }

        var colleague = await FindColleagueAsync(userId);
        if (colleague is null)
        {
            return NotFound();
        }

        if (colleague.Id == User.UserId())
        {
            TempData["Error"] = t["Portal.Users.CannotRemoveYourself"].Value;
            return RedirectToPage();
        }

        // Deactivated, and signed out of every browser.
        colleague.Deactivate();
        await users.UpdateSecurityStampAsync(colleague);
        await sessions.EndAllAsync(colleague.Id, cancellationToken);
        TempData["Success"] = t["Portal.Users.Removed", colleague.DisplayName].Value;
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostResendAsync(string userId, [FromServices] CustomerOnboarding onboarding, CancellationToken cancellationToken)
    {
        if (!await IsAdminAsync(cancellationToken))
        {
            return NotFound();
        }

        try
        {
            var colleague = await onboarding.ResendAsync(User.CustomerAccountId(), userId, User.DisplayName(), cancellationToken);
            if (colleague is null)
            {
                return NotFound();
            }

            TempData["Success"] = t["Portal.Users.Invited", colleague.Name, colleague.Email, Formats.DateTime(colleague.InvitationExpiresAt!.Value)].Value;
        }
        catch (DomainException refused)
        {
            TempData["Error"] = t[refused.Code, [.. refused.Arguments]].Value;
        }

        return RedirectToPage();
    }

    private async Task<AppUser?> FindColleagueAsync(string userId)
    {
        var colleague = await users.FindByIdAsync(userId);
        return colleague is { Kind: UserKind.Customer } && colleague.CustomerAccountId == User.CustomerAccountId() ? colleague : null;
    }

    // The claim says who was an admin at sign-in; the database says who still is.
    private async Task<bool> IsAdminAsync(CancellationToken cancellationToken)
    {
        if (!User.IsCustomerAdmin())
        {
            return false;
        }

        var me = User.UserId();
        var company = User.CustomerAccountId();
        return await db.Users.AnyAsync(u => u.Id == me && u.IsCustomerAdmin && u.IsActive && u.CustomerAccountId == company, cancellationToken);
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var company = User.CustomerAccountId();
        CompanyName = await db.CustomerAccounts.AsNoTracking().Where(c => c.Id == company).Select(c => c.LegalName).SingleAsync(cancellationToken);

        // The same states and expiry as the back office shows (one reading of an invitation).
        Colleagues = await HttpContext.RequestServices.GetRequiredService<CustomerOnboarding>().UsersAsync(company, cancellationToken);
    }

    public sealed class InviteInput
    {
        [Required(ErrorMessage = "Validation.Required")]
        [StringLength(200)]
        [Display(Name = "Portal.Users.Name")]
        public string Name { get; set; } = string.Empty;

        [Required(ErrorMessage = "Validation.Required")]
        [SingleEmailAddress]
        [StringLength(EmailAddressRule.MaxLength)]
        [Display(Name = "Account.Email")]
        public string Email { get; set; } = string.Empty;

        [RegularExpression("^(fr|en)$")]
        public string Language { get; set; } = "fr";

        public bool Admin { get; set; }
    }
}
