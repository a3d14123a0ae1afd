using Litiges.Accounts;
using Litiges.Data;
using Litiges.Localization;
using Litiges.Notifications;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Litiges.Pages.Account.Manage;

/// <summary>
/// The user's mobile number for SMS alerts: entered (normalised to E.164, a French landline
/// refused), proved by a code sent by SMS, changed (then proved again) or removed. The code's SMS
/// is queued with the user's new state in one save; it leaves at any hour.
/// </summary>
public sealed class MobileModel(UserManager<AppUser> users, LitigesDbContext db, TimeProvider clock, IStringLocalizer t, Microsoft.Extensions.Options.IOptions<SmsOptions> sms) : PageModel
{
    /// <summary>With <c>Sms:Provider</c> "Off" the page is not there: no number to prove, no code to send.</summary>
    [NonHandler]
    public override void OnPageHandlerExecuting(Microsoft.AspNetCore.Mvc.Filters.PageHandlerExecutingContext context)
    {
        if (!sms.Value.Offered)
        {
            context.Result = NotFound();
        }
    }

    [BindProperty]
    public string? Number { get; set; }

    [BindProperty]
    public string? Code { get; set; }

    /// <summary>The number held, as a person reads it; null when there is none.</summary>
    public string? Current { get; private set; }

    public bool Verified { get; private set; }

    public bool AwaitingCode { get; private set; }

    /// <summary>The phone answered STOP: nothing is sent to it until START.</summary>
    public bool Stopped { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        if (await UserAsync() is not { } user)
        {
            return Challenge();
        }

        return Show(user);
    }

    /// <summary>A number to prove (new, or in place of the one held): a code goes to it.</summary>
    public async Task<IActionResult> OnPostNumberAsync()
    {
        if (await UserAsync() is not { } user)
        {
            return Challenge();
        }

        if (!MobileNumber.TryNormalise(Number, out var number, out var problem))
        {
            ModelState.AddModelError(nameof(Number), t["Error." + problem]);
            return Show(user);
        }

        return await SendCodeAsync(user, number);
    }

    /// <summary>Another code for the number awaiting proof.</summary>
    public async Task<IActionResult> OnPostResendAsync()
    {
        if (await UserAsync() is not { } user)
        {
            return Challenge();
        }

        if (user.PhoneNumber is null)
        {
            ModelState.AddModelError(nameof(Number), t["Mobile.CodeNoCode"]);
            return Show(user);
        }

        return await SendCodeAsync(user, user.PhoneNumber);
    }

    public async Task<IActionResult> OnPostVerifyAsync()
    {
        if (await UserAsync() is not { } user)
        {
            return Challenge();
        }

        var check = user.VerifyMobile(Code, clock.GetUtcNow());
        if (!await SaveAsync(user))
        {
            return Show(user);
        }

        if (check != MobileCodeCheck.Verified)
        {
            ModelState.AddModelError(nameof(Code), check == MobileCodeCheck.Wrong
                ? t["Mobile.CodeWrong", AppUser.MobileCodeMaxAttempts - user.MobileCodeAttempts]
                : t["Mobile.Code" + check]);
            return Show(user);
        }

        TempData["Success"] = t["Mobile.VerifiedNow"].Value;
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostRemoveAsync()
    {
        if (await UserAsync() is not { } user)
        {
            return Challenge();
        }

        user.RemoveMobile();
        if (!await SaveAsync(user))
        {
            return Show(user);
        }

        TempData["Success"] = t["Mobile.Removed"].Value;
        return RedirectToPage();
    }

    private async Task<IActionResult> SendCodeAsync(AppUser user, string number)
    {
        var now = clock.GetUtcNow();
        try
        {
            var code = user.RequestMobileCode(number, now);
            Outbox.QueueSms(db, SmsAlerts.VerificationKind, number, user.Language, now, code, code);
        }
        catch (DomainException refused)
        {
            ModelState.AddModelError(nameof(Number), t.Message(refused));
            return Show(user);
        }

        // The user's new state and the code's SMS, in the one save of the user manager's context.
        if (!await SaveAsync(user))
        {
            return Show(user);
        }

        TempData["Success"] = t["Mobile.CodeSent", MobileNumber.Display(number)].Value;
        return RedirectToPage();
    }

    private Task<AppUser?> UserAsync() => users.GetUserAsync(User);

    private async Task<bool> SaveAsync(AppUser user)
    {
        var result = await users.UpdateAsync(user);
        if (!result.Succeeded)
        {
            ModelState.AddModelError(string.Empty, t["Identity.ConcurrencyFailure"]);
        }

        return result.Succeeded;
    }

    private PageResult Show(AppUser user)
    {
        Current = user.PhoneNumber is { } number ? MobileNumber.Display(number) : null;
        Verified = user.HasVerifiedMobile;
        AwaitingCode = !Verified && user.AwaitsMobileCode(clock.GetUtcNow());
        Stopped = user.SmsStoppedAt is not null;
        return Page();
    }
}
