using System.ComponentModel.DataAnnotations;
using Litiges.Accounts;
using Litiges.Hosting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Litiges.Pages.Account;

/// <summary>
/// Sign-in: only users of this app's kind get in. An unknown address, a user of the other app, a
/// closed or a locked account all get the answer of a wrong password, after the same hash work;
/// the owner of a locked account learns it by e-mail.
/// </summary>
[AllowAnonymous]
[EnableRateLimiting(RateLimits.SignIn)]
public sealed class LoginModel(SignInManager<AppUser> signInManager, AppIdentity app, IStringLocalizer t) : PageModel
{
    [BindProperty]
    public InputModel Input { get; set; } = new();

    public async Task OnGetAsync() =>
        await HttpContext.SignOutAsync(IdentityConstants.ExternalScheme);

    public async Task<IActionResult> OnPostAsync(string? returnUrl)
    {
        returnUrl = Url.IsLocalUrl(returnUrl) ? returnUrl : "/";
        if (!ModelState.IsValid)
        {
            return Page();
        }

        var user = await signInManager.UserManager.FindByEmailAsync(Input.Email);
        if (user is null || user.Kind != app.Kind || !user.IsActive)
        {
            PasswordDecoy.Verify(signInManager.UserManager.PasswordHasher, Input.Password);
            ModelState.AddModelError(string.Empty, t["Account.InvalidSignIn"]);
            return Page();
        }

        var result = await signInManager.PasswordSignInAsync(user, Input.Password, Input.RememberMe, lockoutOnFailure: true);
        if (result.Succeeded)
        {
            return LocalRedirect(returnUrl);
        }

        if (result.RequiresTwoFactor)
        {
            return RedirectToPage("./LoginWith2fa", new { returnUrl, rememberMe = Input.RememberMe });
        }

        ModelState.AddModelError(string.Empty, result.IsNotAllowed ? t["Account.EmailNotConfirmed"] : t["Account.InvalidSignIn"]);
        return Page();
    }

    public sealed class InputModel
    {
        [Required(ErrorMessage = "Validation.Required")]
        [EmailAddress(ErrorMessage = "Validation.Email")]
        [Display(Name = "Account.Email")]
        public string Email { get; set; } = string.Empty;

        [Required(ErrorMessage = "Validation.Required")]
        [DataType(DataType.Password)]
        [Display(Name = "Account.Password")]
        public string Password { get; set; } = string.Empty;

        [Display(Name = "Account.RememberMe")]
        public bool RememberMe { get; set; }
    }
}
