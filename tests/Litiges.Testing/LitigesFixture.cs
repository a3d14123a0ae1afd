using Litiges.Accounts;
using Litiges.Customers;
using Litiges.Data;
using Litiges.Disputes;
using Litiges.Invoices;
using Litiges.Numbering;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using BackOfficeProgram = Litiges.BackOffice.Program;
using PortalProgram = Litiges.CustomerPortal.Program;

namespace Litiges.Testing;

/// <summary>
/// Both apps over one fresh database of the given provider, migrated by the BackOffice's own
/// migrator, with two companies (Alpha and Beta), their invoices and disputes, and one staff user per role.
/// </summary>
public abstract class LitigesFixture : IAsyncLifetime
{
    public const string Password = "Test-Password-2026";

    private readonly string _dataFolder = Directory.CreateTempSubdirectory("litiges-data-").FullName;

    protected LitigesFixture(DatabaseProvider provider) => Provider = provider;

    public DatabaseProvider Provider { get; }

    public TestDatabase Database { get; private set; } = null!;

    public AppFactory<PortalProgram> Portal { get; private set; } = null!;

    public AppFactory<BackOfficeProgram> BackOffice { get; private set; } = null!;

    public SeededData Data { get; private set; } = null!;

    public string DataFolder => _dataFolder;

    public virtual async Task InitializeAsync()
    {
        Database = TestDatabase.Create(Provider);
        BackOffice = new AppFactory<BackOfficeProgram>(Database, _dataFolder);
        Portal = new AppFactory<PortalProgram>(Database, _dataFolder);
        await DatabaseMigrator.MigrateAsync(BackOffice.Services, demoData: false);
        Data = await SeedAsync();
    }

    public virtual async Task DisposeAsync()
    {
        await Portal.DisposeAsync();
        await BackOffice.DisposeAsync();
        await Database.DisposeAsync();
        try
        {
            Directory.Delete(_dataFolder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Runs <paramref name="work"/> with a fresh DbContext of the BackOffice app.</summary>
    public async Task<T> WithDbAsync<T>(Func<LitigesDbContext, Task<T>> work)
    {
        using var scope = BackOffice.Services.CreateScope();
        return await work(scope.ServiceProvider.GetRequiredService<LitigesDbContext>());
    }

    public Task WithDbAsync(Func<LitigesDbContext, Task> work) =>
        WithDbAsync(async db =>
        {
            await work(db);
            return true;
        });

    /// <summary>
    /// Dispute references, one per year given, taken in a context that tracks nothing else: each
    /// number is a save, and a context that also tracked the disputes being made would look through
    /// all of them again at every one.
    /// </summary>
    public Task<List<string>> TakeReferencesAsync(IEnumerable<int> years) =>
        WithDbAsync(async db =>
        {
            var taken = new List<string>();
            foreach (var year in years)
            {
                taken.Add(await SequenceNumbers.NextAsync(db, "LIT", year));
            }

            return taken;
        });

    /// <summary>
    /// Creates a confirmed user of the test's own (password <see cref="Password"/>), for a test that
    /// changes a user: the seeded ones stay as every other test expects them.
    /// </summary>
    public async Task<string> NewUserAsync(AppUser user, string? role = null)
    {
        using var scope = BackOffice.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        user.EmailConfirmed = true;
        var result = await users.CreateAsync(user, Password);
        if (result.Succeeded && role is not null)
        {
            result = await users.AddToRoleAsync(user, role);
        }

        return result.Succeeded ? user.Id : throw new InvalidOperationException(string.Join("; ", result.Errors.Select(e => e.Description)));
    }

    /// <summary>A unique address at <paramref name="domain"/>, for a user of the test's own.</summary>
    public static string UniqueEmail(string name, string domain) => $"{name}-{Guid.NewGuid().ToString("N")[..8]}@{domain}";

    private async Task<SeededData> SeedAsync()
    {
        using var scope = BackOffice.Services.CreateScope();
        var services = scope.ServiceProvider;
        var db = services.GetRequiredService<LitigesDbContext>();
        var users = services.GetRequiredService<UserManager<AppUser>>();
        var now = DateTimeOffset.UtcNow;

        var alpha = new CustomerAccount("C-ALPHA", "Alpha Industries", "552100554", "FR40552100554", new PostalAddress("1 rue de Lyon", null, "69001", "Lyon", "France"));
        var beta = new CustomerAccount("C-BETA", "Beta Distribution", "732829320", "FR44732829320", new PostalAddress("2 quai de Seine", null, "75019", "Paris", "France"), language: "en");
        db.CustomerAccounts.AddRange(alpha, beta);
        await db.SaveChangesAsync();

        var today = Litiges.Deadlines.BusinessDate.Of(now);
        Invoice NewInvoice(CustomerAccount customer, string number, params (string Description, decimal Quantity, decimal Price, decimal Vat)[] lines)
        {
            var invoice = new Invoice(number, customer.Id, today.AddDays(-20), today.AddDays(10));
            foreach (var line in lines)
            {
                invoice.AddLine(line.Description, line.Quantity, line.Price, line.Vat);
            }

            db.Invoices.Add(invoice);
            return invoice;
        }

        var alphaInvoices = new[]
        {
            NewInvoice(alpha, "FA-ALPHA-0001", ("Palettes", 10, 100m, 0.20m), ("Transport", 1, 50m, 0.20m)),
            NewInvoice(alpha, "FA-ALPHA-0002", ("Ouvrage technique", 3, 19.99m, 0.055m)),
            NewInvoice(alpha, "FA-ALPHA-0003", ("Pompe à chaleur", 1, 4890m, 0.055m), ("Pose", 1, 600m, 0.10m)),
        };
        var betaInvoices = new[]
        {
            NewInvoice(beta, "FB-BETA-0001", ("Cables", 5, 84.90m, 0.20m)),
            NewInvoice(beta, "FB-BETA-0002", ("Gloves", 12, 18.50m, 0.20m)),
        };
        await db.SaveChangesAsync();

        var reason = await db.ReasonCodes.SingleAsync(r => r.Code == "FAC");
        async Task<Dispute> OpenAsync(CustomerAccount customer, Invoice invoice, decimal amount)
        {
            var reference = await SequenceNumbers.NextAsync(db, "LIT", now.Year);
            var actor = new Actor("seed", "Seed", ActorRole.Customer, customer.Id);
            var dispute = Dispute.Open(reference, customer.Id, reason, "Prix unitaire erroné", DesiredOutcome.CreditNote, [new DisputeClaim(invoice, null, amount)], DisputeSource.CustomerPortal, actor, now);
            db.Disputes.Add(dispute);
            await db.SaveChangesAsync();
            return dispute;
        }

        var alphaDispute = await OpenAsync(alpha, alphaInvoices[0], 120m);
        var betaDispute = await OpenAsync(beta, betaInvoices[0], 50m);

        var departments = await db.Departments.ToDictionaryAsync(d => d.Code, d => d.Id);
        async Task<AppUser> CreateAsync(AppUser user, string? role = null)
        {
            user.EmailConfirmed = true;
            var result = await users.CreateAsync(user, Password);
            if (!result.Succeeded)
            {
                throw new InvalidOperationException(string.Join("; ", result.Errors.Select(e => e.Description)));
            }

            if (role is not null)
            {
                await users.AddToRoleAsync(user, role);
            }

            return user;
        }

        await CreateAsync(AppUser.NewCustomer("alice@alpha.test", "Alice Alpha", alpha.Id, isAdmin: true));
        await CreateAsync(AppUser.NewCustomer("carol@alpha.test", "Carol Alpha", alpha.Id, isAdmin: false));
        await CreateAsync(AppUser.NewCustomer("bob@beta.test", "Bob Beta", beta.Id, isAdmin: true, "en"));
        var unconfirmed = AppUser.NewCustomer("dave@alpha.test", "Dave Alpha", alpha.Id, isAdmin: false);
        await users.CreateAsync(unconfirmed, Password);
        await CreateAsync(AppUser.NewStaff("agent@staff.test", "Agnès Agent"), StaffRoles.Agent);
        await CreateAsync(AppUser.NewStaff("resolver@staff.test", "Rémi Résolveur", departments[ReferenceData.Departments.Billing]), StaffRoles.Resolver);
        await CreateAsync(AppUser.NewStaff("credit@staff.test", "Claire Crédit"), StaffRoles.CreditManager);
        await CreateAsync(AppUser.NewStaff("finance@staff.test", "Fanny Finance"), StaffRoles.Finance);
        await CreateAsync(AppUser.NewStaff("admin@staff.test", "Adam Admin"), StaffRoles.Admin);
        await CreateAsync(AppUser.NewStaff("locked@staff.test", "Lucas Locked"), StaffRoles.Agent);

        return new SeededData(
            alpha.Id,
            beta.Id,
            alphaInvoices.Select(i => (i.Id, i.Number)).ToList(),
            betaInvoices.Select(i => (i.Id, i.Number)).ToList(),
            (alphaDispute.Id, alphaDispute.Reference),
            (betaDispute.Id, betaDispute.Reference));
    }
}

public sealed record SeededData(
    int AlphaId,
    int BetaId,
    IReadOnlyList<(int Id, string Number)> AlphaInvoices,
    IReadOnlyList<(int Id, string Number)> BetaInvoices,
    (int Id, string Reference) AlphaDispute,
    (int Id, string Reference) BetaDispute);

public sealed class SqliteFixture() : LitigesFixture(DatabaseProvider.Sqlite);

public sealed class PostgreSqlFixture() : LitigesFixture(DatabaseProvider.PostgreSql);
