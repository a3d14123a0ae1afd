using System.Net;
using Litiges.Accounts;
using Litiges.Data;
using Litiges.Testing;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Net.Http.Headers;
using BackOfficeProgram = Litiges.BackOffice.Program;

namespace Litiges.IntegrationTests.Production;

/// <summary>
/// With a certificate configured, the Data Protection keys the database holds are encrypted:
/// a copy of the database alone forges nothing. Instances that share the certificate share the
/// sessions; a rotated certificate still reads the keys of the previous one; an instance without
/// the certificate cannot use them.
/// </summary>
public abstract class KeyProtectionTests(DatabaseProvider provider) : IAsyncLifetime
{
    private const string Email = "keys@staff.test";
    private readonly string _folder = Directory.CreateTempSubdirectory("litiges-keys-").FullName;
    private readonly List<AppFactory<BackOfficeProgram>> _apps = [];
    private TestDatabase _database = null!;
    private string _certificate = null!;

    public async Task InitializeAsync()
    {
        _database = TestDatabase.Create(provider);
        _certificate = ProductionConfig.CreateCertificate(_folder, "current");
        var first = App(WithCertificate(_certificate));
        await DatabaseMigrator.MigrateAsync(first.Services, demoData: false);
        using var scope = first.Services.CreateScope();
        var user = AppUser.NewStaff(Email, "Kim Keys");
        user.EmailConfirmed = true;
        var created = await scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>().CreateAsync(user, LitigesFixture.Password);
        Assert.True(created.Succeeded);
    }

    [Fact]
    public async Task Keys_are_stored_encrypted_and_shared_only_with_instances_holding_the_certificate()
    {
        var session = await SignInAsync(App(WithCertificate(_certificate)));

        var keys = await WithDbAsync(db => db.DataProtectionKeys.AsNoTracking().Select(k => k.Xml!).ToListAsync());
        Assert.NotEmpty(keys);
        Assert.All(keys, xml =>
        {
            Assert.Contains("<encryptedSecret", xml, StringComparison.Ordinal);
            Assert.Contains("EncryptedData", xml, StringComparison.Ordinal);
            Assert.DoesNotContain("<masterKey", xml, StringComparison.Ordinal);
        });

        // Another instance with the same certificate accepts the session.
        Assert.Equal(HttpStatusCode.OK, await OpenAccountPageAsync(App(WithCertificate(_certificate)), session));

        // After a rotation (a new certificate, the old one kept as previous), the existing keys still read.
        var next = ProductionConfig.CreateCertificate(_folder, "next");
        var rotated = WithCertificate(next);
        rotated["DataProtection:PreviousCertificates:0:Path"] = _certificate;
        rotated["DataProtection:PreviousCertificates:0:Password"] = ProductionConfig.CertificatePassword;
        Assert.Equal(HttpStatusCode.OK, await OpenAccountPageAsync(App(rotated), session));

        // An instance with another certificate, or none, cannot read the keys: the cookie is worthless to it.
        Assert.Equal(HttpStatusCode.Redirect, await OpenAccountPageAsync(App(WithCertificate(ProductionConfig.CreateCertificate(_folder, "stranger"))), session));
        Assert.Equal(HttpStatusCode.Redirect, await OpenAccountPageAsync(App([]), session));
    }

    [Fact]
    public void A_certificate_with_a_wrong_password_stops_start_up_with_its_key_named()
    {
        var settings = WithCertificate(_certificate);
        settings["DataProtection:Certificate:Password"] = "not-the-password";
        var error = Assert.ThrowsAny<Exception>(() => App(settings).Services);
        Assert.Contains("DataProtection:Certificate", error.ToString(), StringComparison.Ordinal);
    }

    public async Task DisposeAsync()
    {
        foreach (var app in _apps)
        {
            await app.DisposeAsync();
        }

        await _database.DisposeAsync();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static Dictionary<string, string?> WithCertificate(string path) => new()
    {
        ["DataProtection:Certificate:Path"] = path,
        ["DataProtection:Certificate:Password"] = ProductionConfig.CertificatePassword,
    };

    private static async Task<string> SignInAsync(AppFactory<BackOfficeProgram> app)
    {
        var signedIn = await new Browser(app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false })).SignInAsync(Email);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        return SetCookieHeaderValue.ParseList([.. signedIn.Headers.GetValues(HeaderNames.SetCookie)]).Single(c => c.Name == ".Litiges.BackOffice").Value.Value!;
    }

    private static async Task<HttpStatusCode> OpenAccountPageAsync(AppFactory<BackOfficeProgram> app, string session)
    {
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/Account/Manage/ChangePassword", UriKind.Relative));
        request.Headers.Add("Cookie", $".Litiges.BackOffice={session}");
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    private AppFactory<BackOfficeProgram> App(Dictionary<string, string?> settings)
    {
        // Each instance its own data folder: only the database is shared, as between two servers.
        var app = new AppFactory<BackOfficeProgram>(_database, Directory.CreateDirectory(Path.Combine(_folder, "data-" + _apps.Count)).FullName, settings);
        _apps.Add(app);
        return app;
    }

    private async Task<T> WithDbAsync<T>(Func<LitigesDbContext, Task<T>> work)
    {
        using var scope = _apps[0].Services.CreateScope();
        return await work(scope.ServiceProvider.GetRequiredService<LitigesDbContext>());
    }
}

public sealed class SqliteKeyProtectionTests() : KeyProtectionTests(DatabaseProvider.Sqlite);

public sealed class PostgreSqlKeyProtectionTests() : KeyProtectionTests(DatabaseProvider.PostgreSql);
