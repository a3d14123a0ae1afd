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

/// <summary>SMTP through MailKit.</summary>
public sealed class SmtpMailSender(SmtpSettings settings) : IMailSender
{
    public async Task SendAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        using var client = new SmtpClient();
        await client.ConnectAsync(settings.Host, settings.Port, settings.UseTls ? SecureSocketOptions.StartTls : SecureSocketOptions.None, cancellationToken);
        if (!string.IsNullOrEmpty(settings.UserName))
        {
            await client.AuthenticateAsync(settings.UserName, settings.Password ?? string.Empty, cancellationToken);
        }

        await client.SendAsync(message, cancellationToken);
        await client.DisconnectAsync(quit: true, cancellationToken);
    }
}

public sealed record MailSettings(string FromAddress, string FromName, string PublicPortalUrl, string PublicBackOfficeUrl);

public static class EmailSetup
{
    /// <summary>Chooses the sender by <c>Email:Provider</c> (Pickup by default, Smtp or SendGrid) and starts the outbox dispatcher.</summary>
    public static IServiceCollection AddLitigesEmail(this IServiceCollection services, IConfiguration configuration, string dataFolder)
    {
        var section = configuration.GetSection("Email");
        services.AddSingleton(new MailSettings(
            section["FromAddress"] ?? "litiges@example.com",
            section["FromName"] ?? "Litiges",
            section["PortalUrl"] ?? "http://localhost:5080",
            section["BackOfficeUrl"] ?? "http://localhost:5090"));
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

        services.Configure<OutboxOptions>(section.GetSection("Outbox"));
        services.AddHostedService<OutboxDispatcher>();
        return services;
    }
}
