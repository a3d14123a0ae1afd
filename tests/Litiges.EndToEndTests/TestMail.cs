using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Litiges.Notifications;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Litiges.EndToEndTests;

/// <summary>
/// The apps' e-mails, caught by the maildev that ./test.sh starts (LITIGES_TEST_SMTP_HOST/PORT,
/// LITIGES_TEST_MAILDEV_URL). The back office's outbox dispatcher delivers them by SMTP; they are told
/// apart from other test runs' mail by a sender address of this run's own.
/// </summary>
public sealed class TestMail
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private readonly string? _smtpHost;
    private readonly string? _smtpPort;
    private readonly Uri? _maildev;

    private TestMail(string? smtpHost, string? smtpPort, string? maildev)
    {
        _smtpHost = smtpHost;
        _smtpPort = smtpPort;
        _maildev = string.IsNullOrEmpty(maildev) ? null : new Uri(maildev);
    }

    public string FromAddress { get; } = $"litiges-e2e-{Guid.NewGuid():N}@example.test";

    public static TestMail FromEnvironment() => new(
        Environment.GetEnvironmentVariable("LITIGES_TEST_SMTP_HOST"),
        Environment.GetEnvironmentVariable("LITIGES_TEST_SMTP_PORT"),
        Environment.GetEnvironmentVariable("LITIGES_TEST_MAILDEV_URL"));

    /// <summary>App settings: SMTP to maildev, and the outbox dispatcher on in one app only (one is enough).</summary>
    public Dictionary<string, string?> Settings(bool dispatch)
    {
        if (_smtpHost is null || _smtpPort is null)
        {
            return [];
        }

        return new Dictionary<string, string?>
        {
            ["Email:Provider"] = "Smtp",
            ["Email:Smtp:Host"] = _smtpHost,
            ["Email:Smtp:Port"] = _smtpPort,
            ["Email:FromAddress"] = FromAddress,
            ["Email:Outbox:Enabled"] = dispatch ? "true" : "false",
            ["Email:Outbox:PollInterval"] = "00:00:00.250",
        };
    }

    /// <summary>
    /// A dispatcher of the outbox on the test's own clock, sending to maildev as the apps do: for
    /// messages queued at a moment the test moved the clock to, which the apps' dispatcher would
    /// only find due at that moment.
    /// </summary>
    public OutboxDispatcher DispatcherAt(IServiceProvider app, TimeProvider clock)
    {
        if (_smtpHost is null || _smtpPort is null)
        {
            throw new InvalidOperationException("LITIGES_TEST_SMTP_HOST/PORT are not set: run the end-to-end tests with ./test.sh, which starts maildev.");
        }

        var sender = new SmtpMailSender(new SmtpSettings(_smtpHost, int.Parse(_smtpPort, CultureInfo.InvariantCulture), false, null, null));
        var mail = app.GetRequiredService<MailSettings>() with { FromAddress = FromAddress };
        return new OutboxDispatcher(
            app.GetRequiredService<IServiceScopeFactory>(), sender, app.GetRequiredService<ISmsSender>(), mail, clock, Options.Create(new OutboxOptions()), NullLogger<OutboxDispatcher>.Instance);
    }

    /// <summary>Waits for an e-mail of this run to <paramref name="to"/> whose subject contains <paramref name="subject"/>.</summary>
    public async Task<Mail> WaitForAsync(string to, string subject)
    {
        var maildev = _maildev ?? throw new InvalidOperationException("LITIGES_TEST_MAILDEV_URL is not set: run the end-to-end tests with ./test.sh, which starts maildev.");
        using var http = new HttpClient { BaseAddress = maildev };
        var deadline = DateTime.UtcNow + Patience;
        IReadOnlyList<Mail> ours = [];
        while (DateTime.UtcNow < deadline)
        {
            var all = await http.GetFromJsonAsync<List<Mail>>("/api/email") ?? [];
            ours = all.Where(m => m.From.Any(f => string.Equals(f.Address, FromAddress, StringComparison.OrdinalIgnoreCase))).ToList();
            var found = ours.FirstOrDefault(m =>
                m.To.Any(a => string.Equals(a.Address, to, StringComparison.OrdinalIgnoreCase))
                && m.Subject.Contains(subject, StringComparison.Ordinal));
            if (found is not null)
            {
                return found;
            }

            await Task.Delay(250);
        }

        throw new TimeoutException(
            $"No e-mail to {to} with '{subject}' in its subject within {Patience.TotalSeconds} s. This run's e-mails: "
            + string.Join(" | ", ours.Select(m => $"{string.Join(",", m.To.Select(a => a.Address))}: {m.Subject}")));
    }

    public sealed record Mail(
        [property: JsonPropertyName("subject")] string Subject,
        [property: JsonPropertyName("text")] string? Text,
        [property: JsonPropertyName("from")] IReadOnlyList<MailAddress> From,
        [property: JsonPropertyName("to")] IReadOnlyList<MailAddress> To);

    public sealed record MailAddress([property: JsonPropertyName("address")] string Address);
}
