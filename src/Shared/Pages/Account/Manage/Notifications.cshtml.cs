using Litiges.Accounts;
using Litiges.Notifications;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Litiges.Pages.Account.Manage;

/// <summary>Each user turns off the messages that are not essential; essential ones always leave.</summary>
public sealed class NotificationsModel(UserManager<AppUser> users, IStringLocalizer t) : PageModel
{
    public IReadOnlyList<string> Kinds => NotificationKinds.Optional;

    public IReadOnlySet<string> Muted { get; private set; } = new HashSet<string>();

    /// <summary>What always leaves, for this kind of user: listed so that nobody expects to turn it off.</summary>
    public IReadOnlyList<string> Essential { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        var user = await users.GetUserAsync(User);
        if (user is null)
        {
            return Challenge();
        }

        Muted = Kinds.Where(user.HasMuted).ToHashSet();
        Essential = user.Kind == UserKind.Staff ? NotificationKinds.EssentialForStaff : NotificationKinds.EssentialForCustomers;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string[] enabled)
    {
        var user = await users.GetUserAsync(User);
        if (user is null)
        {
            return Challenge();
        }

        user.MuteNotifications(Kinds.Where(kind => !enabled.Contains(kind)));
        var result = await users.UpdateAsync(user);
        TempData[result.Succeeded ? "Success" : "Error"] = t[result.Succeeded ? "Account.PreferencesSaved" : "Identity.ConcurrencyFailure"].Value;
        return RedirectToPage();
    }
}
