using System.Collections.Concurrent;
using Litiges.Notifications;
using Litiges.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Litiges.IntegrationTests.Notifications;

/// <summary>
/// Drives the outbox the way an app instance does, but under the test's clock: a dispatcher over
/// the fixture's database with the sender the test chooses, and messages queued straight in the table.
/// </summary>
internal static class OutboxDriver
{
    public static readonly MailSettings Mail = new("litiges@test.example", "Litiges", "http://portal", "http://backoffice");

    public static OutboxDispatcher Dispatcher(LitigesFixture fixture, IMailSender sender, TimeProvider clock, int maxAttempts = 8, ISmsSender? texts = null) =>
        Dispatcher(fixture.BackOffice.Services, sender, clock, maxAttempts, texts);

    /// <summary>A dispatcher with the test's e-mail sender and, unless the test gives one, the app's SMS sender.</summary>
    public static OutboxDispatcher Dispatcher(IServiceProvider app, IMailSender sender, TimeProvider clock, int maxAttempts = 8, ISmsSender? texts = null) =>
        new(
            app.GetRequiredService<IServiceScopeFactory>(),
            sender,
            texts ?? app.GetRequiredService<ISmsSender>(),
            Mail,
            clock,
            Options.Create(new OutboxOptions { BatchSize = 10, MaxAttempts = maxAttempts }),
            NullLogger<OutboxDispatcher>.Instance);

    /// <summary>Dispatches until nothing more is due; the sum of what this dispatcher sent.</summary>
    public static async Task<int> DispatchAllAsync(OutboxDispatcher dispatcher)
    {
        var total = 0;
        for (var round = 0; round < 50; round++)
        {
            var sent = await dispatcher.DispatchDueAsync(CancellationToken.None);
            total += sent;
            if (sent == 0)
            {
                break;
            }
        }

        return total;
    }

    /// <summary>Queues <paramref name="count"/> e-mails whose subjects start with <paramref name="batch"/>.</summary>
    public static Task<List<long>> QueueAsync(LitigesFixture fixture, string batch, int count, DateTimeOffset now, string recipient = "client@alpha.test") =>
        fixture.WithDbAsync(async db =>
        {
            var messages = Enumerable.Range(1, count)
                .Select(i => new OutboxMessage(NotificationChannel.Email, "Test", recipient, $"{batch} #{i}", $"Corps du message {i}", $"<p><b>Message</b> {i}</p>", now))
                .ToList();
            db.Outbox.AddRange(messages);
            await db.SaveChangesAsync();
            return messages.Select(m => m.Id).ToList();
        });

    /// <summary>Records what it is given to send.</summary>
    public sealed class CountingSender : IMailSender
    {
        private readonly ConcurrentQueue<string> _subjects = new();

        public IReadOnlyCollection<string> Subjects => _subjects;

        public async Task SendAsync(MimeMessage message, CancellationToken cancellationToken)
        {
            await Task.Delay(2, cancellationToken);
            _subjects.Enqueue(message.Subject ?? string.Empty);
        }
    }

    /// <summary>A mail server that refuses everything.</summary>
    public sealed class FailingSender : IMailSender
    {
        public Task SendAsync(MimeMessage message, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("Mail server refused the message.");
    }
}
