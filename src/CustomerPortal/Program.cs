using Litiges.Accounts;
using Litiges.Disputes;
using Litiges.Hosting;
using Litiges.Inbound;

namespace Litiges.CustomerPortal;

/// <summary>
/// The customer portal: a company's users see its invoices and disputes, and contest invoices.
/// <c>Litiges.CustomerPortal healthcheck</c> asks the running app for /health (container health checks).
/// </summary>
public sealed class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args is [HealthProbe.Command, ..])
        {
            return await HealthProbe.RunAsync();
        }

        var builder = WebApplication.CreateBuilder(args);
        builder.AddLitigesWeb(UserKind.Customer);

        // Reply addresses for the e-mails the portal queues; the back office reads the mailbox.
        builder.Services.AddLitigesInbound(builder.Configuration, pollMailbox: false);
        var app = builder.Build();
        app.UseLitigesWeb();
        await app.RunAsync();
        return 0;
    }
}
