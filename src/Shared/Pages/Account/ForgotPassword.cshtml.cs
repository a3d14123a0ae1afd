using System.ComponentModel.DataAnnotations;
using System.Text;
using Litiges.Accounts;
using Litiges.Data;
using Litiges.Hosting;
using Litiges.Notifications;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.WebUtilities;

namespace Litiges.Pages.Account;

/// <summary>
/// Sends a reset link, on the public address of the user's own app (never the request's Host); answers
/// the same whether or not the address is known, so accounts cannot be probed.
/// </summary>
[AllowAnonymous]
[EnableRateLimiting(RateLimits.PasswordReset)]
public sealed class ForgotPasswordModel(UserManager<AppUser> users, LitigesDbContext db, AppIdentity app, PublicLinks links, TimeProvider clock) : PageModel
{
    [BindProperty]
    public InputModel Input { get; set; } = new();

    public bool Sent { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!ModelState.IsValid)
        {
            return Page();
        }

        var user = await users.FindByEmailAsync(Input.Email);
        if (user is not null && user.Kind == app.Kind && user.IsActive && await users.IsEmailConfirmedAsync(user))
        {
            var token = WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(await users.GeneratePasswordResetTokenAsync(user)));
            var link = links.For(user.Kind, Url.Page("/Account/ResetPassword", new { userId = user.Id, code = token })!);
            Outbox.QueueEmail(db, "ResetPassword", user.Email!, user.Language, clock.GetUtcNow(), link, user.DisplayName);
            await db.SaveChangesAsync();
        }
        else
        {
            // The same token work for no one, so that the answer's timing says little more than its text.
            _ = await users.GeneratePasswordResetTokenAsync(PasswordDecoy.Nobody);
        }

        Sent = true;
        return Page();
    }

    public sealed class InputModel
    {
        [Required(ErrorMessage = "Validation.Required")]
        [EmailAddress(ErrorMessage = "Validation.Email")]
        [Display(Name = "Account.Email")]
        public string Email { get; set; } = string.Empty;
    }
}
