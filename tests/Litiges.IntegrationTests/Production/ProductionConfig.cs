using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;

namespace Litiges.IntegrationTests.Production;

/// <summary>A complete Production configuration for the test apps, and what it needs (a key certificate).</summary>
internal static class ProductionConfig
{
    public const string PortalHost = "portal.litiges.test";
    public const string BackOfficeHost = "backoffice.litiges.test";
    public const string CertificatePassword = "test-pfx-password";

    /// <summary>A history key for the tests (32 bytes, base64).</summary>
    public static readonly string HistoryKey = Convert.ToBase64String(SHA256.HashData("production test history key"u8));

    public static Dictionary<string, string?> Settings(string certificatePath) => new()
    {
        ["AllowedHosts"] = $"localhost;{PortalHost};{BackOfficeHost}",
        ["Email:PortalUrl"] = $"https://{PortalHost}",
        ["Email:BackOfficeUrl"] = $"https://{BackOfficeHost}",
        ["Email:FromAddress"] = "litiges@seller.test",
        ["Email:Provider"] = "Smtp",
        ["Email:Smtp:Host"] = "127.0.0.1",
        ["Sms:Provider"] = "Off",
        ["Seller:LegalName"] = "Vendeur Test SA",
        ["Seller:LegalForm"] = "SA",
        ["Seller:ShareCapital"] = "1 000 000 €",
        ["Seller:AddressLine1"] = "5 avenue des Tests",
        ["Seller:PostalCode"] = "69002",
        ["Seller:City"] = "Lyon",
        ["Seller:Country"] = "France",
        ["Seller:Siren"] = "552100554",
        ["Seller:Siret"] = "55210055400013",
        ["Seller:VatNumber"] = "FR96552100554",
        ["Seller:OperationCategory"] = "Goods",
        ["Seller:LegalFooter"] = "SA au capital de 1 000 000 € — RCS Lyon 552 100 554",
        ["DataProtection:Certificate:Path"] = certificatePath,
        ["DataProtection:Certificate:Password"] = CertificatePassword,
        ["ForwardedHeaders:KnownProxies"] = "10.9.9.9",
        ["History:CurrentKeyId"] = "test-1",
        ["History:Keys:test-1"] = HistoryKey,
    };

    /// <summary>A self-signed RSA certificate with its private key, as a password-protected PFX file.</summary>
    public static string CreateCertificate(string folder, string name, string password = CertificatePassword)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        var path = Path.Combine(folder, name + ".pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx, password));
        return path;
    }
}

/// <summary>Keeps what an app logs, to check what it says at start-up.</summary>
internal sealed class CapturedLogs : ILoggerProvider
{
    public ConcurrentQueue<(LogLevel Level, string Message)> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(Entries);

    public void Dispose()
    {
    }

    private sealed class Logger(ConcurrentQueue<(LogLevel, string)> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            entries.Enqueue((logLevel, formatter(state, exception)));
    }
}
