using Litiges.Data;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Litiges.Hosting;

/// <summary>
/// The settings a real install cannot run without. Every one has a demo default so that a fresh
/// clone runs with nothing to set; in Production a default would be silently wrong (links to
/// localhost, credit notes issued by the demo company, cookies forgeable from a database copy),
/// so start-up stops and names every key that is missing, all at once.
/// </summary>
public static class ProductionSettings
{
    /// <summary>The seller identity printed on every credit note (CGI art. 242 nonies A).</summary>
    public static readonly string[] SellerKeys =
        ["LegalName", "LegalForm", "ShareCapital", "AddressLine1", "PostalCode", "City", "Country", "Siren", "Siret", "VatNumber", "OperationCategory", "LegalFooter"];

    /// <summary>Throws, naming each missing or wrong setting, when the environment is Production.</summary>
    public static void EnsureComplete(IConfiguration configuration, IHostEnvironment environment)
    {
        if (!environment.IsProduction())
        {
            return;
        }

        var problems = Problems(configuration);
        if (problems.Count > 0)
        {
            throw new InvalidOperationException(
                $"Litiges cannot start in Production: {problems.Count} setting(s) missing or wrong (as environment variables, ':' is written '__'):"
                + Environment.NewLine + string.Join(Environment.NewLine, problems.Select(p => " - " + p)));
        }
    }

    public static IReadOnlyList<string> Problems(IConfiguration configuration)
    {
        var problems = new List<string>();

        var hosts = configuration["AllowedHosts"];
        if (string.IsNullOrWhiteSpace(hosts) || hosts.Split(';', StringSplitOptions.TrimEntries).Contains("*"))
        {
            problems.Add("AllowedHosts: the public host names of the apps, separated by ';' (not '*': e-mail links and redirects must not follow a forged Host header)");
        }

        foreach (var key in new[] { "Email:PortalUrl", "Email:BackOfficeUrl" })
        {
            if (!Uri.TryCreate(configuration[key], UriKind.Absolute, out var url) || url.Scheme != Uri.UriSchemeHttps)
            {
                problems.Add($"{key}: the app's public address, an absolute https:// URL (links in e-mails)");
            }
        }

        // The embedded sender would be refused (or junked) by every receiving server.
        if (configuration["Email:FromAddress"] is not { Length: > 0 } from || from.EndsWith("@example.com", StringComparison.OrdinalIgnoreCase))
        {
            problems.Add("Email:FromAddress: the address e-mails are sent from (a domain of yours)");
        }

        var seller = configuration.GetSection("Seller");
        foreach (var key in SellerKeys.Where(k => string.IsNullOrWhiteSpace(seller[k])))
        {
            problems.Add($"Seller:{key}: the issuer of credit notes (the demo identity is not used in Production)");
        }

        problems.AddRange(SellerIdentifierProblems(seller));

        var provider = configuration.GetValue("Database:Provider", DatabaseProvider.Sqlite);
        if (provider != DatabaseProvider.Sqlite && string.IsNullOrWhiteSpace(configuration.GetConnectionString("Litiges")))
        {
            problems.Add($"ConnectionStrings:Litiges: the {provider} connection string");
        }

        problems.AddRange(KeyProtection.Problems(configuration));
        problems.AddRange(Audit.HistoryKeys.Problems(configuration));

        var email = configuration.GetSection("Email");
        switch (email["Provider"])
        {
            case "Smtp" when string.IsNullOrWhiteSpace(email["Smtp:Host"]):
                problems.Add("Email:Smtp:Host: the SMTP server");
                break;
            case "SendGrid" when string.IsNullOrWhiteSpace(email["SendGrid:ApiKey"]):
                problems.Add("Email:SendGrid:ApiKey: the SendGrid API key");
                break;
            case "Smtp" or "SendGrid":
                break;
            default:
                problems.Add("Email:Provider: Smtp or SendGrid (Pickup only writes files nobody receives)");
                break;
        }

        var sms = configuration.GetSection("Sms").Get<Notifications.SmsOptions>() ?? new Notifications.SmsOptions();
        switch (sms.Provider)
        {
            case "Twilio":
                problems.AddRange(sms.Twilio.Problems());
                break;
            case "Off":
                break;
            default:
                problems.Add("Sms:Provider: Twilio, or Off to offer no SMS alerts (Pickup only writes files nobody receives)");
                break;
        }

        if (!TrustedProxies.AreConfigured(configuration))
        {
            problems.Add("ForwardedHeaders:KnownProxies or ForwardedHeaders:KnownNetworks: the address(es) of the TLS-terminating proxy (the apps listen on plain HTTP)");
        }

        return problems;
    }

    /// <summary>
    /// The seller's identifiers, checked when given: a wrong one would be printed on every credit
    /// note and refused by the e-invoicing platform (the demo defaults are valid; a test keeps them so).
    /// </summary>
    public static IEnumerable<string> SellerIdentifierProblems(IConfiguration seller)
    {
        string Problem(string key, string code)
        {
            var english = System.Globalization.CultureInfo.GetCultureInfo("en-GB");
            Localization.TextCatalog.Instance.TryGet("Error.Identifiers." + code, english, out var text);
            return $"Seller:{key}: {string.Format(english, text, seller[key])}";
        }

        var siren = seller["Siren"];
        var sirenValid = false;
        if (!string.IsNullOrWhiteSpace(siren))
        {
            var code = Customers.CompanyIdentifiers.SirenProblem(siren);
            sirenValid = code is null;
            if (code is not null)
            {
                yield return Problem("Siren", code);
            }
        }

        var checks = new (string Key, Func<string, string?> Check)[]
        {
            ("Siret", v => Customers.CompanyIdentifiers.SiretProblem(v, sirenValid ? siren : null)),
            ("VatNumber", v => Customers.CompanyIdentifiers.VatNumberProblem(v, sirenValid ? siren : null)),
        };
        foreach (var (key, check) in checks)
        {
            if (!string.IsNullOrWhiteSpace(seller[key]) && check(seller[key]!) is { } code)
            {
                yield return Problem(key, code);
            }
        }

        if (!string.IsNullOrWhiteSpace(seller["OperationCategory"]) && !Enum.TryParse<CreditNotes.OperationCategory>(seller["OperationCategory"], ignoreCase: true, out _))
        {
            yield return "Seller:OperationCategory: Goods, Services or Mixed (what the invoices are for, printed on credit notes)";
        }
    }
}
