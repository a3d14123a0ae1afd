using Litiges.Invoices;
using Litiges.Notifications;
using Litiges.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Litiges.IntegrationTests.Notifications;

/// <summary>Before an invoice falls due, its company's users get one e-mail with a link to report a problem.</summary>
public abstract class PreDueReminderTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : LitigesFixture
{
    [Fact]
    public async Task Users_of_the_company_are_reminded_once_with_a_link_to_the_dispute_form()
    {
        var now = DateTimeOffset.UtcNow;
        var number = "FA-PREDUE-" + Guid.NewGuid().ToString("N")[..6];
        var invoiceId = await NewInvoiceAsync(number, Litiges.Deadlines.BusinessDate.Of(now).AddDays(5));
        var reminders = fixture.BackOffice.Services.GetRequiredService<PreDueReminders>();

        Assert.True(await reminders.RunOnceAsync(now) >= 1);
        Assert.Equal(0, await CountAsync(number, reminders, now));

        var mails = await fixture.WithDbAsync(db => db.Outbox.Where(m => m.Kind == NotificationKinds.PreDueReminder && m.Subject.Contains(number)).ToListAsync());
        Assert.Equal(["alice@alpha.test", "carol@alpha.test"], mails.Select(m => m.Recipient).Order());
        Assert.All(mails, m => Assert.Contains($"/Disputes/New?invoice={invoiceId}", m.TextBody, StringComparison.Ordinal));
        Assert.Contains("Signaler un problème sur cette facture", System.Net.WebUtility.HtmlDecode(mails[0].HtmlBody), StringComparison.Ordinal);
        var invoice = await fixture.WithDbAsync(db => db.Invoices.SingleAsync(i => i.Id == invoiceId));
        Assert.NotNull(invoice.PreDueReminderSentAt);
    }

    [Fact]
    public async Task Invoices_far_from_due_or_paid_are_not_reminded_and_muted_users_get_nothing()
    {
        var now = DateTimeOffset.UtcNow;
        var today = Litiges.Deadlines.BusinessDate.Of(now);
        var far = "FA-FAR-" + Guid.NewGuid().ToString("N")[..6];
        var soon = "FA-SOON-" + Guid.NewGuid().ToString("N")[..6];
        await NewInvoiceAsync(far, today.AddDays(30));
        await NewInvoiceAsync(soon, today.AddDays(2));
        await fixture.WithDbAsync(async db =>
        {
            var carol = await db.Users.SingleAsync(u => u.Email == "carol@alpha.test");
            carol.MuteNotifications([NotificationKinds.PreDueReminder]);
            await db.SaveChangesAsync();
        });

        try
        {
            await fixture.BackOffice.Services.GetRequiredService<PreDueReminders>().RunOnceAsync(now);
            var recipients = await fixture.WithDbAsync(db => db.Outbox.Where(m => m.Kind == NotificationKinds.PreDueReminder && (m.Subject.Contains(far) || m.Subject.Contains(soon))).Select(m => m.Recipient).ToListAsync());
            Assert.Equal(["alice@alpha.test"], recipients);
        }
        finally
        {
            await fixture.WithDbAsync(async db =>
            {
                var carol = await db.Users.SingleAsync(u => u.Email == "carol@alpha.test");
                carol.MuteNotifications([]);
                await db.SaveChangesAsync();
            });
        }
    }

    private async Task<int> CountAsync(string number, PreDueReminders reminders, DateTimeOffset now)
    {
        await reminders.RunOnceAsync(now.AddHours(1));
        return await fixture.WithDbAsync(db => db.Outbox.CountAsync(m => m.Kind == NotificationKinds.PreDueReminder && m.Subject.Contains(number))) - 2;
    }

    private Task<int> NewInvoiceAsync(string number, DateOnly dueDate) =>
        fixture.WithDbAsync(async db =>
        {
            var invoice = new Invoice(number, fixture.Data.AlphaId, dueDate.AddDays(-30), dueDate);
            invoice.AddLine("Prestation", 1, 100m, 0.20m);
            db.Invoices.Add(invoice);
            await db.SaveChangesAsync();
            return invoice.Id;
        });
}

public sealed class SqlitePreDueReminderTests(SqliteFixture fixture) : PreDueReminderTests<SqliteFixture>(fixture);

public sealed class PostgreSqlPreDueReminderTests(PostgreSqlFixture fixture) : PreDueReminderTests<PostgreSqlFixture>(fixture);
