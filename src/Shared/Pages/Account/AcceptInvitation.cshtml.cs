using System.ComponentModel.DataAnnotations;
using Litiges.Accounts;
using Litiges.Hosting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Localization;

namespace Litiges.Pages.Account;

/// <summary>
/// Where an invitation link lands (a customer user invited to the portal, a staff administrator
/// created by <c>create-admin</c>): the person chooses a first password, which proves the address
/// and uses the link up. A dead link (expired, replaced by a newer one, revoked, already used) says so.
/// </summary>
[AllowAnonymous]
[EnableRateLimiting(RateLimits.PasswordReset)]
public sealed class AcceptInvitationModel(UserManager<AppUser> users, InvitationLinks links, AppIdentity app, IStringLocalizer t) : PageModel
{
    [BindProperty]
    public InputModel Input { get; set; } = new();

    public bool LinkValid { get; private set; }

    public bool Done { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? userId, string? code)
    {
        if (string.IsNullOrEmpty(userId) || string.IsNullOrEmpty(code))
        {
            return BadRequest();
        }

        Input = new InputModel { UserId = userId, Code = code };
        LinkValid = await FindAsync(userId) is { } user && await links.IsValidAsync(user, code);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var user = await FindAsync(Input.UserId);
        LinkValid = user is not null && await links.IsValidAsync(user, Input.Code);
        if (!LinkValid || !ModelState.IsValid)
        {
            return Page();
        }

        var result = await links.AcceptAsync(user!, Input.Code, Input.Password);
        if (!result.Succeeded)
        {
            foreach (var error in result.Errors)
            {
                ModelState.AddModelError(string.Empty, error.Code == "InvalidToken" ? t["Account.InvalidLink"] : t["Identity." + error.Code]);
            }

            return Page();
        }

        Done = true;
        return Page();
    }

    private async Task<AppUser?> FindAsync(string userId) =>
        await users.FindByIdAsync(userId) is { } user && user.Kind == app.Kind ? user : null;

    public sealed class InputModel
    {
        [Required]
        public string UserId { get; set; } = string.Empty;

        [Required]
        public string Code { get; set; } = string.Empty;

        [Required(ErrorMessage = "Validation.Required")]
        [StringLength(200, MinimumLength = 10, ErrorMessage = "Validation.PasswordLength")]
        [DataType(DataType.Password)]
        [Display(Name = "Account.NewPassword")]
        public string Password { get; set; } = string.Empty;

        [DataType(DataType.Password)]
        [Display(Name = "Account.ConfirmPassword")]
        [Compare(nameof(Password), ErrorMessage = "Validation.PasswordsDiffer")]
        public string ConfirmPassword { get; set; } = string.Empty;
    }
}
