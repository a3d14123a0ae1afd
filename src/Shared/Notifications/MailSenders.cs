using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace Litiges.Notifications;

/// <summary>Delivers one e-mail. Implementations: a pickup folder (default) and SMTP.</summary>
public interface IMailSender
{
    Task SendAsync(MimeMessage message, CancellationToken cancellationToken);
}

/// <summary>Writes each message as an .eml file: the embedded default, readable with any mail client.</summary>
public sealed class PickupFolderMailSender(string folder) : IMailSender
{
    public string Folder { get; } = folder;

    public async Task SendAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Folder);
        var name = $"{DateTime.UtcNow:yyyyMMddHHmmssfff}-{Guid.NewGuid():N}.eml";
        var temporary = Path.Combine(Folder, name + ".tmp");
        await message.WriteToAsync(temporary, cancellationToken);
        File.Move(temporary, Path.Combine(Folder, name));
    }
}

public sealed record SmtpSettings(string Host, int Port, bool UseTls, string? UserName, string? Password);

/// <summary>
/// SMTP through MailKit. One connection is kept open while messages keep coming (opening one
/// costs a handshake, often TLS and a login, each time), and opened again when it was closed,
/// left idle, or broke; sends through it are one at a time.
/// </summary>
public sealed class SmtpMailSender(SmtpSettings settings, TimeProvider? clock = null) : IMailSender, IDisposable
{
    /// <summary>Servers drop idle sessions (RFC 5321 allows five minutes); a quieter one is closed and opened again.</summary>
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(30);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private SmtpClient? _client;
    private DateTimeOffset _lastUsed;

    public async Task SendAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var reused = _client is { IsConnected: true } && _clock.GetUtcNow() - _lastUsed < IdleTimeout;
            try
            {
                var client = await ConnectedAsync(reused, cancellationToken);
                await client.SendAsync(message, cancellationToken);
            }
            catch (Exception ex) when (reused && ex is IOException or SmtpProtocolException or ServiceNotConnectedException)
            {
                // The server closed the session we kept: once more on a fresh connection.
                var client = await ConnectedAsync(reused: false, cancellationToken);
                await client.SendAsync(message, cancellationToken);
            }

            _lastUsed = _clock.GetUtcNow();
        }
        catch
        {
            Close();
            throw;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose()
    {
        Close();
        _gate.Dispose();
    }

    private async Task<SmtpClient> ConnectedAsync(bool reused, CancellationToken cancellationToken)
    {
        if (reused)
        {
            return _client!;
        }

        Close();
        var client = new SmtpClient();
        try
        {
            await client.ConnectAsync(settings.Host, settings.Port, settings.UseTls ? SecureSocketOptions.StartTls : SecureSocketOptions.None, cancellationToken);
            if (!string.IsNullOrEmpty(settings.UserName))
            {
                await client.AuthenticateAsync(settings.UserName, settings.Password ?? string.Empty, cancellationToken);
            }
        }
        catch
        {
            client.Dispose();
            throw;
        }

        _client = client;
        return client;
    }

    private void Close()
    {
        if (_client is null)
        {
            return;
        }

        try
        {
            if (_client.IsConnected)
            {
                _client.Disconnect(quit: false);
            }
        }
        catch (Exception ex) when (ex is IOException or SmtpProtocolException or SocketException)
        {
            // Already gone: nothing to close.
        }

        _client.Dispose();
        _client = null;
    }
}

public sealed record MailSettings(string FromAddress, string FromName, string PublicPortalUrl, string PublicBackOfficeUrl)
{
    /// <summary>The domain of the Message-IDs we write (<c>Email:MessageIdDomain</c>), by default the sender's.</summary>
    public string MessageIdDomain { get; init; } = FromAddress[(FromAddress.LastIndexOf('@') + 1)..];
}

public static class EmailSetup
{
    /// <summary>Chooses the sender by <c>Email:Provider</c> (Pickup by default, Smtp or SendGrid), the SMS sender, and starts the outbox dispatcher.</summary>
    public static IServiceCollection AddLitigesEmail(this IServiceCollection services, IConfiguration configuration, string dataFolder)
    {
        var section = configuration.GetSection("Email");
        services.AddSingleton(new MailSettings(
            section["FromAddress"] ?? "litiges@example.com",
            section["FromName"] ?? "Litiges",
            section["PortalUrl"] ?? "http://localhost:5080",
            section["BackOfficeUrl"] ?? "http://localhost:5090")
        {
            MessageIdDomain = section["MessageIdDomain"] is { Length: > 0 } domain ? domain : (section["FromAddress"] ?? "litiges@example.com").Split('@')[^1],
        });
        services.AddSingleton<PublicLinks>();
        var provider = section["Provider"] ?? "Pickup";
        switch (provider)
        {
            case "Pickup":
                services.AddSingleton<IMailSender>(new PickupFolderMailSender(section["PickupFolder"] ?? Path.Combine(dataFolder, "mail")));
                break;
            case "Smtp":
                services.AddSingleton<IMailSender>(new SmtpMailSender(new SmtpSettings(
                    section["Smtp:Host"] ?? "localhost",
                    section.GetValue("Smtp:Port", 25),
                    section.GetValue("Smtp:UseTls", false),
                    section["Smtp:UserName"],
                    section["Smtp:Password"])));
                break;
            case "SendGrid":
                var apiKey = section["SendGrid:ApiKey"];
                if (string.IsNullOrWhiteSpace(apiKey))
                {
                    throw new InvalidOperationException("Email:SendGrid:ApiKey is required for the SendGrid provider.");
                }

                var options = new SendGrid.SendGridClientOptions { ApiKey = apiKey };
                if (section["SendGrid:Host"] is { Length: > 0 } host)
                {
                    options.Host = host;
                }

                services.AddSingleton<IMailSender>(new SendGridMailSender(options));
                break;
            default:
                throw new InvalidOperationException($"Unknown Email:Provider '{provider}'.");
        }

        services.AddLitigesSms(configuration, dataFolder);
        services.Configure<OutboxOptions>(section.GetSection("Outbox"));
        services.AddHostedService<OutboxDispatcher>();
        return services;
    }
}
