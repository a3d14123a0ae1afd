using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Litiges.Accounts;
using Litiges.Deadlines;
using Litiges.Disputes;
using Litiges.IntegrationTests.BackOffice;
using Litiges.IntegrationTests.Portal;
using Litiges.Notifications;
using Litiges.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using BackOfficeProgram = Litiges.BackOffice.Program;

namespace Litiges.IntegrationTests.Notifications;

/// <summary>The Twilio sender speaks Twilio's Messages API, played by a capture server on loopback.</summary>
public sealed class TwilioSenderTests
{
    [Fact]
    public async Task Sends_the_number_and_text_from_our_number_under_the_accounts_basic_auth()
    {
        await using var twilio = await TwilioCapture.StartAsync();
        using var sender = twilio.Sender();

        await sender.SendAsync(new SmsMessage(1, "+33612345678", "Litiges : une question vous attend."), CancellationToken.None);

        var request = Assert.Single(twilio.Requests);
        Assert.Equal($"/2010-04-01/Accounts/{TwilioCapture.AccountSid}/Messages.json", request.Path);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.ASCII.GetBytes($"{TwilioCapture.AccountSid}:{TwilioCapture.AuthToken}")), request.Authorization);
        Assert.Equal("+33612345678", request.Form["To"]);
        Assert.Equal(TwilioCapture.From, request.Form["From"]);
        Assert.Equal("Litiges : une question vous attend.", request.Form["Body"]);
        Assert.False(request.Form.ContainsKey("MessagingServiceSid"));
    }

    [Fact]
    public async Task A_messaging_service_sends_instead_of_a_number_when_configured()
    {
        await using var twilio = await TwilioCapture.StartAsync();
        using var sender = twilio.Sender(messagingServiceSid: "MG0123456789abcdef0123456789abcdef");

        await sender.SendAsync(new SmsMessage(2, "+447911123456", "Hello"), CancellationToken.None);

        var request = Assert.Single(twilio.Requests);
        Assert.Equal("MG0123456789abcdef0123456789abcdef", request.Form["MessagingServiceSid"]);
        Assert.False(request.Form.ContainsKey("From"));
    }

    [Theory]
    [InlineData(500, null, false)]
    [InlineData(429, null, false)]
    [InlineData(401, 20003, false)]
    [InlineData(400, 21211, true)]
    [InlineData(400, 21610, true)]
    public async Task Only_a_refusal_twilio_will_repeat_is_final(int status, int? code, bool final)
    {
        await using var twilio = await TwilioCapture.StartAsync();
        using var sender = twilio.Sender();
        twilio.Answer("+33612345678", (status, code));

        var error = await Assert.ThrowsAnyAsync<Exception>(() => sender.SendAsync(new SmsMessage(3, "+33612345678", "x"), CancellationToken.None));

        Assert.Equal(final, error is SmsRefusedException);
        Assert.Equal(code == TwilioSmsSender.Unsubscribed, error is SmsRefusedException { Unsubscribed: true });
    }
}

/// <summary>
/// SMS alerts end to end: a number proved through the pages, the opt-in per event, the text queued
/// beside the e-mail in the same save (in the recipient's language, one GSM-7 message, the dispute's
/// short link), quiet hours in Paris time, delivery through Twilio with retries and parking, STOP
/// from the phone, and the short link's access rules.
/// </summary>
public abstract class SmsAlertTests<TFixture>(TFixture fixture) : BackOfficeScenario<TFixture>(fixture), IClassFixture<TFixture>
    where TFixture : LitigesFixture
{
    [Fact]
    public async Task A_number_is_proved_through_the_page_by_the_code_sent_to_it()
    {
        var (_, email) = await NewUserAsync(AppUser.NewCustomer(LitigesFixture.UniqueEmail("sms", "alpha.test"), "Sam Mobile", Fixture.Data.AlphaId, isAdmin: false));
        var sam = (await PortalBrowser.SignInAsync(Fixture.Portal, email)).Browser;

        // A landline is refused with its reason; nothing is queued.
        var landline = await sam.SubmitAsync(MobilePage, new Dictionary<string, string> { ["Number"] = "01 23 45 67 89" }, NumberForm);
        Assert.Equal(HttpStatusCode.OK, landline.StatusCode);
        Assert.Contains("n'est pas un mobile", Browser.Text(await Browser.ParseAsync(landline)), StringComparison.Ordinal);

        var number = UniqueMobile();
        var national = "0" + number[3..];
        var sent = await sam.SubmitAsync(MobilePage, new Dictionary<string, string> { ["Number"] = national }, NumberForm);
        Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
        var sms = Assert.Single(await SmsToAsync(number));
        Assert.Equal(SmsAlerts.VerificationKind, sms.Kind);
        var code = Regex.Match(sms.TextBody, "[0-9]{6}").Value;
        Assert.Matches("^[0-9]{6}$", code);
        Assert.DoesNotContain(code, sms.Subject, StringComparison.Ordinal);
        Assert.NotEqual(code, await Fixture.WithDbAsync(db => db.Users.Where(u => u.Email == email).Select(u => u.MobileCodeHash).SingleAsync()));

        // Asking again at once is refused; a wrong code counts and says how many tries are left.
        var again = await sam.SubmitAsync(MobilePage, new Dictionary<string, string>(), "main form[action*='handler=Resend']");
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Contains("attendez", Browser.Text(await Browser.ParseAsync(again)), StringComparison.Ordinal);
        Assert.Single(await SmsToAsync(number));
        var wrong = await sam.SubmitAsync(MobilePage, new Dictionary<string, string> { ["Code"] = code == "000000" ? "111111" : "000000" }, VerifyForm);
        Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        Assert.Contains("Essais restants : 4", Browser.Text(await Browser.ParseAsync(wrong)), StringComparison.Ordinal);

        var verified = await sam.SubmitAsync(MobilePage, new Dictionary<string, string> { ["Code"] = code }, VerifyForm);
        Assert.Equal(HttpStatusCode.Redirect, verified.StatusCode);
        var user = await UserAsync(email);
        Assert.Equal(number, user.PhoneNumber);
        Assert.True(user.PhoneNumberConfirmed);
        Assert.Null(user.MobileCodeHash);

        // Now the preferences offer the customer's two alerts, none ticked; a choice is kept.
        var preferences = await sam.GetPageAsync("/Account/Manage/Notifications");
        var boxes = preferences.QuerySelectorAll<IHtmlInputElement>("#sms-alerts input[name=Sms]").ToList();
        Assert.Equal(SmsAlerts.ForCustomers.Order(StringComparer.Ordinal), boxes.Select(b => b.Value).Order(StringComparer.Ordinal));
        Assert.All(boxes, b => Assert.False(b.IsChecked));
        var saved = await sam.SubmitAsync("/Account/Manage/Notifications", new Dictionary<string, string> { ["Sms"] = "DisputeQuestion" });
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Equal("DisputeQuestion", (await UserAsync(email)).SmsAlerts);

        // The code's text leaves through Twilio, and then the outbox keeps only its masked form.
        await using var twilio = await TwilioCapture.StartAsync();
        using var sender = twilio.Sender();
        await OutboxDriver.DispatchAllAsync(OutboxDriver.Dispatcher(Fixture, new OutboxDriver.CountingSender(), new FakeTimeProvider(DateTimeOffset.UtcNow.AddMinutes(2)), texts: sender));
        Assert.Contains(code, Assert.Single(twilio.To(number)).Form["Body"], StringComparison.Ordinal);
        Assert.DoesNotContain(code, Assert.Single(await SmsToAsync(number)).TextBody, StringComparison.Ordinal);

        // Removing the number removes its alerts with it.
        Assert.Equal(HttpStatusCode.Redirect, (await sam.SubmitAsync(MobilePage, new Dictionary<string, string>(), "main form[action*='handler=Remove']")).StatusCode);
        user = await UserAsync(email);
        Assert.Null(user.PhoneNumber);
        Assert.Equal(string.Empty, user.SmsAlerts);
    }

    [Fact]
    public async Task A_question_to_a_customer_who_opted_in_queues_one_short_text_and_none_for_one_who_did_not()
    {
        var links = Fixture.BackOffice.Services.GetRequiredService<MailSettings>();
        var (opted, optedNumber) = await CustomerWithMobileAsync(["DisputeQuestion"]);
        var (notOpted, otherNumber) = await CustomerWithMobileAsync([]);
        var noon = ParisTime.At(BusinessDate.Of(DateTimeOffset.UtcNow).AddDays(1), 12);

        var asked = await AskAsync(opted, noon);
        var alsoAsked = await AskAsync(notOpted, noon);

        var sms = Assert.Single(await SmsToAsync(optedNumber));
        Assert.Equal("DisputeQuestion", sms.Kind);
        Assert.Equal(asked.Id, sms.DisputeId);
        Assert.Equal(noon, sms.NextAttemptAt);
        Assert.Equal($"Litiges : une question vous attend sur le litige {asked.Reference}. Répondez ici : {links.PublicPortalUrl.TrimEnd('/')}/d/{asked.Reference}", sms.TextBody);
        Assert.True(SmsText.IsGsm7(sms.TextBody) && SmsText.Septets(sms.TextBody) <= 160, sms.TextBody);

        // The e-mail went to both, in the same save; the one who did not opt in got no text.
        Assert.Single(await Fixture.WithDbAsync(db => db.Outbox.AsNoTracking().Where(m => m.Kind == "DisputeQuestion" && m.DisputeId == asked.Id && m.Channel == NotificationChannel.Email).ToListAsync()));
        Assert.Single(await Fixture.WithDbAsync(db => db.Outbox.AsNoTracking().Where(m => m.Kind == "DisputeQuestion" && m.DisputeId == alsoAsked.Id && m.Channel == NotificationChannel.Email).ToListAsync()));
        Assert.Empty(await SmsToAsync(otherNumber));
    }

    [Fact]
    public async Task With_sms_off_no_page_offers_it_and_no_alert_is_queued_even_for_a_proved_number_that_opted_in()
    {
        await using var portal = new AppFactory<Litiges.CustomerPortal.Program>(Fixture.Database, Fixture.DataFolder, new Dictionary<string, string?> { ["Sms:Provider"] = "Off" });
        var (customer, number) = await CustomerWithMobileAsync(["DisputeQuestion"]);
        var sam = new Browser(portal.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false }));
        Assert.Equal(HttpStatusCode.Redirect, (await sam.SignInAsync(customer.Email)).StatusCode);

        // No Mobile page, no link to it, no SMS choices.
        Assert.Equal(HttpStatusCode.NotFound, (await sam.Client.GetAsync(MobilePage)).StatusCode);
        var preferences = await sam.GetPageAsync("/Account/Manage/Notifications");
        Assert.Null(preferences.QuerySelector("#sms-alerts"));
        Assert.Null(preferences.QuerySelector("a[href='/Account/Manage/Mobile']"));
        Assert.NotNull(preferences.QuerySelector("main form[method=post] button[type=submit]"));

        // A question asked through that app's database context: the e-mail, no text.
        var id = await NewDisputeAsync(DisputeStatus.InReview, customerAccountId: customer.CompanyId);
        using (var scope = portal.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<Litiges.Data.LitigesDbContext>();
            var dispute = await db.Disputes.Include(d => d.Pauses).AsSplitQuery().SingleAsync(d => d.Id == id);
            dispute.RequestInformation(SeedAgent, "Pouvez-vous joindre le bon de livraison ?", DateTimeOffset.UtcNow);
            await db.SaveChangesAsync();
        }

        Assert.Single(await Fixture.WithDbAsync(db => db.Outbox.AsNoTracking().Where(m => m.Kind == "DisputeQuestion" && m.DisputeId == id && m.Channel == NotificationChannel.Email).ToListAsync()));
        Assert.Empty(await SmsToAsync(number));
    }

    [Fact]
    public async Task A_text_in_quiet_hours_waits_for_eight_in_Paris_and_the_dispatcher_checks_again()
    {
        var (customer, number) = await CustomerWithMobileAsync(["DisputeQuestion"]);
        var day = BusinessDate.Of(DateTimeOffset.UtcNow).AddDays(1);
        await AskAsync(customer, ParisTime.At(day, 21));

        var held = Assert.Single(await SmsToAsync(number));
        Assert.Equal(ParisTime.At(day.AddDays(1), 8), held.NextAttemptAt);

        // A text due just before 20:00 but reached after it is held again, without counting an attempt.
        var (_, lateNumber) = await CustomerWithMobileAsync(["DisputeQuestion"]);
        var late = await QueueSmsAsync(lateNumber, ParisTime.At(day, 19).AddMinutes(59));
        await using var twilio = await TwilioCapture.StartAsync();
        using var sender = twilio.Sender();
        var evening = new FakeTimeProvider(ParisTime.At(day, 20).AddMinutes(30));
        await OutboxDriver.DispatchAllAsync(OutboxDriver.Dispatcher(Fixture, new OutboxDriver.CountingSender(), evening, texts: sender));
        var waiting = await MessageAsync(late.Id);
        Assert.Null(waiting.SentAt);
        Assert.Equal(0, waiting.Attempts);
        Assert.Equal(ParisTime.At(day.AddDays(1), 8), waiting.NextAttemptAt);
        Assert.Empty(twilio.To(late.Recipient));

        var morning = new FakeTimeProvider(ParisTime.At(day.AddDays(1), 8));
        await OutboxDriver.DispatchAllAsync(OutboxDriver.Dispatcher(Fixture, new OutboxDriver.CountingSender(), morning, texts: sender));
        Assert.Single(twilio.To(late.Recipient));
        Assert.Single(twilio.To(number));
        Assert.NotNull((await MessageAsync(held.Id)).SentAt);
    }

    [Fact]
    public async Task Twilio_failures_are_retried_with_back_off_then_the_text_is_delivered()
    {
        var clock = new FakeTimeProvider(ParisTime.At(BusinessDate.Of(DateTimeOffset.UtcNow).AddDays(1), 10));
        var sms = await QueueSmsAsync((await CustomerWithMobileAsync(["DisputeQuestion"])).Number, clock.GetUtcNow());
        await using var twilio = await TwilioCapture.StartAsync();
        using var sender = twilio.Sender();
        twilio.Answer(sms.Recipient, (500, null), (429, null));
        var dispatcher = OutboxDriver.Dispatcher(Fixture, new OutboxDriver.CountingSender(), clock, texts: sender);

        await OutboxDriver.DispatchAllAsync(dispatcher);
        var failed = await MessageAsync(sms.Id);
        Assert.Equal(1, failed.Attempts);
        Assert.Null(failed.SentAt);
        Assert.Equal(clock.GetUtcNow().AddSeconds(30), failed.NextAttemptAt);

        clock.Advance(TimeSpan.FromSeconds(30));
        await OutboxDriver.DispatchAllAsync(dispatcher);
        Assert.Equal(2, (await MessageAsync(sms.Id)).Attempts);

        clock.Advance(TimeSpan.FromMinutes(1));
        await OutboxDriver.DispatchAllAsync(dispatcher);
        var delivered = await MessageAsync(sms.Id);
        Assert.NotNull(delivered.SentAt);
        Assert.Equal(3, delivered.Attempts);

        var requests = twilio.To(sms.Recipient);
        Assert.Equal(3, requests.Count);
        Assert.All(requests, r => Assert.Equal(sms.TextBody, r.Form["Body"]));
        Assert.All(requests, r => Assert.Equal(TwilioCapture.AccountSid, r.Account));
    }

    [Fact]
    public async Task A_text_twilio_keeps_refusing_is_parked_after_the_last_attempt()
    {
        var clock = new FakeTimeProvider(ParisTime.At(BusinessDate.Of(DateTimeOffset.UtcNow).AddDays(1), 10));
        var sms = await QueueSmsAsync((await CustomerWithMobileAsync(["DisputeQuestion"])).Number, clock.GetUtcNow());
        await using var twilio = await TwilioCapture.StartAsync();
        using var sender = twilio.Sender();
        twilio.Answer(sms.Recipient, (503, null), (503, null), (503, null));
        var dispatcher = OutboxDriver.Dispatcher(Fixture, new OutboxDriver.CountingSender(), clock, maxAttempts: 3, texts: sender);

        for (var round = 0; round < 3; round++)
        {
            await OutboxDriver.DispatchAllAsync(dispatcher);
            clock.Advance(TimeSpan.FromMinutes(5));
        }

        var parked = await MessageAsync(sms.Id);
        Assert.Equal(3, parked.Attempts);
        Assert.NotNull(parked.FailedAt);
        Assert.Null(parked.SentAt);
        Assert.Equal(3, twilio.To(sms.Recipient).Count);
    }

    [Fact]
    public async Task An_unsubscribed_number_is_parked_at_once_and_opted_out_of_every_text()
    {
        var (customer, number) = await CustomerWithMobileAsync(["DisputeQuestion", "SettlementProposed"]);
        var clock = new FakeTimeProvider(ParisTime.At(BusinessDate.Of(DateTimeOffset.UtcNow).AddDays(1), 10));
        var sms = await QueueSmsAsync(number, clock.GetUtcNow());
        await using var twilio = await TwilioCapture.StartAsync();
        using var sender = twilio.Sender();
        twilio.Answer(number, (400, TwilioSmsSender.Unsubscribed));

        await OutboxDriver.DispatchAllAsync(OutboxDriver.Dispatcher(Fixture, new OutboxDriver.CountingSender(), clock, texts: sender));

        var parked = await MessageAsync(sms.Id);
        Assert.Equal(1, parked.Attempts);
        Assert.NotNull(parked.FailedAt);
        Assert.Contains("21610", parked.LastError, StringComparison.Ordinal);
        Assert.NotNull((await UserAsync(customer.Email)).SmsStoppedAt);

        // Opted out: the next question queues its e-mail and no text.
        await AskAsync(customer, clock.GetUtcNow().AddHours(1));
        Assert.Equal([sms.Id], (await SmsToAsync(number)).Select(m => m.Id));
    }

    [Fact]
    public async Task An_alert_held_overnight_does_not_leave_once_its_number_was_removed()
    {
        var (customer, number) = await CustomerWithMobileAsync(["DisputeQuestion"]);
        var day = BusinessDate.Of(DateTimeOffset.UtcNow).AddDays(1);
        await AskAsync(customer, ParisTime.At(day, 22));
        var held = Assert.Single(await SmsToAsync(number));
        await Fixture.WithDbAsync(async db =>
        {
            (await db.Users.SingleAsync(u => u.Email == customer.Email)).RemoveMobile();
            await db.SaveChangesAsync();
        });

        await using var twilio = await TwilioCapture.StartAsync();
        using var sender = twilio.Sender();
        await OutboxDriver.DispatchAllAsync(OutboxDriver.Dispatcher(Fixture, new OutboxDriver.CountingSender(), new FakeTimeProvider(ParisTime.At(day.AddDays(1), 8)), texts: sender));

        Assert.Empty(twilio.To(number));
        var dropped = await MessageAsync(held.Id);
        Assert.Null(dropped.SentAt);
        Assert.NotNull(dropped.FailedAt);
        Assert.Contains("no longer", dropped.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stop_from_the_phone_is_honoured_only_with_twilios_signature_and_start_undoes_it()
    {
        const string publicUrl = "https://backoffice.litiges.test";
        await using var backOffice = new AppFactory<BackOfficeProgram>(Fixture.Database, Fixture.DataFolder, new Dictionary<string, string?>
        {
            ["Sms:Twilio:AuthToken"] = TwilioCapture.AuthToken,
            ["Email:BackOfficeUrl"] = publicUrl,
        });
        using var client = backOffice.CreateClient();
        var (customer, number) = await CustomerWithMobileAsync(["DisputeQuestion"]);
        Dictionary<string, string> Text(string body) => new()
        {
            ["AccountSid"] = TwilioCapture.AccountSid,
            ["MessageSid"] = "SM" + Guid.NewGuid().ToString("N"),
            ["From"] = number,
            ["To"] = TwilioCapture.From,
            ["Body"] = body,
        };

        // Signed for another address (the request's own host, say), or not at all: refused, nothing changes.
        var stop = Text("Stop");
        Assert.Equal(HttpStatusCode.Forbidden, (await PostTextAsync(client, stop, Sign("http://localhost/sms/twilio", stop))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await PostTextAsync(client, stop, null)).StatusCode);
        Assert.Null((await UserAsync(customer.Email)).SmsStoppedAt);

        var stopped = await PostTextAsync(client, stop, Sign(publicUrl + "/sms/twilio", stop));
        Assert.Equal(HttpStatusCode.OK, stopped.StatusCode);
        Assert.NotNull((await UserAsync(customer.Email)).SmsStoppedAt);

        // The customer reads why and how to undo it; no question reaches the phone meanwhile.
        var sam = (await PortalBrowser.SignInAsync(Fixture.Portal, customer.Email)).Browser;
        Assert.NotNull((await sam.GetPageAsync("/Account/Manage/Notifications")).QuerySelector("#sms-stopped"));
        await AskAsync(customer, ParisTime.At(BusinessDate.Of(DateTimeOffset.UtcNow).AddDays(1), 11));
        Assert.Empty(await SmsToAsync(number));

        var start = Text("START");
        Assert.Equal(HttpStatusCode.OK, (await PostTextAsync(client, start, Sign(publicUrl + "/sms/twilio", start))).StatusCode);
        Assert.Null((await UserAsync(customer.Email)).SmsStoppedAt);
        await AskAsync(customer, ParisTime.At(BusinessDate.Of(DateTimeOffset.UtcNow).AddDays(1), 12));
        Assert.Single(await SmsToAsync(number));

        // Without Twilio configured the route does not exist.
        using var plain = Fixture.BackOffice.CreateClient();
        Assert.Equal(HttpStatusCode.NotFound, (await PostTextAsync(plain, stop, Sign(publicUrl + "/sms/twilio", stop))).StatusCode);
    }

    [Fact]
    public async Task The_short_link_opens_the_dispute_for_whoever_may_see_it_and_is_not_found_for_anyone_else()
    {
        var alpha = Fixture.Data.AlphaDispute;
        var beta = Fixture.Data.BetaDispute;
        var visitor = new Browser(Fixture.Portal.CreateClient(NoRedirects));
        Assert.True(Security.AppEndpoints.IsSignInRedirect(await visitor.GetAsync("/d/" + alpha.Reference)));

        var alice = (await PortalBrowser.SignInAsync(Fixture.Portal, "alice@alpha.test")).Browser;
        var opened = await alice.GetAsync("/d/" + alpha.Reference);
        Assert.Equal(HttpStatusCode.Redirect, opened.StatusCode);
        Assert.Equal($"/Disputes/Details/{alpha.Id}", opened.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.NotFound, (await alice.GetAsync("/d/" + beta.Reference)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await alice.GetAsync("/d/" + beta.Id)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await alice.GetAsync("/d/LIT-1999-000001")).StatusCode);

        var agent = await StaffAsync(Agent);
        var staff = await agent.GetAsync("/d/" + beta.Reference);
        Assert.Equal(HttpStatusCode.Redirect, staff.StatusCode);
        Assert.Equal($"/Disputes/Details/{beta.Id}", staff.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.NotFound, (await (await StaffAsync(Admin)).GetAsync("/d/" + beta.Reference)).StatusCode);
    }

    [Fact]
    public async Task A_breached_deadline_texts_the_owner_who_opted_in_with_the_back_office_short_link()
    {
        var number = UniqueMobile();
        var (ownerId, ownerEmail) = await NewUserAsync(AppUser.NewStaff(LitigesFixture.UniqueEmail("owner", "staff.test"), "Olivier Owner", language: "en"), StaffRoles.Agent);
        await ProveMobileAsync(ownerEmail, number, ["DeadlineBreached", "DeadlineEscalated"]);

        // Monday 2 March 2026, 10:00 in Paris: acknowledgment is due on Wednesday at 10:00.
        var id = await NewDisputeAsync(submittedAt: ParisTime.At(new DateOnly(2026, 3, 2), 10), then: (d, at) => d.AssignOwner(SeedAgent, ownerId, "Olivier Owner", at));
        var reference = (await LoadAsync(id)).Reference;
        var breached = ParisTime.At(new DateOnly(2026, 3, 4), 11);
        await new DeadlineWatcher(
            Fixture.BackOffice.Services.GetRequiredService<IServiceScopeFactory>(),
            new FakeTimeProvider(breached),
            Fixture.BackOffice.Services.GetRequiredService<PublicLinks>(),
            Options.Create(new DeadlineWatcherOptions()),
            NullLogger<DeadlineWatcher>.Instance).RunOnceAsync(breached);

        var sms = Assert.Single(await SmsToAsync(number), m => m.DisputeId == id);
        Assert.Equal("DeadlineBreached", sms.Kind);
        var backOffice = Fixture.BackOffice.Services.GetRequiredService<MailSettings>().PublicBackOfficeUrl.TrimEnd('/');
        Assert.Equal($"Litiges: a deadline was breached on your dispute {reference}. See: {backOffice}/d/{reference}", sms.TextBody);
    }

    private const string MobilePage = "/Account/Manage/Mobile";
    private const string NumberForm = "main form[action*='handler=Number']";
    private const string VerifyForm = "main form[action*='handler=Verify']";

    private static string UniqueMobile() => "+336" + RandomNumberGenerator.GetInt32(0, 100_000_000).ToString("D8", CultureInfo.InvariantCulture);

    private async Task<(string Id, string Email)> NewUserAsync(AppUser user, string? role = null) =>
        (await Fixture.NewUserAsync(user, role), user.Email!);

    /// <summary>A customer administrator of a company of the test's own (so the one who hears of its disputes), with a proved number.</summary>
    private async Task<(Customer Customer, string Number)> CustomerWithMobileAsync(string[] alerts)
    {
        var company = await NewCustomerAsync("Société SMS " + Guid.NewGuid().ToString("N")[..6]);
        var (_, email) = await NewUserAsync(AppUser.NewCustomer(LitigesFixture.UniqueEmail("sms", "company.test"), "Sam Mobile", company, isAdmin: true));
        var number = UniqueMobile();
        await ProveMobileAsync(email, number, alerts);
        return (new Customer(company, email), number);
    }

    private Task ProveMobileAsync(string email, string number, string[] alerts) =>
        Fixture.WithDbAsync(async db =>
        {
            var user = await db.Users.SingleAsync(u => u.Email == email);
            var at = DateTimeOffset.UtcNow.AddMinutes(-5);
            Assert.Equal(MobileCodeCheck.Verified, user.VerifyMobile(user.RequestMobileCode(number, at), at));
            user.ChooseSmsAlerts(alerts);
            await db.SaveChangesAsync();
        });

    /// <summary>Staff ask the customer a question on a new dispute of theirs at <paramref name="at"/>.</summary>
    private async Task<(int Id, string Reference)> AskAsync(Customer customer, DateTimeOffset at)
    {
        var id = await NewDisputeAsync(DisputeStatus.InReview, customerAccountId: customer.CompanyId);
        await Fixture.WithDbAsync(async db =>
        {
            var dispute = await db.Disputes.Include(d => d.Pauses).AsSplitQuery().SingleAsync(d => d.Id == id);
            dispute.RequestInformation(SeedAgent, "Pouvez-vous joindre le bon de livraison ?", at);
            await db.SaveChangesAsync();
        });
        return (id, (await LoadAsync(id)).Reference);
    }

    private Task<OutboxMessage> QueueSmsAsync(string number, DateTimeOffset at) =>
        Fixture.WithDbAsync(async db =>
        {
            var message = Outbox.QueueSms(db, "DisputeQuestion", number, "fr", at, null, "LIT-2026-000001", "http://localhost:5080/d/LIT-2026-000001");
            await db.SaveChangesAsync();
            return message;
        });

    private Task<List<OutboxMessage>> SmsToAsync(string number) =>
        Fixture.WithDbAsync(db => db.Outbox.AsNoTracking().Where(m => m.Channel == NotificationChannel.Sms && m.Recipient == number).OrderBy(m => m.Id).ToListAsync());

    private Task<OutboxMessage> MessageAsync(long id) =>
        Fixture.WithDbAsync(db => db.Outbox.AsNoTracking().SingleAsync(m => m.Id == id));

    private Task<AppUser> UserAsync(string email) =>
        Fixture.WithDbAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.Email == email));

    private static Task<HttpResponseMessage> PostTextAsync(HttpClient client, Dictionary<string, string> form, string? signature)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/sms/twilio", UriKind.Relative)) { Content = new FormUrlEncodedContent(form) };
        if (signature is not null)
        {
            request.Headers.Add("X-Twilio-Signature", signature);
        }

        return client.SendAsync(request);
    }

    /// <summary>Twilio's signature, as its documentation defines it: HMAC-SHA1 of the URL and the sorted fields, keyed with the auth token.</summary>
    private static string Sign(string url, Dictionary<string, string> form)
    {
        var data = url + string.Concat(form.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => f.Key + f.Value));
#pragma warning disable CA5350 // Twilio's webhook signature is HMAC-SHA1: the test signs as Twilio does.
        return Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(TwilioCapture.AuthToken), Encoding.UTF8.GetBytes(data)));
#pragma warning restore CA5350
    }

    private sealed record Customer(int CompanyId, string Email);
}

public sealed class SqliteSmsAlertTests(SqliteFixture fixture) : SmsAlertTests<SqliteFixture>(fixture);

public sealed class PostgreSqlSmsAlertTests(PostgreSqlFixture fixture) : SmsAlertTests<PostgreSqlFixture>(fixture);
