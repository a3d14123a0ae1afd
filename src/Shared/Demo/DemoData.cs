using System.Globalization;
using System.Text;
using Litiges.Accounts;
using Litiges.Data;
using Litiges.Disputes;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Litiges.Demo;

/// <summary>
/// The demo: three companies with two users each, about sixty invoices, disputes in every state,
/// and one staff user per role. Loaded once; the logins are written to demo-logins.txt.
/// </summary>
public sealed class DemoData(LitigesDbContext db, UserManager<AppUser> users, TimeProvider clock, IConfiguration configuration, IHostEnvironment environment)
{
    /// <summary>The demo password of every demo account. Demo only: the run command prints it.</summary>
    public const string Password = "Demo-Litiges-2026";

    public static readonly IReadOnlyList<(string Email, string Name, string Role, string? Department)> Staff =
    [
        ("agent@litiges.demo", "Camille Agent", StaffRoles.Agent, null),
        ("resolver@litiges.demo", "Romain Facturation", StaffRoles.Resolver, ReferenceData.Departments.Billing),
        ("credit@litiges.demo", "Claire Crédit", StaffRoles.CreditManager, null),
        ("finance@litiges.demo", "François Finance", StaffRoles.Finance, null),
        ("admin@litiges.demo", "Alex Admin", StaffRoles.Admin, null),
    ];

    public async Task LoadAsync(CancellationToken cancellationToken = default)
    {
        if (await db.CustomerAccounts.AnyAsync(cancellationToken))
        {
            return;
        }

        var departments = await db.Departments.ToDictionaryAsync(d => d.Code, d => d.Id, cancellationToken);
        var owners = new List<Actor>();
        foreach (var (email, name, role, department) in Staff)
        {
            var user = AppUser.NewStaff(email, name, department is null ? null : departments[department]);
            await CreateAsync(user, role);
            if (role is StaffRoles.Agent or StaffRoles.CreditManager)
            {
                owners.Add(new Actor(user.Id, name, role == StaffRoles.Agent ? ActorRole.Agent : ActorRole.CreditManager));
            }
        }

        var generated = await new DataGenerator(db, clock).GenerateAsync(new GeneratorOptions(Customers: 3, InvoicesPerCustomer: 20, DisputedShare: 0.45), owners, cancellationToken);
        var logins = new StringBuilder();
        logins.AppendLine("Customer portal (http://localhost:5080):");
        var companies = await db.CustomerAccounts.AsNoTracking().Where(c => generated.CustomerAccountIds.Contains(c.Id)).OrderBy(c => c.Id).ToListAsync(cancellationToken);
        for (var i = 0; i < companies.Count; i++)
        {
            var company = companies[i];
            var admin = AppUser.NewCustomer($"admin{i + 1}@customer.demo", $"Admin {company.LegalName}", company.Id, isAdmin: true, company.Language);
            var clerk = AppUser.NewCustomer($"clerk{i + 1}@customer.demo", $"Comptable {company.LegalName}", company.Id, isAdmin: false, company.Language);
            await CreateAsync(admin, null);
            await CreateAsync(clerk, null);
            logins.AppendLine(CultureInfo.InvariantCulture, $"  {company.LegalName}: {admin.Email} (admin), {clerk.Email}");
        }

        logins.AppendLine("Back office (http://localhost:5090):");
        foreach (var (email, _, role, _) in Staff)
        {
            logins.AppendLine(CultureInfo.InvariantCulture, $"  {role}: {email}");
        }

        logins.AppendLine(CultureInfo.InvariantCulture, $"Password for every demo account: {Password}");
        var folder = Hosting.LitigesWeb.DataFolder(configuration, environment);
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, "demo-logins.txt"), logins.ToString(), cancellationToken);
    }

    private async Task CreateAsync(AppUser user, string? role)
    {
        user.EmailConfirmed = true;
        var result = await users.CreateAsync(user, Password);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException("Demo user: " + string.Join("; ", result.Errors.Select(e => e.Description)));
        }

        if (role is not null)
        {
            await users.AddToRoleAsync(user, role);
        }
    }
}
