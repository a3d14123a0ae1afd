using System.ComponentModel.DataAnnotations;
using System.Text;
using Litiges.Accounts;
using Litiges.Data;
using Litiges.Notifications;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Litiges.CustomerPortal.Pages.Company;

/// <summary>
/// A customer admin's page: the colleagues of the company (all see all its disputes), inviting a
/// new one by e-mail, and removing one who left. Anyone else gets "not found".
/// </summary>
public sealed class UsersModel(UserManager<AppUser> users, LitigesDbContext db, TimeProvider clock, IStringLocalizer t) : PageModel
{
    [BindProperty]
    public InviteInput Invite { get; set; } = new();

    public IReadOnlyList<Colleague> Colleagues { get; private set; } = [];

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

    public async Task<IActionResult> OnPostInviteAsync([FromServices] MailSettings mail, CancellationToken cancellationToken)
    {
        if (!await IsAdminAsync(cancellationToken))
        {
            return NotFound();
        }

        if (!ModelState.IsValid)
        {
            await LoadAsync(cancellationToken);
            return Page();
        }

        var company = User.CustomerAccountId();
        var email = Invite.Email.Trim();
        var existing = await users.FindByEmailAsync(email);
        if (existing is not null && (existing.Kind != UserKind.Customer || existing.CustomerAccountId != company || (existing.IsActive && existing.EmailConfirmed)))
        {
            ModelState.AddModelError("Invite.Email", t["Portal.Users.AddressTaken", email]);
            await LoadAsync(cancellationToken);
            return Page();
        }

        // The account and its invitation e-mail are saved together, inside the execution strategy
        // (a retrying strategy, as on SQL Server and PostgreSQL, refuses a transaction outside it).
        var strategy = db.Database.CreateExecutionStrategy();
        var (invited, errors) = await strategy.ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var invited = existing is null ? null : await users.FindByIdAsync(existing.Id);
            if (invited is null)
            {
                invited = AppUser.NewCustomer(email, Invite.Name.Trim(), company, Invite.Admin, Invite.Language);
                var created = await users.CreateAsync(invited);
                if (!created.Succeeded)
                {
                    return (invited, created.Errors.ToList());
                }
            }
            else
            {
                // A colleague removed earlier, or one who never accepted: invited again.
                invited.Reactivate();
                await users.UpdateAsync(invited);
            }

            await QueueInvitationAsync(invited, mail);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return (invited, new List<IdentityError>());
        });
        if (errors.Count > 0)
        {
            foreach (var error in errors)
            {
                ModelState.AddModelError("Invite.Email", t["Identity." + error.Code]);
            }

            await LoadAsync(cancellationToken);
            return Page();
        }

        TempData["Success"] = t["Portal.Users.Invited", invited.DisplayName, email].Value;
        return RedirectToPage();
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

    public async Task<IActionResult> OnPostResendAsync(string userId, [FromServices] MailSettings mail, CancellationToken cancellationToken)
    {
        if (!await IsAdminAsync(cancellationToken))
        {
            return NotFound();
        }

        var colleague = await FindColleagueAsync(userId);
        if (colleague is null || colleague.EmailConfirmed || !colleague.IsActive)
        {
            return NotFound();
        }

        await QueueInvitationAsync(colleague, mail);
        await db.SaveChangesAsync(cancellationToken);
        TempData["Success"] = t["Portal.Users.Invited", colleague.DisplayName, colleague.Email!].Value;
        return RedirectToPage();
    }

    private async Task QueueInvitationAsync(AppUser invited, MailSettings mail)
    {
        var token = WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(await users.GeneratePasswordResetTokenAsync(invited)));
        var link = mail.PublicPortalUrl.TrimEnd('/') + Url.Page("/Account/ResetPassword", new { userId = invited.Id, code = token });
        var company = await db.CustomerAccounts.Where(c => c.Id == invited.CustomerAccountId).Select(c => c.LegalName).SingleAsync();
        Outbox.QueueEmail(db, "Invitation", invited.Email!, invited.Language, clock.GetUtcNow(), link, invited.DisplayName, User.DisplayName(), company);
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
        Colleagues = await db.Users.AsNoTracking()
            .Where(u => u.CustomerAccountId == company && u.Kind == UserKind.Customer)
            .OrderBy(u => u.DisplayName)
            .Select(u => new Colleague(u.Id, u.DisplayName, u.Email ?? string.Empty, u.IsCustomerAdmin, !u.IsActive ? ColleagueState.Removed : u.EmailConfirmed ? ColleagueState.Active : ColleagueState.Invited))
            .ToListAsync(cancellationToken);
    }

    public enum ColleagueState
    {
        Active,
        Invited,
        Removed,
    }

    public sealed record Colleague(string Id, string Name, string Email, bool IsAdmin, ColleagueState State);

    public sealed class InviteInput
    {
        [Required(ErrorMessage = "Validation.Required")]
        [StringLength(200)]
        [Display(Name = "Portal.Users.Name")]
        public string Name { get; set; } = string.Empty;

        [Required(ErrorMessage = "Validation.Required")]
        [EmailAddress(ErrorMessage = "Validation.Email")]
        [StringLength(256)]
        [Display(Name = "Account.Email")]
        public string Email { get; set; } = string.Empty;

        [RegularExpression("^(fr|en)$")]
        public string Language { get; set; } = "fr";

        public bool Admin { get; set; }
    }
}
