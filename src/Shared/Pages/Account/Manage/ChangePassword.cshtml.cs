using System.ComponentModel.DataAnnotations;
using Litiges.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Litiges.Pages.Account.Manage;

/// <summary>Changes the password. Every other session ends; this browser signs in again on a new one.</summary>
public sealed class ChangePasswordModel(UserManager<AppUser> users, SignInManager<AppUser> signInManager, UserSessions sessions, IStringLocalizer t) : PageModel
{
    [BindProperty]
    public InputModel Input { get; set; } = new();

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!ModelState.IsValid)
        {
            return Page();
        }

        var user = await users.GetUserAsync(User);
        if (user is null)
        {
            return Challenge();
        }

        var result = await users.ChangePasswordAsync(user, Input.CurrentPassword, Input.NewPassword);
        if (!result.Succeeded)
        {
            foreach (var error in result.Errors)
            {
                ModelState.AddModelError(string.Empty, t["Identity." + error.Code]);
            }

            return Page();
        }

        await sessions.EndAllAsync(user.Id);
        await signInManager.RefreshSignInAsync(user);
        TempData["Success"] = t["Account.PasswordChanged"].Value;
        return RedirectToPage();
    }

    public sealed class InputModel
    {
        [Required(ErrorMessage = "Validation.Required")]
        [DataType(DataType.Password)]
        [Display(Name = "Account.CurrentPassword")]
        public string CurrentPassword { get; set; } = string.Empty;

        [Required(ErrorMessage = "Validation.Required")]
        [StringLength(200, MinimumLength = 10, ErrorMessage = "Validation.PasswordLength")]
        [DataType(DataType.Password)]
        [Display(Name = "Account.NewPassword")]
        public string NewPassword { get; set; } = string.Empty;

        [DataType(DataType.Password)]
        [Display(Name = "Account.ConfirmPassword")]
        [Compare(nameof(NewPassword), ErrorMessage = "Validation.PasswordsDiffer")]
        public string ConfirmPassword { get; set; } = string.Empty;
    }
}
