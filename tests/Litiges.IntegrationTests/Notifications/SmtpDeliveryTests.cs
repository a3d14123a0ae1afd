using System.Globalization;
using System.Net;
using Litiges.IntegrationTests.Portal;
using Litiges.Invoices;
using Litiges.Notifications;
using Litiges.Testing;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static Litiges.IntegrationTests.Notifications.OutboxDriver;
using PortalProgram = Litiges.CustomerPortal.Program;

namespace Litiges.IntegrationTests.Notifications;

/// <summary>
/// The portal configured with the SMTP sender against a real maildev of the test's own: a filing
/// arrives as an e-mail with its reference and deadlines; while the server is down, filings still
/// save and their e-mails wait, then each arrives once when it is back.
/// </summary>
public abstract class SmtpDeliveryTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : LitigesFixture
{
    private const string PortalUrl = "https://portal.litiges.test";

    [Fact]
    public async Task Filing_a_dispute_sends_the_acknowledgment_with_its_reference_and_deadlines_to_the_smtp_server()
    {
        await using var maildev = new Maildev();
        await maildev.StartAsync();
        await using var app = Portal(maildev, dispatcherRunning: false);

        // Filed on Tuesday 28 April 2026 at 10:00 in Paris (8:00 UTC), on an invoice of that month, so that the
        // deadlines are known: 2 business days (Wednesday, Thursday); 30 business days, skipping
        // 1 May, 8 May, Ascension (14 May) and Whit Monday (25 May); 2 months.
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 4, 28, 8, 0, 0, TimeSpan.Zero));
        await using var portal = app.WithWebHostBuilder(builder => builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(clock)));
        var invoice = await InvoiceAsync(new DateOnly(2026, 4, 10), new DateOnly(2026, 5, 10));
        var (reference, submittedAt) = await FileAsync(portal, "alice@alpha.test", "240,50", invoice);
        Assert.Equal(clock.GetUtcNow(), submittedAt);
        await DispatchAllAsync(Dispatcher(portal.Services, portal.Services.GetRequiredService<IMailSender>(), clock));

        var mail = await WaitForAsync(maildev, reference);
        Assert.Equal("alice@alpha.test", mail.To.Single().Address);
        Assert.Equal($"Litige {reference} enregistré", mail.Subject);
        var text = mail.Text!;
        Assert.Contains("accusé de réception au plus tard le jeudi 30 avril 2026", text, StringComparison.Ordinal);
        Assert.Contains("résolution au plus tard le lundi 15 juin 2026", text, StringComparison.Ordinal);
        Assert.Contains("délai maximal : dimanche 28 juin 2026", text, StringComparison.Ordinal);
        Assert.Contains("240,50", text, StringComparison.Ordinal);
        Assert.Contains($"{PortalUrl}/Disputes/Details/{reference}", text, StringComparison.Ordinal);

        // The HTML part says the same, with the link as a button.
        var html = WebUtility.HtmlDecode(mail.Html!);
        Assert.Contains(reference, html, StringComparison.Ordinal);
        Assert.Contains("jeudi 30 avril 2026", html, StringComparison.Ordinal);
        Assert.Contains($"href=\"{PortalUrl}/Disputes/Details/{reference}\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task While_the_smtp_server_is_down_filings_save_their_emails_wait_and_each_arrives_once_after_its_restart()
    {
        await using var maildev = new Maildev();
        await maildev.StartAsync();
        await using var portal = Portal(maildev, dispatcherRunning: false);
        var sender = portal.Services.GetRequiredService<IMailSender>();
        Assert.IsType<SmtpMailSender>(sender);

        // Up: the first filing's e-mail leaves at once.
        var (first, _) = await FileAsync(portal, "alice@alpha.test", "10");
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await DispatchAllAsync(Dispatcher(portal.Services, sender, clock));
        await WaitForAsync(maildev, first);

        // Down: two more filings are saved all the same, their e-mails wait with the error and a later attempt.
        await maildev.StopAsync();
        var (second, _) = await FileAsync(portal, "alice@alpha.test", "20");
        var (third, _) = await FileAsync(portal, "carol@alpha.test", "30");
        clock.SetUtcNow(DateTimeOffset.UtcNow);
        Assert.Equal(0, await DispatchAllAsync(Dispatcher(portal.Services, sender, clock)));
        var waiting = await fixture.WithDbAsync(db => db.Outbox.AsNoTracking().Where(m => m.Kind == "DisputeSubmitted" && (m.Subject.Contains(second) || m.Subject.Contains(third))).ToListAsync());
        Assert.Equal(2, waiting.Count);
        Assert.All(waiting, m =>
        {
            Assert.Null(m.SentAt);
            Assert.Equal(1, m.Attempts);
            Assert.NotNull(m.LastError);
            Assert.True(m.NextAttemptAt > clock.GetUtcNow());
        });

        // Back: two instances dispatch at once once the backoff has passed; each e-mail arrives once.
        await maildev.StartAsync();
        clock.Advance(TimeSpan.FromMinutes(1));
        var sent = await Task.WhenAll(
            DispatchAllAsync(Dispatcher(portal.Services, sender, clock)),
            DispatchAllAsync(Dispatcher(portal.Services, sender, clock)));
        Assert.True(sent.Sum() >= 2);
        await WaitForAsync(maildev, second);
        await WaitForAsync(maildev, third);
        var caught = await maildev.MessagesAsync();
        Assert.Single(caught, m => IsReceipt(m, second));
        Assert.Single(caught, m => IsReceipt(m, third));
        Assert.Equal("carol@alpha.test", caught.Single(m => IsReceipt(m, third)).To.Single().Address);
        Assert.Equal(0, await DispatchAllAsync(Dispatcher(portal.Services, sender, clock)));
    }

    private AppFactory<PortalProgram> Portal(Maildev maildev, bool dispatcherRunning) =>
        new(fixture.Database, fixture.DataFolder, new Dictionary<string, string?>
        {
            ["Email:Provider"] = "Smtp",
            ["Email:Smtp:Host"] = "127.0.0.1",
            ["Email:Smtp:Port"] = maildev.SmtpPort.ToString(CultureInfo.InvariantCulture),
            ["Email:PortalUrl"] = PortalUrl,
            ["Email:Outbox:Enabled"] = dispatcherRunning ? "true" : "false",
            ["Email:Outbox:PollInterval"] = "00:00:00.200",
        });

    // Through the portal's form, as the customer does, on a new invoice (or the one given); the reference and when it was saved.
    private async Task<(string Reference, DateTimeOffset SubmittedAt)> FileAsync(WebApplicationFactory<PortalProgram> portal, string email, string amount, int? invoice = null)
    {
        var customer = await PortalBrowser.SignInAsync(portal, email);
        var invoiceId = invoice ?? (await TestData.NewInvoiceAsync(fixture, fixture.Data.AlphaId)).Id;
        var url = $"/Disputes/New?invoice={invoiceId}";
        var (_, submitted) = await Wizard.ContinueAsync(customer, await customer.GetPageAsync(url), url, new Dictionary<string, string?> { ["Input.Invoices[0].Amount"] = amount });
        Assert.Equal(HttpStatusCode.Redirect, submitted.StatusCode);
        var id = Wizard.IdFromLocation(submitted);
        var dispute = await fixture.WithDbAsync(db => db.Disputes.AsNoTracking().Where(d => d.Id == id).Select(d => new { d.Reference, d.SubmittedAt }).SingleAsync());
        return (dispute.Reference, dispute.SubmittedAt);
    }

    // An invoice of Alpha's issued and due on the days given (as TestData.NewInvoiceAsync, which dates from today).
    private Task<int> InvoiceAsync(DateOnly issued, DateOnly due) =>
        fixture.WithDbAsync(async db =>
        {
            var invoice = new Invoice("T-" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant(), fixture.Data.AlphaId, issued, due);
            invoice.AddLine("Palettes", 2, 500m, 0.2m);
            db.Invoices.Add(invoice);
            await db.SaveChangesAsync();
            return invoice.Id;
        });

    // The filer's receipt: the staff who handle the dispute are told of it too, in e-mails of their own.
    private static async Task<CaughtMail> WaitForAsync(Maildev maildev, string reference) =>
        (await maildev.WaitForAsync(m => IsReceipt(m, reference)))[0];

    private static bool IsReceipt(CaughtMail mail, string reference) =>
        mail.Subject.Contains(reference, StringComparison.Ordinal) && mail.To.Single().Address.EndsWith("@alpha.test", StringComparison.Ordinal);
}

public sealed class SqliteSmtpDeliveryTests(SqliteFixture fixture) : SmtpDeliveryTests<SqliteFixture>(fixture);

public sealed class PostgreSqlSmtpDeliveryTests(PostgreSqlFixture fixture) : SmtpDeliveryTests<PostgreSqlFixture>(fixture);
