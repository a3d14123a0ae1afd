using System.Net;
using System.Text.Json;
using Litiges.Notifications;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using SendGrid;

namespace Litiges.IntegrationTests.Notifications;

/// <summary>The SendGrid sender speaks SendGrid's v3 API; played here by a local endpoint on loopback.</summary>
public sealed class SendGridSenderTests
{
    [Fact]
    public async Task Sends_the_message_through_the_v3_api_with_the_api_key()
    {
        await using var api = await FakeSendGrid.StartAsync(HttpStatusCode.Accepted);
        var sender = new SendGridMailSender(new SendGridClientOptions { ApiKey = "SG.test-key", Host = api.Url });

        await sender.SendAsync(Message(), CancellationToken.None);

        var request = Assert.Single(api.Requests);
        Assert.Equal("/v3/mail/send", request.Path);
        Assert.Equal("Bearer SG.test-key", request.Authorization);
        using var json = JsonDocument.Parse(request.Body);
        Assert.Equal("Votre litige LIT-2026-000001", json.RootElement.GetProperty("subject").GetString());
        Assert.Equal("client@alpha.test", json.RootElement.GetProperty("personalizations")[0].GetProperty("to")[0].GetProperty("email").GetString());
        var contents = json.RootElement.GetProperty("content").EnumerateArray().Select(c => c.GetProperty("type").GetString()).ToList();
        Assert.Equal(["text/plain", "text/html"], contents);
    }

    [Fact]
    public async Task A_refused_call_throws_so_that_the_outbox_retries()
    {
        await using var api = await FakeSendGrid.StartAsync(HttpStatusCode.InternalServerError);
        var sender = new SendGridMailSender(new SendGridClientOptions { ApiKey = "SG.test-key", Host = api.Url });

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => sender.SendAsync(Message(), CancellationToken.None));
        Assert.Contains("500", error.Message, StringComparison.Ordinal);
    }

    private static MimeMessage Message()
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Litiges", "litiges@test.example"));
        message.To.Add(MailboxAddress.Parse("client@alpha.test"));
        message.Subject = "Votre litige LIT-2026-000001";
        message.Body = new BodyBuilder { TextBody = "Bonjour", HtmlBody = "<p>Bonjour</p>" }.ToMessageBody();
        return message;
    }

    private sealed record Captured(string Path, string? Authorization, string Body);

    private sealed class FakeSendGrid : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private FakeSendGrid(WebApplication app, string url)
        {
            _app = app;
            Url = url;
        }

        public string Url { get; }

        public List<Captured> Requests { get; } = [];

        public static async Task<FakeSendGrid> StartAsync(HttpStatusCode answer)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            FakeSendGrid? fake = null;
            app.Run(async context =>
            {
                using var reader = new StreamReader(context.Request.Body);
                fake!.Requests.Add(new Captured(context.Request.Path, context.Request.Headers.Authorization, await reader.ReadToEndAsync()));
                context.Response.StatusCode = (int)answer;
                await context.Response.WriteAsync(answer == HttpStatusCode.Accepted ? string.Empty : "{\"errors\":[{\"message\":\"boom\"}]}");
            });
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
            fake = new FakeSendGrid(app, address);
            return fake;
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }
}
