using System.Globalization;
using Litiges.Deadlines;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Twilio.Clients;
using Twilio.Exceptions;
using Twilio.Rest.Api.V2010.Account;
using Twilio.Types;

namespace Litiges.Notifications;

/// <summary>One SMS to send: the outbox row, the number (E.164) and the text.</summary>
public sealed record SmsMessage(long Id, string To, string Body);

/// <summary>Delivers one SMS. Implementations: a pickup folder (default) and Twilio.</summary>
public interface ISmsSender
{
    Task SendAsync(SmsMessage message, CancellationToken cancellationToken);
}

/// <summary>
/// The provider refused the message for good (an invalid number, a phone that answered STOP):
/// the outbox parks it at once instead of retrying.
/// </summary>
public sealed class SmsRefusedException(string message, bool unsubscribed) : Exception(message)
{
    /// <summary>The phone opted out (STOP) at the provider: our side stops too.</summary>
    public bool Unsubscribed { get; } = unsubscribed;
}

/// <summary><c>Sms:*</c> settings.</summary>
public sealed class SmsOptions
{
    /// <summary>"Pickup" (files in the data folder, the default), "Twilio", or "Off" (no SMS alerts offered).</summary>
    public string Provider { get; set; } = "Pickup";

    /// <summary>Whether users are offered SMS alerts at all: not when <see cref="Provider"/> is "Off".</summary>
    public bool Offered => Provider != "Off";

    public string? PickupFolder { get; set; }

    public SmsQuietHours QuietHours { get; set; } = new();

    public TwilioOptions Twilio { get; set; } = new();
}

/// <summary><c>Sms:Twilio:*</c>: the account, and the sender (a number, or a messaging service).</summary>
public sealed class TwilioOptions
{
    public string? AccountSid { get; set; }

    public string? AuthToken { get; set; }

    public string? From { get; set; }

    public string? MessagingServiceSid { get; set; }

    /// <summary>Where Twilio's API is reached (a local server in tests).</summary>
    public string BaseUrl { get; set; } = "https://api.twilio.com";

    /// <summary>What is missing for Twilio to send, one line per setting.</summary>
    public IEnumerable<string> Problems()
    {
        if (string.IsNullOrWhiteSpace(AccountSid))
        {
            yield return "Sms:Twilio:AccountSid: the Twilio account (AC...)";
        }

        if (string.IsNullOrWhiteSpace(AuthToken))
        {
            yield return "Sms:Twilio:AuthToken: the Twilio auth token";
        }

        if (string.IsNullOrWhiteSpace(From) && string.IsNullOrWhiteSpace(MessagingServiceSid))
        {
            yield return "Sms:Twilio:From or Sms:Twilio:MessagingServiceSid: the number or messaging service SMS are sent from";
        }

        if (!Uri.TryCreate(BaseUrl, UriKind.Absolute, out _))
        {
            yield return "Sms:Twilio:BaseUrl: an absolute URL";
        }
    }
}

/// <summary>
/// No SMS alert between <see cref="Start"/> and <see cref="End"/>, Paris time (20:00 to 08:00 by
/// default): one due meanwhile waits for the end, on the right side of a change of summer time.
/// </summary>
public sealed class SmsQuietHours
{
    public TimeSpan Start { get; set; } = TimeSpan.FromHours(20);

    public TimeSpan End { get; set; } = TimeSpan.FromHours(8);

    /// <summary>When quiet hours holding <paramref name="now"/> end; null when <paramref name="now"/> is not in them.</summary>
    public DateTimeOffset? Until(DateTimeOffset now)
    {
        var zone = FrenchBusinessCalendar.Instance.TimeZone;
        var local = TimeZoneInfo.ConvertTime(now, zone);
        var time = local.TimeOfDay;
        var quiet = Start != End && (Start < End ? time >= Start && time < End : time >= Start || time < End);
        if (!quiet)
        {
            return null;
        }

        var endDate = time >= End ? local.Date.AddDays(1) : local.Date;
        var end = endDate + End;
        while (zone.IsInvalidTime(end))
        {
            end = end.AddMinutes(30); // an end set inside the spring-forward gap: the first minute that exists
        }

        return new DateTimeOffset(end, zone.GetUtcOffset(end)).ToUniversalTime();
    }
}

/// <summary>Writes each SMS as a text file (number, blank line, text): the embedded default.</summary>
public sealed class PickupFolderSmsSender(string folder) : ISmsSender
{
    public string Folder { get; } = folder;

    public async Task SendAsync(SmsMessage message, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Folder);
        var name = string.Create(CultureInfo.InvariantCulture, $"{DateTime.UtcNow:yyyyMMddHHmmssfff}-{message.Id}.txt");
        var temporary = Path.Combine(Folder, name + ".tmp");
        await File.WriteAllTextAsync(temporary, $"To: {message.To}\n\n{message.Body}", cancellationToken);
        File.Move(temporary, Path.Combine(Folder, name), overwrite: true);
    }
}

/// <summary>
/// <c>Sms:Provider</c> "Off": no page offers SMS and nothing queues one; a row left from before
/// the switch is parked, not sent.
/// </summary>
public sealed class OffSmsSender : ISmsSender
{
    public Task SendAsync(SmsMessage message, CancellationToken cancellationToken) =>
        throw new SmsRefusedException("SMS alerts are off (Sms:Provider is Off).", unsubscribed: false);
}

/// <summary>
/// Twilio's Messages API through the <c>Twilio</c> library, on a client of our own whose requests go
/// to <see cref="TwilioOptions.BaseUrl"/>. A refusal Twilio will repeat (an invalid number, a phone
/// that answered STOP, a landline) parks the message at once; anything else (429, 5xx, the network)
/// is retried by the outbox.
/// </summary>
public sealed class TwilioSmsSender : ISmsSender, IDisposable
{
    /// <summary>Twilio's error codes for a message that will never go to that number.</summary>
    public const int InvalidNumber = 21211;
    public const int Unsubscribed = 21610;
    public const int NotMobile = 21614;

    private readonly TwilioOptions _options;
    private readonly HttpClient _http;
    private readonly TwilioRestClient _client;

    public TwilioSmsSender(TwilioOptions options)
    {
        _options = options;
        _http = new HttpClient(new BaseUrlHandler(new Uri(options.BaseUrl)) { InnerHandler = new SocketsHttpHandler() }) { Timeout = TimeSpan.FromSeconds(30) };
        _client = new TwilioRestClient(options.AccountSid, options.AuthToken, httpClient: new Twilio.Http.SystemNetHttpClient(_http));
    }

    public async Task SendAsync(SmsMessage message, CancellationToken cancellationToken)
    {
        var create = new CreateMessageOptions(new PhoneNumber(message.To)) { Body = message.Body };
        if (!string.IsNullOrWhiteSpace(_options.MessagingServiceSid))
        {
            create.MessagingServiceSid = _options.MessagingServiceSid;
        }
        else
        {
            create.From = new PhoneNumber(_options.From);
        }

        try
        {
            await MessageResource.CreateAsync(create, _client);
        }
        catch (ApiException refused) when (refused.Status == 400 && refused.Code is InvalidNumber or Unsubscribed or NotMobile)
        {
            throw new SmsRefusedException($"Twilio {refused.Code}: {refused.Message}", refused.Code == Unsubscribed);
        }
    }

    public void Dispose() => _http.Dispose();

    /// <summary>Sends the library's requests (to https://api.twilio.com) to the configured address instead.</summary>
    private sealed class BaseUrlHandler(Uri baseUrl) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.RequestUri is { } uri)
            {
                request.RequestUri = new UriBuilder(uri) { Scheme = baseUrl.Scheme, Host = baseUrl.Host, Port = baseUrl.Port }.Uri;
            }

            return base.SendAsync(request, cancellationToken);
        }
    }
}

public static class SmsSetup
{
    /// <summary>Chooses the SMS sender by <c>Sms:Provider</c> (Pickup by default, or Twilio) and reads the quiet hours.</summary>
    public static IServiceCollection AddLitigesSms(this IServiceCollection services, IConfiguration configuration, string dataFolder)
    {
        var section = configuration.GetSection("Sms");
        var options = section.Get<SmsOptions>() ?? new SmsOptions();
        services.Configure<SmsOptions>(section);
        switch (options.Provider)
        {
            case "Pickup":
                services.AddSingleton<ISmsSender>(new PickupFolderSmsSender(options.PickupFolder ?? Path.Combine(dataFolder, "sms")));
                break;
            case "Twilio":
                var problems = options.Twilio.Problems().ToList();
                if (problems.Count > 0)
                {
                    throw new InvalidOperationException("Sms:Provider is Twilio but settings are missing: " + string.Join("; ", problems));
                }

                services.AddSingleton<ISmsSender>(_ => new TwilioSmsSender(options.Twilio));
                break;
            case "Off":
                services.AddSingleton<ISmsSender>(new OffSmsSender());
                break;
            default:
                throw new InvalidOperationException($"Unknown Sms:Provider '{options.Provider}' (Pickup, Twilio or Off).");
        }

        return services;
    }
}
