using System.Text.RegularExpressions;
using Litiges.Hosting;
using Microsoft.Extensions.Configuration;
using YamlDotNet.RepresentationModel;

namespace Litiges.IntegrationTests.Production;

/// <summary>
/// docker-compose.yml cannot run here (no container engine): read as compose reads it, it sets
/// every setting the apps require in Production for both apps and migrate, documents each
/// variable it asks for in the README, and gives every service a health check that works in its image.
/// </summary>
public sealed partial class ComposeFileTests
{
    public static readonly string[] AppServices = ["migrate", "backoffice", "customerportal"];

    private readonly ComposeFile _compose = ComposeFile.Load();

    /// <summary>Test values for every variable the compose file mentions.</summary>
    internal static Dictionary<string, string> Variables(ComposeFile compose) =>
        compose.AllVariables.ToDictionary(v => v, v => v switch
        {
            "LITIGES_PORTAL_HOST" => ProductionConfig.PortalHost,
            "LITIGES_BACKOFFICE_HOST" => ProductionConfig.BackOfficeHost,
            "LITIGES_MAIL_FROM" => "litiges@seller.test",
            "SELLER_SIREN" => "552100554",
            "SELLER_SIRET" => "55210055400013",
            "SELLER_VAT_NUMBER" => "FR96552100554",
            "SELLER_OPERATION_CATEGORY" => "Services",
            "DATAPROTECTION_CERT_PASSWORD" => ProductionConfig.CertificatePassword,
            "HISTORY_KEY" => ProductionConfig.HistoryKey,
            _ when compose.RequiredVariables.Contains(v) => "test-" + v.ToLowerInvariant(),
            _ => string.Empty,
        }).Where(p => p.Value.Length > 0).ToDictionary();

    [Fact]
    public void Every_setting_required_in_production_is_set_for_both_apps_and_migrate()
    {
        var variables = Variables(_compose);
        foreach (var service in AppServices)
        {
            var environment = _compose.Environment(service, variables);
            Assert.Equal("Production", environment["ASPNETCORE_ENVIRONMENT"]);

            // As the app reads it: its appsettings.json, then the environment.
            var app = service == "customerportal" ? "CustomerPortal" : "BackOffice";
            var configuration = new ConfigurationBuilder()
                .AddJsonFile(Path.Combine(ComposeFile.RepositoryRoot, "src", app, "appsettings.json"))
                .AddInMemoryCollection(environment.ToDictionary(p => p.Key.Replace("__", ":", StringComparison.Ordinal), p => (string?)p.Value))
                .Build();

            // The certificate is a compose secret: its file exists only in the container, where the service mounts it.
            var problems = ProductionSettings.Problems(configuration).Where(p => !p.StartsWith("DataProtection:Certificate:Path: no file at", StringComparison.Ordinal));
            Assert.Empty(problems);
            var certificate = configuration["DataProtection:Certificate:Path"]!;
            var secret = Path.GetFileName(certificate);
            Assert.Equal("/run/secrets/" + secret, certificate);
            Assert.Contains(secret, Scalars(_compose.Find(service, "secrets")));
            Assert.NotNull(_compose.FindTop("secrets", secret, "file"));

            // Uploads are scanned, by the ClamAV service.
            var clamAv = configuration["Evidence:ClamAv:Host"];
            Assert.False(string.IsNullOrEmpty(clamAv), $"{service} has no Evidence:ClamAv:Host");
            Assert.StartsWith("clamav/clamav", Scalar(_compose.Find(clamAv, "image")), StringComparison.Ordinal);

            // One data volume shared by the apps and migrate, at the Dockerfile's DataFolder.
            Assert.Contains("litiges-data:/data", Scalars(_compose.Find(service, "volumes")));
            Assert.Equal("/data", configuration["DataFolder"]);
        }

        Assert.Equal(["migrate"], Scalars(_compose.Find("migrate", "command")));
    }

    [Fact]
    public void Compose_refuses_to_start_while_a_required_variable_is_unset()
    {
        var variables = Variables(_compose);
        foreach (var required in _compose.RequiredVariables)
        {
            var without = variables.Where(p => p.Key != required).ToDictionary();
            var error = Assert.Throws<InvalidOperationException>(() => AppServices.Select(s => _compose.Environment(s, without)).ToList());
            Assert.Contains(required, error.Message, StringComparison.Ordinal);
        }

        Assert.Contains("SELLER_LEGAL_NAME", _compose.RequiredVariables);
        Assert.Contains("SELLER_SIREN", _compose.RequiredVariables);
    }

    [Fact]
    public void Every_compose_variable_is_documented_in_the_readme()
    {
        var readme = File.ReadAllText(Path.Combine(ComposeFile.RepositoryRoot, "README.md"));
        var production = readme[readme.IndexOf("## Production", StringComparison.Ordinal)..];
        Assert.All(_compose.AllVariables, variable => Assert.Contains($"`{variable}`", production, StringComparison.Ordinal));
        Assert.Contains("create-admin --email", production, StringComparison.Ordinal);
        Assert.Contains("openssl", production, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("backoffice", "BackOffice")]
    [InlineData("customerportal", "CustomerPortal")]
    public void Apps_check_their_health_with_their_own_binary_as_the_dockerfile_builds_it(string service, string app)
    {
        var dockerfile = File.ReadAllText(Path.Combine(ComposeFile.RepositoryRoot, "src", app, "Dockerfile"));
        var dll = $"Litiges.{app}.dll";
        Assert.Contains($"ENTRYPOINT [\"dotnet\", \"{dll}\"]", dockerfile, StringComparison.Ordinal);
        Assert.Contains("WORKDIR /app", dockerfile, StringComparison.Ordinal);
        Assert.Equal(["CMD", "dotnet", "/app/" + dll, HealthProbe.Command], Scalars(_compose.Find(service, "healthcheck", "test")));
        Assert.Contains($"CMD [\"dotnet\", \"/app/{dll}\", \"{HealthProbe.Command}\"]", dockerfile, StringComparison.Ordinal);

        // The probe asks the port the image listens on, which compose publishes.
        var port = HttpPort().Match(dockerfile).Groups[1].Value;
        Assert.Equal("8080", port);
        Assert.Contains(Scalars(_compose.Find(service, "ports")), p => p.EndsWith(":" + port, StringComparison.Ordinal));

        // Started once migrated, and once the services they use answer.
        Assert.Equal("service_completed_successfully", Scalar(_compose.Find(service, "depends_on", "migrate", "condition")));
        Assert.Equal("service_healthy", Scalar(_compose.Find(service, "depends_on", "azurite", "condition")));
        Assert.Equal("service_healthy", Scalar(_compose.Find(service, "depends_on", "clamav", "condition")));
        Assert.Equal("service_healthy", Scalar(_compose.Find("migrate", "depends_on", "sqlserver", "condition")));
    }

    [Theory]
    [InlineData("azurite")]
    [InlineData("sqlserver")]
    [InlineData("clamav")]
    public void Backing_services_have_health_checks(string service) =>
        Assert.NotEmpty(Scalars(_compose.Find(service, "healthcheck", "test")));

    internal static IReadOnlyList<string> Scalars(YamlNode? node) => node switch
    {
        YamlSequenceNode list => list.Children.Select(c => ((YamlScalarNode)c).Value ?? string.Empty).ToList(),
        YamlScalarNode scalar => [scalar.Value ?? string.Empty],
        _ => [],
    };

    private static string Scalar(YamlNode? node) => Assert.IsType<YamlScalarNode>(node).Value ?? string.Empty;

    [GeneratedRegex(@"ASPNETCORE_HTTP_PORTS=(\d+)")]
    internal static partial Regex HttpPort();
}
