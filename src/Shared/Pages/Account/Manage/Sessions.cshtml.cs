using Litiges.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Litiges.Pages.Account.Manage;

/// <summary>The browsers the user is signed in on, and "sign out everywhere" (a lost phone, a shared computer).</summary>
public sealed class SessionsModel(UserSessions sessions, SignInManager<AppUser> signInManager) : PageModel
{
    public IReadOnlyList<UserSession> Open { get; private set; } = [];

    public Guid? Current { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Open = await sessions.OpenAsync(User.UserId(), cancellationToken);
        Current = UserSessions.IdOf(User);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        await sessions.EndAllAsync(User.UserId(), cancellationToken);
        await signInManager.SignOutAsync();
        return RedirectToPage("/Account/Logout");
    }
}
