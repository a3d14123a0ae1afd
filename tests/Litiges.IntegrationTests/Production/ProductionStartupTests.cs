using System.Net;
using Litiges.Hosting;
using Litiges.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using BackOfficeProgram = Litiges.BackOffice.Program;
using PortalProgram = Litiges.CustomerPortal.Program;

namespace Litiges.IntegrationTests.Production;

/// <summary>
/// In Production the demo defaults are refused: start-up stops and names every setting that is
/// missing or wrong. Without a virus scanner both apps say so at start-up and administrators see it.
/// </summary>
public sealed class ProductionStartupTests(SqliteFixture fixture) : IClassFixture<SqliteFixture>, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("litiges-production-").FullName;

    public static TheoryData<string, string, string> MissingSettings => new()
    {
        { "AllowedHosts", "*", "AllowedHosts" },
        { "Email:PortalUrl", "", "Email:PortalUrl" },
        { "Email:BackOfficeUrl", "http://backoffice.litiges.test", "Email:BackOfficeUrl" },
        { "Email:FromAddress", "litiges@example.com", "Email:FromAddress" },
        { "Seller:LegalName", "", "Seller:LegalName" },
        { "Seller:AddressLine1", "", "Seller:AddressLine1" },
        { "Seller:Siren", "", "Seller:Siren" },
        { "Seller:VatNumber", "", "Seller:VatNumber" },
        { "Seller:Siret", "", "Seller:Siret" },
        { "Seller:OperationCategory", "", "Seller:OperationCategory" },
        { "Seller:Siren", "552100555", "Seller:Siren: The SIREN “552100555” cannot exist" },
        { "Seller:Siret", "55210055400014", "Seller:Siret: The SIRET “55210055400014” cannot exist" },
        { "Seller:VatNumber", "FR40552100554", "Seller:VatNumber: The key of the VAT number “FR40552100554” does not match" },
        { "Seller:VatNumber", "FR44732829320", "Seller:VatNumber: The VAT number “FR44732829320” does not contain the company's SIREN" },
        { "Seller:OperationCategory", "Both", "Seller:OperationCategory: Goods, Services or Mixed" },
        { "Seller:LegalFooter", "", "Seller:LegalFooter" },
        { "ConnectionStrings:Litiges", "", "ConnectionStrings:Litiges" },
        { "DataProtection:Certificate:Path", "", "DataProtection:Certificate:Path" },
        { "DataProtection:Certificate:Path", "/nowhere/keys.pfx", "no file at '/nowhere/keys.pfx'" },
        { "Email:Provider", "Pickup", "Email:Provider" },
        { "Sms:Provider", "Pickup", "Sms:Provider" },
        { "Email:Smtp:Host", "", "Email:Smtp:Host" },
        { "ForwardedHeaders:KnownProxies", "", "ForwardedHeaders:KnownProxies" },
        { "History:CurrentKeyId", "", "History:CurrentKeyId" },
        { "History:Keys:test-1", "c2hvcnQ=", "History:Keys:test-1" },
    };

    [Theory]
    [MemberData(nameof(MissingSettings))]
    public void Production_start_fails_naming_the_one_setting_missing(string key, string value, string named)
    {
        foreach (var app in new[] { "portal", "backoffice" })
        {
            var settings = ProductionConfig.Settings(Certificate());
            settings[key] = value;
            if (key.StartsWith("ConnectionStrings", StringComparison.Ordinal))
            {
                settings["Database:Provider"] = "PostgreSql";
            }

            var message = StartFailure(app, settings);
            Assert.Contains("cannot start in Production: 1 setting(s)", message, StringComparison.Ordinal);
            Assert.Contains(named, message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Production_start_with_the_demo_defaults_names_every_missing_setting_at_once()
    {
        var message = StartFailure("backoffice", new Dictionary<string, string?>());

        string[] expected =
        [
            "AllowedHosts", "Email:PortalUrl", "Email:BackOfficeUrl", "Email:FromAddress", "Email:Provider", "Sms:Provider",
            "DataProtection:Certificate:Path", "ForwardedHeaders:KnownProxies", "History:CurrentKeyId",
            .. ProductionSettings.SellerKeys.Select(k => "Seller:" + k),
        ];
        Assert.All(expected, key => Assert.Contains(key, message, StringComparison.Ordinal));
        Assert.Contains($"{expected.Length} setting(s)", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Production_without_a_virus_scanner_warns_at_start_up_and_on_the_staff_page()
    {
        var logs = new CapturedLogs();
        await using var backOffice = Production<BackOfficeProgram>(ProductionConfig.Settings(Certificate()), logs);
        var admin = new Browser(backOffice.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost"), AllowAutoRedirect = false }));
        Assert.Equal(HttpStatusCode.Redirect, (await admin.SignInAsync("admin@staff.test")).StatusCode);

        var page = await admin.GetPageAsync("/Staff");
        var warning = page.QuerySelector("[data-warning=no-virus-scanner]");
        Assert.NotNull(warning);
        Assert.Contains("sans être analysés", warning.TextContent, StringComparison.Ordinal);
        Assert.Contains(logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("No virus scanner", StringComparison.Ordinal));

        var portalLogs = new CapturedLogs();
        await using var portal = Production<PortalProgram>(ProductionConfig.Settings(Certificate()), portalLogs);
        Assert.Equal(HttpStatusCode.OK, (await portal.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost") }).GetAsync(new Uri("/health", UriKind.Relative))).StatusCode);
        Assert.Contains(portalLogs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("No virus scanner", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Production_with_a_virus_scanner_says_nothing_of_it()
    {
        var settings = ProductionConfig.Settings(Certificate());
        settings["Evidence:ClamAv:Host"] = "127.0.0.1";
        var logs = new CapturedLogs();
        await using var backOffice = Production<BackOfficeProgram>(settings, logs);
        var admin = new Browser(backOffice.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost"), AllowAutoRedirect = false }));
        Assert.Equal(HttpStatusCode.Redirect, (await admin.SignInAsync("admin@staff.test")).StatusCode);

        var page = await admin.GetPageAsync("/Staff");
        Assert.NotNull(page.QuerySelector("table"));
        Assert.Null(page.QuerySelector("[data-warning=no-virus-scanner]"));
        Assert.DoesNotContain(logs.Entries, e => e.Message.Contains("No virus scanner", StringComparison.Ordinal));
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private string Certificate()
    {
        var path = Path.Combine(_folder, "keys.pfx");
        return File.Exists(path) ? path : ProductionConfig.CreateCertificate(_folder, "keys");
    }

    private string StartFailure(string app, Dictionary<string, string?> settings)
    {
        var error = app == "portal"
            ? Assert.ThrowsAny<Exception>(() => Production<PortalProgram>(settings).Services)
            : Assert.ThrowsAny<Exception>(() => Production<BackOfficeProgram>(settings).Services);
        return error.ToString();
    }

    private WebApplicationFactory<T> Production<T>(Dictionary<string, string?> settings, CapturedLogs? logs = null)
        where T : class =>
        new AppFactory<T>(fixture.Database, fixture.DataFolder, settings).WithWebHostBuilder(builder =>
        {
            builder.UseEnvironment("Production");
            if (logs is not null)
            {
                builder.ConfigureServices(services => services.AddSingleton<ILoggerProvider>(logs));
            }
        });
}
