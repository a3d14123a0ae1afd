using System.ComponentModel.DataAnnotations;
using Litiges.Accounts;
using Litiges.Data;
using Litiges.Localization;
using Litiges.Notifications;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Litiges.BackOffice.Pages.Staff;

/// <summary>
/// Invites a staff member (an e-mail whose link sets the first password, through the ordinary
/// password reset page), changes a member's name, language, department and roles, and
/// deactivates or reactivates an account. An administrator cannot lock themselves out.
/// </summary>
public sealed class EditModel(UserManager<AppUser> users, LitigesDbContext db, TimeProvider clock, IStringLocalizer t) : PageModel
{
    [BindProperty]
    public InputModel Input { get; set; } = new();

    public AppUser? Existing { get; private set; }

    public IReadOnlyDictionary<int, LocalizedText> Departments { get; private set; } = new Dictionary<int, LocalizedText>();

    public async Task<IActionResult> OnGetAsync(string? id, CancellationToken cancellationToken)
    {
        if (id is not null)
        {
            Existing = await StaffAsync(id);
            if (Existing is null)
            {
                return NotFound();
            }

            Input = new InputModel
            {
                Email = Existing.Email,
                Name = Existing.DisplayName,
                Language = Existing.Language,
                DepartmentId = Existing.DepartmentId,
                Roles = [.. await users.GetRolesAsync(Existing)],
            };
        }

        await LoadListsAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string? id, CancellationToken cancellationToken)
    {
        Existing = id is null ? null : await StaffAsync(id);
        if (id is not null && Existing is null)
        {
            return NotFound();
        }

        var roles = Input.Roles.Where(StaffRoles.All.Contains).Distinct().ToList();
        if (roles.Count == 0)
        {
            ModelState.AddModelError("Input.Roles", t["Staff.RoleRequired"]);
        }

        if (Existing is not null && Existing.Id == users.GetUserId(User) && !roles.Contains(StaffRoles.Admin))
        {
            ModelState.AddModelError("Input.Roles", t["Staff.KeepOwnAdmin"]);
        }

        if (Existing is null && string.IsNullOrWhiteSpace(Input.Email))
        {
            ModelState.AddModelError("Input.Email", t["Validation.Required", t["Account.Email"].Value]);
        }

        if (Input.DepartmentId is { } departmentId && !await db.Departments.AnyAsync(d => d.Id == departmentId, cancellationToken))
        {
            ModelState.AddModelError("Input.DepartmentId", t["Settings.DepartmentRequired"]);
        }

        if (!ModelState.IsValid)
        {
            await LoadListsAsync(cancellationToken);
            return Page();
        }

        var user = Existing ?? AppUser.NewStaff(Input.Email!.Trim(), Input.Name!.Trim(), Input.DepartmentId, Input.Language);
        IdentityResult result;
        if (Existing is null)
        {
            result = await users.CreateAsync(user);
        }
        else
        {
            user.Rename(Input.Name!);
            user.ChangeLanguage(Input.Language);
            user.MoveToDepartment(Input.DepartmentId);
            result = await users.UpdateAsync(user);
        }

        if (result.Succeeded)
        {
            var current = await users.GetRolesAsync(user);
            result = await users.RemoveFromRolesAsync(user, current.Except(roles));
            if (result.Succeeded)
            {
                result = await users.AddToRolesAsync(user, roles.Except(current));
            }
        }

        if (!result.Succeeded)
        {
            foreach (var error in result.Errors)
            {
                ModelState.AddModelError(string.Empty, t["Identity." + error.Code]);
            }

            await LoadListsAsync(cancellationToken);
            return Page();
        }

        if (Existing is null)
        {
            await InviteAsync(user, cancellationToken);
            TempData["Success"] = t["Staff.InvitationSent", user.Email!].Value;
        }
        else
        {
            TempData["Success"] = t["Staff.Saved", user.DisplayName].Value;
        }

        return RedirectToPage("./Index");
    }

    /// <summary>Sends the invitation again, for someone who has not chosen a password yet (or lost the e-mail).</summary>
    public async Task<IActionResult> OnPostResendAsync(string id, CancellationToken cancellationToken)
    {
        var user = await StaffAsync(id);
        if (user is null || !user.IsActive)
        {
            return NotFound();
        }

        await InviteAsync(user, cancellationToken);
        TempData["Success"] = t["Staff.InvitationSent", user.Email!].Value;
        return RedirectToPage("./Index");
    }

    /// <summary>Deactivates the account: sign-in is refused and open sessions end at once.</summary>
    public async Task<IActionResult> OnPostDeactivateAsync(string id, [FromServices] UserSessions sessions)
    {
        var user = await StaffAsync(id);
        if (user is null)
        {
            return NotFound();
        }

        if (user.Id == users.GetUserId(User))
        {
            TempData["Error"] = t["Staff.KeepOwnAccount"].Value;
            return RedirectToPage(new { id });
        }

        user.Deactivate();
        await users.UpdateAsync(user);
        await users.UpdateSecurityStampAsync(user);
        await sessions.EndAllAsync(user.Id);
        TempData["Success"] = t["Staff.DeactivatedDone", user.DisplayName].Value;
        return RedirectToPage("./Index");
    }

    public async Task<IActionResult> OnPostReactivateAsync(string id)
    {
        var user = await StaffAsync(id);
        if (user is null)
        {
            return NotFound();
        }

        user.Reactivate();
        await users.UpdateAsync(user);
        TempData["Success"] = t["Staff.ReactivatedDone", user.DisplayName].Value;
        return RedirectToPage("./Index");
    }

    private async Task InviteAsync(AppUser user, CancellationToken cancellationToken)
    {
        // The same one-time invitation link as create-admin and customer invitations (Accounts:InvitationDays),
        // on the configured back-office address; a new one kills the one sent before.
        var link = await HttpContext.RequestServices.GetRequiredService<InvitationLinks>().IssueAsync(user);
        Outbox.QueueEmail(db, "StaffInvitation", user.Email!, user.Language, clock.GetUtcNow(), link.Url, user.DisplayName, User.DisplayName());
        await db.SaveChangesAsync(cancellationToken);
    }

    private async Task<AppUser?> StaffAsync(string id) =>
        await users.FindByIdAsync(id) is { Kind: UserKind.Staff } user ? user : null;

    private async Task LoadListsAsync(CancellationToken cancellationToken) =>
        Departments = await db.Departments.AsNoTracking().OrderBy(d => d.Code).ToDictionaryAsync(d => d.Id, d => d.Name, cancellationToken);

    public sealed class InputModel
    {
        [SingleEmailAddress]
        [StringLength(EmailAddressRule.MaxLength, ErrorMessage = "Settings.Validation.Length")]
        [Display(Name = "Account.Email")]
        public string? Email { get; set; }

        [Required(ErrorMessage = "Validation.Required")]
        [StringLength(200, ErrorMessage = "Settings.Validation.Length")]
        [Display(Name = "Staff.Name")]
        public string? Name { get; set; }

        public string Language { get; set; } = "fr";

        public int? DepartmentId { get; set; }

        public List<string> Roles { get; set; } = [];
    }
}
