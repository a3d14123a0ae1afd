using Litiges.Accounts;
using Litiges.Data;
using Litiges.Hosting;
using Litiges.Localization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Litiges.BackOffice.Pages.Staff;

/// <summary>The staff accounts, their roles and department, and whether they can still sign in.</summary>
public sealed class IndexModel(LitigesDbContext db, VirusScanning scanning) : PageModel
{
    /// <summary>Administrators are told when uploads go unscanned (Production without Evidence:ClamAv:Host).</summary>
    public VirusScanning Scanning => scanning;

    public IReadOnlyList<StaffRow> Rows { get; private set; } = [];

    public IReadOnlyDictionary<int, LocalizedText> Departments { get; private set; } = new Dictionary<int, LocalizedText>();

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var users = await db.Users.AsNoTracking()
            .Where(u => u.Kind == UserKind.Staff)
            .OrderBy(u => u.DisplayName).ThenBy(u => u.Id)
            .Select(u => new { u.Id, u.DisplayName, u.Email, u.DepartmentId, u.IsActive, u.TwoFactorEnabled, Invited = u.PasswordHash == null })
            .ToListAsync(cancellationToken);
        var roles = await db.UserRoles.AsNoTracking()
            .Join(db.Roles, ur => ur.RoleId, r => r.Id, (ur, r) => new { ur.UserId, r.Name })
            .ToListAsync(cancellationToken);
        Rows = users.Select(u => new StaffRow(
                u.Id,
                u.DisplayName,
                u.Email ?? string.Empty,
                u.DepartmentId,
                roles.Where(r => r.UserId == u.Id).Select(r => r.Name!).Order().ToList(),
                u.IsActive,
                u.TwoFactorEnabled,
                u.Invited))
            .ToList();
        Departments = await db.Departments.AsNoTracking().ToDictionaryAsync(d => d.Id, d => d.Name, cancellationToken);
    }

    public sealed record StaffRow(string Id, string Name, string Email, int? DepartmentId, IReadOnlyList<string> Roles, bool IsActive, bool TwoFactor, bool Invited);
}
