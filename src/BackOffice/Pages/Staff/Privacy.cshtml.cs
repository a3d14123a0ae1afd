using System.ComponentModel.DataAnnotations;
using Litiges.Accounts;
using Litiges.Data;
using Litiges.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Litiges.BackOffice.Pages.Staff;

/// <summary>
/// Personal data requests, for administrators: find any user (customer or staff) by e-mail,
/// download what the product holds about them, or anonymise them for good.
/// </summary>
public sealed class PrivacyModel(LitigesDbContext db, PersonalData personalData, IStringLocalizer t) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Email { get; set; }

    [BindProperty]
    public InputModel Input { get; set; } = new();

    public FoundUser? Found { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken) => await FindAsync(cancellationToken);

    public async Task<IActionResult> OnGetExportAsync(string userId, CancellationToken cancellationToken)
    {
        if (await personalData.ExportAsync(userId, cancellationToken) is not { } export)
        {
            return NotFound();
        }

        Response.MarkPrivateDownload();
        return File(export.ToJson(), "application/json", export.FileName);
    }

    public async Task<IActionResult> OnPostAnonymiseAsync(CancellationToken cancellationToken)
    {
        var user = await db.Users.AsNoTracking().Where(u => u.Id == Input.UserId).Select(u => new { u.Id, u.Email, u.AnonymisedAt }).SingleOrDefaultAsync(cancellationToken);
        if (user is null)
        {
            return NotFound();
        }

        if (user.Id == User.UserId())
        {
            TempData["Error"] = t["Privacy.NotYourself"].Value;
            return RedirectToPage(new { email = user.Email });
        }

        if (!string.Equals(Input.ConfirmEmail?.Trim(), user.Email, StringComparison.OrdinalIgnoreCase))
        {
            Email = user.Email;
            await FindAsync(cancellationToken);
            ModelState.AddModelError("Input.ConfirmEmail", t["Privacy.ConfirmMismatch"]);
            return Page();
        }

        var done = await personalData.AnonymiseAsync(user.Id, User.UserId(), User.DisplayName(), HttpContext.Connection.RemoteIpAddress?.ToString(), cancellationToken);
        TempData[done ? "Success" : "Error"] = t[done ? "Privacy.Anonymised" : "Privacy.AlreadyAnonymised", AppUser.AnonymousLabel(user.Id)].Value;
        return RedirectToPage(new { email = done ? AppUser.AnonymousLabel(user.Id).ToLowerInvariant() + "@anonyme.invalid" : user.Email });
    }

    private async Task FindAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(Email))
        {
            return;
        }

        var normalized = Email.Trim().ToUpperInvariant();
        Found = await db.Users.AsNoTracking()
            .Where(u => u.NormalizedEmail == normalized)
            .Select(u => new FoundUser(u.Id, u.DisplayName, u.Email!, u.Kind, u.CustomerAccountId == null ? null : db.CustomerAccounts.Where(c => c.Id == u.CustomerAccountId).Select(c => c.LegalName).FirstOrDefault(), u.IsActive, u.AnonymisedAt))
            .SingleOrDefaultAsync(cancellationToken);
    }

    public sealed record FoundUser(string Id, string Name, string Email, UserKind Kind, string? Company, bool IsActive, DateTimeOffset? AnonymisedAt);

    public sealed class InputModel
    {
        public string UserId { get; set; } = string.Empty;

        [Display(Name = "Privacy.ConfirmEmail")]
        public string? ConfirmEmail { get; set; }
    }
}
