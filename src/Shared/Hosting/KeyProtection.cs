using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Configuration;

namespace Litiges.Hosting;

/// <summary>
/// The Data Protection keys (they sign session cookies, antiforgery and reset tokens) live in
/// the database; without this, whoever reads a backup can forge any session. With a certificate
/// configured, each key is stored encrypted to it, and only an instance holding the private key
/// can use the keys.
/// <list type="bullet">
/// <item><c>DataProtection:Certificate:Path</c>: a PFX/PKCS#12 file (<c>Password</c> if it has one),
/// or a PEM certificate with its private key in the same file or in <c>KeyPath</c>
/// (<c>Password</c> if the key is encrypted).</item>
/// <item><c>DataProtection:PreviousCertificates:0:Path</c> (<c>Password</c>, <c>KeyPath</c>), …: older
/// certificates, still read after a rotation so that the keys they protect keep working.</item>
/// </list>
/// </summary>
public static class KeyProtection
{
    public const string Section = "DataProtection:Certificate";
    public const string PreviousSection = "DataProtection:PreviousCertificates";

    public static IDataProtectionBuilder ProtectKeysWithConfiguredCertificate(this IDataProtectionBuilder builder, IConfiguration configuration)
    {
        var current = configuration.GetSection(Section);
        if (string.IsNullOrWhiteSpace(current["Path"]))
        {
            // Only outside Production (ProductionSettings requires it): the demo and tests.
            return builder;
        }

        var certificate = Load(current);
        var previous = configuration.GetSection(PreviousSection).GetChildren().Select(Load);
        builder.ProtectKeysWithCertificate(certificate);

        // Decryption looks for the certificate among these, not in a machine store (there is none on Linux).
        builder.UnprotectKeysWithAnyCertificate([certificate, .. previous]);
        return builder;
    }

    public static IEnumerable<string> Problems(IConfiguration configuration)
    {
        var path = configuration[Section + ":Path"];
        if (string.IsNullOrWhiteSpace(path))
        {
            yield return $"{Section}:Path: the certificate (PFX, or PEM with KeyPath) that encrypts the Data Protection keys stored in the database";
        }
        else if (!File.Exists(path))
        {
            yield return $"{Section}:Path: no file at '{path}'";
        }
    }

    public static X509Certificate2 Load(IConfigurationSection section)
    {
        var path = section["Path"] ?? throw new InvalidOperationException($"{section.Path}:Path is required.");
        var password = section["Password"];
        var keyPath = section["KeyPath"];
        X509Certificate2 certificate;
        try
        {
            certificate = IsPem(path)
                ? string.IsNullOrEmpty(password)
                    ? X509Certificate2.CreateFromPemFile(path, keyPath)
                    : X509Certificate2.CreateFromEncryptedPemFile(path, password, keyPath)
                : X509CertificateLoader.LoadPkcs12FromFile(path, password);
        }
        catch (System.Security.Cryptography.CryptographicException ex)
        {
            throw new InvalidOperationException($"{section.Path}: cannot read the certificate at '{path}' (wrong password, or not a PFX/PEM with its private key): {ex.Message}", ex);
        }

        return certificate.HasPrivateKey
            ? certificate
            : throw new InvalidOperationException($"{section.Path}: the certificate at '{path}' has no private key; the keys could not be read back.");
    }

    private static bool IsPem(string path)
    {
        using var reader = new StreamReader(path);
        var start = new char[64];
        var read = reader.ReadBlock(start);
        return new string(start, 0, read).Contains("-----BEGIN", StringComparison.Ordinal);
    }
}
