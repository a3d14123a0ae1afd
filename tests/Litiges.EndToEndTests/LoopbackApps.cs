using Litiges.Data;
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
