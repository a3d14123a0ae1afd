using Litiges.Accounts;
using Litiges.Notifications;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace Litiges.Pages.Account.Manage;

/// <summary>
/// Each user turns off the messages that are not essential; essential ones always leave. Staff
/// also choose, per event on their disputes, to get it at once, in the daily digest, or (news,
/// not work) not at all. With a proved mobile number, a few events may come by SMS too (off
/// unless ticked).
/// </summary>
public sealed class NotificationsModel(UserManager<AppUser> users, IOptions<SmsOptions> sms, IStringLocalizer t) : PageModel
{
    public IReadOnlyList<string> Kinds => NotificationKinds.Optional;

    public IReadOnlySet<string> Muted { get; private set; } = new HashSet<string>();

    /// <summary>What always leaves, for this kind of user: listed so that nobody expects to turn it off.</summary>
    public IReadOnlyList<string> Essential { get; private set; } = [];

    /// <summary>The staff's per-event choices; empty for a customer.</summary>
    public IReadOnlyDictionary<string, NotificationDelivery> Deliveries { get; private set; } = new Dictionary<string, NotificationDelivery>();

    /// <summary>The events this user may also receive by SMS.</summary>
    public IReadOnlyList<string> SmsKinds { get; private set; } = [];

    public IReadOnlySet<string> SmsChosen { get; private set; } = new HashSet<string>();

    /// <summary>SMS alerts are offered only to a proved number.</summary>
    public bool MobileVerified { get; private set; }

    /// <summary>The phone answered STOP: the choices are kept but nothing is sent.</summary>
    public bool SmsStopped { get; private set; }

    /// <summary>When SMS alerts wait (Paris time), as the page states it.</summary>
    public SmsQuietHours QuietHours => sms.Value.QuietHours;

    /// <summary>Whether SMS alerts are offered at all (<c>Sms:Provider</c> is not "Off").</summary>
    public bool SmsOffered => sms.Value.Offered;

    public async Task<IActionResult> OnGetAsync()
    {
        var user = await users.GetUserAsync(User);
        if (user is null)
        {
            return Challenge();
        }

        Muted = Kinds.Where(user.HasMuted).ToHashSet();
        Essential = user.Kind == UserKind.Staff ? NotificationKinds.EssentialForStaff : NotificationKinds.EssentialForCustomers;
        if (user.Kind == UserKind.Staff)
        {
            Deliveries = NotificationKinds.StaffDisputeNotices.ToDictionary(kind => kind, user.DeliveryOf);
        }

        SmsKinds = SmsAlerts.For(user.Kind);
        SmsChosen = user.SmsAlertList.ToHashSet();
        MobileVerified = user.HasVerifiedMobile;
        SmsStopped = user.SmsStoppedAt is not null;
        return Page();
    }

    /// <param name="delivery">Per staff event, "Immediately", "Digest" or "Off"; a value that is none of these is ignored.</param>
    /// <param name="sms">The events to receive by SMS as well; taken only from a user whose number is proved.</param>
    public async Task<IActionResult> OnPostAsync(string[] enabled, Dictionary<string, string>? delivery, string[] sms)
    {
        var user = await users.GetUserAsync(User);
        if (user is null)
        {
            return Challenge();
        }

        user.MuteNotifications(Kinds.Where(kind => !enabled.Contains(kind)));
        if (user.Kind == UserKind.Staff && delivery is not null)
        {
            var choices = new Dictionary<string, NotificationDelivery>();
            foreach (var kind in NotificationKinds.StaffDisputeNotices)
            {
                if (delivery.TryGetValue(kind, out var chosen) && Enum.TryParse<NotificationDelivery>(chosen, out var parsed) && Enum.IsDefined(parsed))
                {
                    choices[kind] = parsed;
                }
            }

            user.ChooseDeliveries(choices);
        }

        if (user.HasVerifiedMobile && SmsOffered)
        {
            user.ChooseSmsAlerts(sms);
        }

        var result = await users.UpdateAsync(user);
        TempData[result.Succeeded ? "Success" : "Error"] = t[result.Succeeded ? "Account.PreferencesSaved" : "Identity.ConcurrencyFailure"].Value;
        return RedirectToPage();
    }
}
