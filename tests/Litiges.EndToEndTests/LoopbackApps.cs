using Litiges.Customers;
using Litiges.Data;
using Litiges.Invoices;
using Litiges.Testing;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using BackOfficeProgram = Litiges.BackOffice.Program;
using PortalProgram = Litiges.CustomerPortal.Program;

namespace Litiges.EndToEndTests;

/// <summary>
/// Both apps served by Kestrel on free loopback ports, over the seeded SQLite database of
/// <see cref="LitigesFixture"/>, so that a real browser can reach them.
/// </summary>
public sealed class LoopbackApps() : LitigesFixture(DatabaseProvider.Sqlite)
{
    private AppFactory<PortalProgram>? _portal;
    private AppFactory<BackOfficeProgram>? _backOffice;

    public Uri PortalUrl { get; private set; } = null!;

    public Uri BackOfficeUrl { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        // The base fixture migrates and seeds through in-memory hosts; those cannot switch to Kestrel
        // once started, so the browser gets hosts of its own over the same database and data folder.
        await base.InitializeAsync();
        (_portal, PortalUrl) = Serve(new AppFactory<PortalProgram>(Database, DataFolder, Mail.Settings(dispatch: false)));
        (_backOffice, BackOfficeUrl) = Serve(new AppFactory<BackOfficeProgram>(Database, DataFolder, Mail.Settings(dispatch: true)));
    }

    /// <summary>Where the apps' e-mails go: the test maildev when ./test.sh started one.</summary>
    public TestMail Mail { get; } = TestMail.FromEnvironment();

    /// <summary>
    /// An invoice of the test's own, issued 15 days ago: a test that files or works on a dispute leaves
    /// the seeded invoices as every other test expects them.
    /// </summary>
    public Task<Invoice> NewInvoiceAsync(int companyId, params (string Description, decimal Quantity, decimal Price, decimal Vat)[] lines) =>
        WithDbAsync(async db =>
        {
            var today = Litiges.Deadlines.BusinessDate.Of(DateTimeOffset.UtcNow);
            var invoice = new Invoice($"FJ-{Guid.NewGuid().ToString("N")[..8].ToUpperInvariant()}", companyId, today.AddDays(-15), today.AddDays(15));
            foreach (var (description, quantity, price, vat) in lines)
            {
                invoice.AddLine(description, quantity, price, vat);
            }

            db.Invoices.Add(invoice);
            await db.SaveChangesAsync();
            return invoice;
        });

    /// <summary>A company of the test's own, so that a test can filter the queue down to its disputes.</summary>
    public Task<CustomerAccount> NewCompanyAsync(string name) =>
        WithDbAsync(async db =>
        {
            var company = new CustomerAccount("C-" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant(), name, "552100554", "FR40552100554", new PostalAddress("3 rue du Test", null, "69002", "Lyon", "France"));
            db.CustomerAccounts.Add(company);
            await db.SaveChangesAsync();
            return company;
        });

    public override async Task DisposeAsync()
    {
        if (_portal is not null)
        {
            await _portal.DisposeAsync();
        }

        if (_backOffice is not null)
        {
            await _backOffice.DisposeAsync();
        }

        await base.DisposeAsync();
    }

    private static (AppFactory<T> Factory, Uri Url) Serve<T>(AppFactory<T> factory)
        where T : class
    {
        // Port 0: Kestrel takes a free port on 127.0.0.1, read back from the server's addresses.
        factory.UseKestrel(0);
        factory.StartServer();
        var address = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException($"{typeof(T).FullName} started without a server address.");
        return (factory, new Uri(address));
    }
}
