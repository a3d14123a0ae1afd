using System.ComponentModel.DataAnnotations;
using Litiges.Accounts;
using Litiges.Data;
using Litiges.Disputes;
using Litiges.Localization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Litiges.BackOffice.Pages.Settings.Departments;

/// <summary>
/// The departments that resolve disputes, and who belongs to each: a resolver sees the disputes
/// and tasks of their department. A member's new department applies at their next sign-in, or
/// within minutes when their session is refreshed.
/// </summary>
public sealed class IndexModel(LitigesDbContext db, UserManager<AppUser> users, IStringLocalizer t) : PageModel
{
    [BindProperty]
    public DepartmentInput Input { get; set; } = new();

    public IReadOnlyList<Department> Departments { get; private set; } = [];

    public IReadOnlyList<Member> Staff { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    public async Task<IActionResult> OnPostAddAsync(CancellationToken cancellationToken)
    {
        var code = Input.Code?.Trim().ToUpperInvariant() ?? string.Empty;
        if (code.Length is < 2 or > 40 || !code.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
        {
            ModelState.AddModelError("Input.Code", t["Settings.DepartmentCodeInvalid"]);
        }
        else if (await db.Departments.AnyAsync(d => d.Code == code, cancellationToken))
        {
            ModelState.AddModelError("Input.Code", t["Settings.CodeTaken", code]);
        }

        if (!ModelState.IsValid)
        {
            await LoadAsync(cancellationToken);
            return Page();
        }

        db.Departments.Add(new Department(code, new LocalizedText(Input.NameFr!.Trim(), Input.NameEn!.Trim())));
        await db.SaveChangesAsync(cancellationToken);
        TempData["Success"] = t["Settings.DepartmentAdded", Input.NameFr!.Trim()].Value;
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostRenameAsync(int departmentId, CancellationToken cancellationToken)
    {
        var department = await db.Departments.SingleOrDefaultAsync(d => d.Id == departmentId, cancellationToken);
        if (department is null)
        {
            return NotFound();
        }

        ModelState.Remove("Input.Code");
        if (!ModelState.IsValid)
        {
            await LoadAsync(cancellationToken);
            return Page();
        }

        department.Rename(new LocalizedText(Input.NameFr!.Trim(), Input.NameEn!.Trim()));
        await db.SaveChangesAsync(cancellationToken);
        TempData["Success"] = t["Settings.DepartmentRenamed"].Value;
        return RedirectToPage();
    }

    /// <summary>Puts a staff member in a department, or in none.</summary>
    public async Task<IActionResult> OnPostMoveAsync(string userId, int? departmentId, CancellationToken cancellationToken)
    {
        var user = await users.FindByIdAsync(userId);
        if (user is null || user.Kind != UserKind.Staff)
        {
            return NotFound();
        }

        if (departmentId is { } id && !await db.Departments.AnyAsync(d => d.Id == id, cancellationToken))
        {
            return NotFound();
        }

        user.MoveToDepartment(departmentId);
        var result = await users.UpdateAsync(user);
        if (result.Succeeded)
        {
            TempData["Success"] = t["Settings.MemberMoved", user.DisplayName].Value;
        }
        else
        {
            TempData["Error"] = string.Join(" ", result.Errors.Select(e => t["Identity." + e.Code].Value));
        }

        return RedirectToPage();
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        Departments = await db.Departments.AsNoTracking().OrderBy(d => d.Code).ToListAsync(cancellationToken);
        var resolverRole = db.Roles.Where(r => r.Name == StaffRoles.Resolver).Select(r => r.Id);
        Staff = await db.Users.AsNoTracking()
            .Where(u => u.Kind == UserKind.Staff && u.IsActive)
            .OrderBy(u => u.DisplayName).ThenBy(u => u.Id)
            .Select(u => new Member(u.Id, u.DisplayName, u.Email ?? string.Empty, u.DepartmentId, db.UserRoles.Any(ur => ur.UserId == u.Id && resolverRole.Contains(ur.RoleId))))
            .ToListAsync(cancellationToken);
    }

    public sealed record Member(string Id, string Name, string Email, int? DepartmentId, bool IsResolver);

    public sealed class DepartmentInput
    {
        [Display(Name = "Settings.Code")]
        public string? Code { get; set; }

        [Required(ErrorMessage = "Validation.Required")]
        [StringLength(200, ErrorMessage = "Settings.Validation.Length")]
        [Display(Name = "Settings.NameFr")]
        public string? NameFr { get; set; }

        [Required(ErrorMessage = "Validation.Required")]
        [StringLength(200, ErrorMessage = "Settings.Validation.Length")]
        [Display(Name = "Settings.NameEn")]
        public string? NameEn { get; set; }
    }
}
