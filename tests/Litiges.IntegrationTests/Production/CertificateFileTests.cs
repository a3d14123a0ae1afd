using System.Diagnostics;
using System.Text.RegularExpressions;
using Litiges.Hosting;
using Microsoft.Extensions.Configuration;

namespace Litiges.IntegrationTests.Production;

/// <summary>The certificate files the README tells operators to make are the ones the apps load.</summary>
public sealed partial class CertificateFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("litiges-certificates-").FullName;

    [Fact]
    public async Task The_readme_openssl_commands_make_a_certificate_the_apps_load_as_pfx_and_as_pem()
    {
        // The README's commands, run as written, in an empty folder.
        var readme = await File.ReadAllTextAsync(Path.Combine(ComposeFile.RepositoryRoot, "README.md"));
        var script = ReadmeBlock().Matches(readme).Select(m => m.Groups[1].Value).Single(b => b.Contains("openssl req", StringComparison.Ordinal));
        var password = PasswordLine().Match(script).Groups[1].Value;
        var folder = Directory.CreateDirectory(Path.Combine(_folder, "readme")).FullName;
        var start = new ProcessStartInfo("bash", ["-euo", "pipefail", "-c", script]) { WorkingDirectory = folder, RedirectStandardError = true, RedirectStandardOutput = true };
        using (var bash = Process.Start(start)!)
        {
            var errors = await bash.StandardError.ReadToEndAsync();
            await bash.WaitForExitAsync();
            Assert.True(bash.ExitCode == 0, errors);
        }

        var pfx = Path.Combine(folder, "secrets", "dataprotection.pfx");
        Assert.False(File.Exists(Path.Combine(folder, "secrets", "dataprotection.key")), "the private key is left beside the PFX");
        using var fromPfx = KeyProtection.Load(Section(new() { ["Path"] = pfx, ["Password"] = password }));
        Assert.True(fromPfx.HasPrivateKey);

        // The same pair as PEM files (certificate and key apart), as a Key Vault or cert-manager would mount them.
        var crt = Path.Combine(folder, "secrets", "dataprotection.crt");
        var key = Path.Combine(folder, "pem.key");
        using (var openssl = Process.Start(new ProcessStartInfo("openssl", ["pkcs12", "-in", pfx, "-nocerts", "-nodes", "-passin", "pass:" + password, "-out", key]) { RedirectStandardError = true })!)
        {
            await openssl.WaitForExitAsync();
            Assert.Equal(0, openssl.ExitCode);
        }

        using var fromPem = KeyProtection.Load(Section(new() { ["Path"] = crt, ["KeyPath"] = key }));
        Assert.Equal(fromPfx.Thumbprint, fromPem.Thumbprint);
        Assert.True(fromPem.HasPrivateKey);

        // A certificate without its key cannot read the keys back: refused at start-up.
        var error = Assert.Throws<InvalidOperationException>(() => KeyProtection.Load(Section(new() { ["Path"] = crt })));
        Assert.Contains("DataProtection:Certificate", error.Message, StringComparison.Ordinal);
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

    private static IConfigurationSection Section(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.ToDictionary(p => KeyProtection.Section + ":" + p.Key, p => p.Value)).Build().GetSection(KeyProtection.Section);

    [GeneratedRegex("```bash\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex ReadmeBlock();

    [GeneratedRegex("export DATAPROTECTION_CERT_PASSWORD='([^']*)'")]
    private static partial Regex PasswordLine();
}
