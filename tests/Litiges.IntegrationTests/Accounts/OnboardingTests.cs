using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Litiges.Accounts;
using Litiges.Customers;
using Litiges.Data;
using Litiges.IntegrationTests.Api;
using Litiges.IntegrationTests.Portal;
using Litiges.Notifications;
using Litiges.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using BackOfficeProgram = Litiges.BackOffice.Program;

namespace Litiges.IntegrationTests.Accounts;

/// <summary>
/// Day one of a real install: the first administrator from the command line (set password,
/// forced two-factor enrolment), then each new company's first portal admin invited from the
/// back office or the API (link on the configured portal address, resend kills the old link,
/// revoke kills the link and the account), including a company whose dispute the ERP opened.
/// </summary>
public abstract partial class OnboardingTests<TFixture>(TFixture fixture) : ApiScenario<TFixture>(fixture), IClassFixture<TFixture>
    where TFixture : LitigesFixture
{
    private const string BackOfficeUrl = "https://backoffice.litiges.example";
    private const string NewPassword = "Premier-Passe-2026";

    [Fact]
    public async Task Create_admin_on_a_clean_database_leads_to_a_password_then_two_factor_enrolment_then_home()
    {
        await using var database = TestDatabase.Create(Fixture.Provider);
        var folder = Directory.CreateTempSubdirectory("litiges-onboarding-").FullName;
        await using var app = new AppFactory<BackOfficeProgram>(database, folder, new Dictionary<string, string?>
        {
            ["Security:RequireStaffTwoFactor"] = "true",
            ["Email:BackOfficeUrl"] = BackOfficeUrl,
        });

        // Before migrate: refused, with a non-zero code and a reason.
        var early = await CreateAdminAsync(app, "--email", "ada@litiges.example");
        Assert.Equal(Litiges.BackOffice.CreateAdminCommand.NotMigrated, early.Code);
        Assert.Contains("migrate", early.Error, StringComparison.Ordinal);

        await DatabaseMigrator.MigrateAsync(app.Services, demoData: false);
        foreach (var bad in new[] { "\"Ada\" <ada@litiges.example>", "ada@litiges.example, eve@litiges.example", "ada" })
        {
            var refused = await CreateAdminAsync(app, "--email", bad);
            Assert.Equal(Litiges.BackOffice.CreateAdminCommand.Usage, refused.Code);
            Assert.Empty(refused.Output);
        }

        Assert.Equal(Litiges.BackOffice.CreateAdminCommand.Usage, (await CreateAdminAsync(app, "--email", "ada@litiges.example", "--password", "x")).Code);

        var first = await CreateAdminAsync(app, "--email", "ada@litiges.example", "--name", "Ada Admin", "--language", "fr");
        Assert.Equal(0, first.Code);
        Assert.Contains("expires in 7 days", first.Output, StringComparison.Ordinal);
        var firstLink = new Uri(AcceptLink().Match(first.Output).Value);
        Assert.Equal(BackOfficeUrl, firstLink.GetLeftPart(UriPartial.Authority));

        // Running it again re-invites: the first link is dead, the new one works.
        var second = await CreateAdminAsync(app, "--email", "ada@litiges.example");
        Assert.Equal(0, second.Code);
        var secondLink = new Uri(AcceptLink().Match(second.Output).Value);
        var browser = new Browser(app.CreateClient(PortalBrowser.NoRedirects));
        Assert.NotNull((await browser.GetPageAsync(firstLink.PathAndQuery)).QuerySelector("[data-testid=dead-link]"));
        var deadPost = await AcceptAsync(browser, firstLink, secondLink);
        Assert.Contains("n'est plus valable", Browser.Text(await Browser.ParseAsync(deadPost)), StringComparison.Ordinal);

        var accepted = await browser.SubmitAsync(secondLink.PathAndQuery, new Dictionary<string, string> { ["Input.Password"] = NewPassword, ["Input.ConfirmPassword"] = NewPassword });
        Assert.Contains("Votre compte est activé", Browser.Text(await Browser.ParseAsync(accepted)), StringComparison.Ordinal);
        Assert.NotNull((await browser.GetPageAsync(secondLink.PathAndQuery)).QuerySelector("[data-testid=dead-link]"));

        Assert.Equal(HttpStatusCode.Redirect, (await browser.SignInAsync("ada@litiges.example", NewPassword)).StatusCode);
        var home = await browser.GetAsync("/Staff");
        Assert.Equal("/Account/Manage/EnableAuthenticator", home.Headers.Location!.ToString());
        var setup = await browser.GetPageAsync("/Account/Manage/EnableAuthenticator");
        var key = setup.QuerySelector("[data-testid=shared-key]")!.TextContent;
        await browser.SubmitAsync("/Account/Manage/EnableAuthenticator", new Dictionary<string, string> { ["Input.Code"] = Totp.Code(key, DateTimeOffset.UtcNow) });
        var staff = await browser.GetPageAsync("/Staff");
        Assert.Contains("ada@litiges.example", staff.Body!.TextContent, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/Customers")).StatusCode);
    }

    [Fact]
    public async Task Create_admin_refuses_a_customer_address()
    {
        var refused = await CreateAdminAsync(Fixture.BackOffice, "--email", "alice@alpha.test");

        Assert.Equal(Litiges.BackOffice.CreateAdminCommand.Refused, refused.Code);
        Assert.Contains("customer", refused.Error, StringComparison.Ordinal);
        Assert.Equal(UserKind.Customer, await Fixture.WithDbAsync(db => db.Users.Where(u => u.Email == "alice@alpha.test").Select(u => u.Kind).SingleAsync()));
    }

    [Fact]
    public async Task Staff_onboard_a_new_company_from_its_page_and_its_first_admin_files_a_dispute()
    {
        var (customerId, number) = await NewCustomerAsync();
        var (invoiceId, _) = await TestData.NewInvoiceAsync(Fixture, customerId);
        var agent = new Browser(Fixture.BackOffice.CreateClient(PortalBrowser.NoRedirects));
        await agent.SignInAsync("agent@staff.test");

        var list = await agent.GetPageAsync($"/Customers?q={number.ToLowerInvariant()}");
        var link = list.QuerySelector($"tr[data-customer='{number}'] a")!.GetAttribute("href")!;
        var details = await agent.GetPageAsync(link);
        Assert.NotNull(details.QuerySelector("#no-portal-user"));

        // One address only: the display-name form is refused with a message, and nothing is lost.
        var email = $"first.{Guid.NewGuid():N}@newco.example";
        var bad = await new PortalBrowser(agent).SubmitAsync(PortalBrowser.Form(details, "Invite"), link, new Dictionary<string, string?> { ["Invite.Email"] = $"\"First\" <{email}>", ["Invite.Name"] = "Fanny First" });
        var badPage = await Browser.ParseAsync(bad);
        Assert.Contains("une seule adresse", badPage.QuerySelector("[data-valmsg-for='Invite.Email']")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("Fanny First", badPage.QuerySelector("#Invite_Name")!.GetAttribute("value"));

        var invited = await new PortalBrowser(agent).SubmitAsync(PortalBrowser.Form(details, "Invite"), link, new Dictionary<string, string?> { ["Invite.Email"] = email, ["Invite.Name"] = "Fanny First" });
        Assert.Equal(HttpStatusCode.Redirect, invited.StatusCode);
        var firstLink = await InvitationLinkAsync(email, 1);

        // Resend from the page: a new link, the first one dead.
        var withInvite = await agent.GetPageAsync(link);
        Assert.Equal("Invited", withInvite.QuerySelector("#portal-users tbody tr")!.GetAttribute("data-state"));
        await new PortalBrowser(agent).SubmitAsync(PortalBrowser.Form(withInvite, "Resend"), link);
        var secondLink = await InvitationLinkAsync(email, 2);
        var portal = new Browser(Fixture.Portal.CreateClient(PortalBrowser.NoRedirects));
        Assert.NotNull((await portal.GetPageAsync(firstLink.PathAndQuery)).QuerySelector("[data-testid=dead-link]"));

        await portal.SubmitAsync(secondLink.PathAndQuery, new Dictionary<string, string> { ["Input.Password"] = NewPassword, ["Input.ConfirmPassword"] = NewPassword });
        Assert.Equal(HttpStatusCode.Redirect, (await portal.SignInAsync(email, NewPassword)).StatusCode);
        var fanny = new PortalBrowser(portal);
        var (_, submitted) = await Wizard.ContinueAsync(fanny, await fanny.GetPageAsync($"/Disputes/New?invoice={invoiceId}"), $"/Disputes/New?invoice={invoiceId}", new Dictionary<string, string?> { ["Input.Invoices[0].Amount"] = "50,00" });
        Assert.Equal(HttpStatusCode.Redirect, submitted.StatusCode);
        Assert.Equal(1, await CountAsync(db => db.Disputes.Where(d => d.CustomerAccountId == customerId)));
        Assert.True(await Fixture.WithDbAsync(db => db.Users.Where(u => u.Email == email).Select(u => u.IsCustomerAdmin).SingleAsync()));
        Assert.Equal("Active", (await agent.GetPageAsync(link)).QuerySelector("#portal-users tbody tr")!.GetAttribute("data-state"));
    }

    [Fact]
    public async Task An_invitation_older_than_its_days_is_dead_and_shown_as_expired()
    {
        var (_, number) = await NewCustomerAsync();
        var agent = new Browser(Fixture.BackOffice.CreateClient(PortalBrowser.NoRedirects));
        await agent.SignInAsync("agent@staff.test");
        var list = await agent.GetPageAsync($"/Customers?q={number.ToLowerInvariant()}");
        var link = list.QuerySelector($"tr[data-customer='{number}'] a")!.GetAttribute("href")!;
        var details = await agent.GetPageAsync(link);
        var email = $"late.{Guid.NewGuid():N}@newco.example";
        var invited = await new PortalBrowser(agent).SubmitAsync(PortalBrowser.Form(details, "Invite"), link, new Dictionary<string, string?> { ["Invite.Email"] = email, ["Invite.Name"] = "Lou Late" });
        Assert.Equal(HttpStatusCode.Redirect, invited.StatusCode);
        var invitation = await InvitationLinkAsync(email, 1);

        // Sent seven days (Accounts:InvitationDays) and a minute ago.
        await Fixture.WithDbAsync(db => db.Users.Where(u => u.Email == email)
            .ExecuteUpdateAsync(u => u.SetProperty(x => x.InvitedAt, DateTimeOffset.UtcNow.AddDays(-7).AddMinutes(-1))));

        var portal = new Browser(Fixture.Portal.CreateClient(PortalBrowser.NoRedirects));
        var dead = await portal.GetPageAsync(invitation.PathAndQuery);
        Assert.NotNull(dead.QuerySelector("[data-testid=dead-link]"));
        Assert.Null(dead.QuerySelector("input[name='Input.Password']"));
        Assert.NotEqual(HttpStatusCode.Redirect, (await portal.SignInAsync(email, NewPassword)).StatusCode);
        Assert.Equal("Expired", (await agent.GetPageAsync(link)).QuerySelector("#portal-users tbody tr")!.GetAttribute("data-state"));
    }

    [Fact]
    public async Task A_revoked_invitation_link_fails_and_the_account_cannot_sign_in()
    {
        var (_, number) = await NewCustomerAsync();
        var admin = new Browser(Fixture.BackOffice.CreateClient(PortalBrowser.NoRedirects));
        await admin.SignInAsync("credit@staff.test");
        var url = (await admin.GetPageAsync($"/Customers?q={number}")).QuerySelector($"tr[data-customer='{number}'] a")!.GetAttribute("href")!;
        var email = $"gone.{Guid.NewGuid():N}@newco.example";
        await new PortalBrowser(admin).SubmitAsync(PortalBrowser.Form(await admin.GetPageAsync(url), "Invite"), url, new Dictionary<string, string?> { ["Invite.Email"] = email, ["Invite.Name"] = "Gaston Gone" });
        var invitation = await InvitationLinkAsync(email, 1);

        var revoked = await new PortalBrowser(admin).SubmitAsync(PortalBrowser.Form(await admin.GetPageAsync(url), "Revoke"), url);
        Assert.Equal(HttpStatusCode.Redirect, revoked.StatusCode);

        var portal = new Browser(Fixture.Portal.CreateClient(PortalBrowser.NoRedirects));
        Assert.NotNull((await portal.GetPageAsync(invitation.PathAndQuery)).QuerySelector("[data-testid=dead-link]"));
        var user = await Fixture.WithDbAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.Email == email));
        Assert.Equal((false, false, null), (user.IsActive, user.EmailConfirmed, user.PasswordHash));
        Assert.Equal(HttpStatusCode.OK, (await portal.SignInAsync(email, NewPassword)).StatusCode);
        Assert.Equal("Deactivated", (await admin.GetPageAsync(url)).QuerySelector("#portal-users tbody tr")!.GetAttribute("data-state"));
    }

    [Fact]
    public async Task Resolvers_and_finance_cannot_onboard_customers()
    {
        var (customerId, _) = await NewCustomerAsync();
        foreach (var who in new[] { "resolver@staff.test", "finance@staff.test" })
        {
            var browser = new Browser(Fixture.BackOffice.CreateClient(PortalBrowser.NoRedirects));
            await browser.SignInAsync(who);
            var refused = await browser.GetAsync($"/Customers/Details/{customerId}");
            Assert.Contains("/Account/AccessDenied", refused.Headers.Location!.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_api_invites_lists_resends_and_revokes_with_clear_problems()
    {
        var api = await WriterAsync();
        var (customer, _) = await NewInvoiceAsync(api);
        var email = $"api.{Guid.NewGuid():N}@gamma.example";

        var invalid = await ProblemAsync(await api.PostAsJsonAsync($"/api/v1/customers/{customer}/users", new { email = $"Gina <{email}>", name = "", language = "de" }), HttpStatusCode.BadRequest);
        Assert.Equal(["email", "language", "name"], Fields(invalid));
        await ProblemAsync(await api.PostAsJsonAsync("/api/v1/customers/C-NOBODY/users", new { email, name = "Gina" }), HttpStatusCode.NotFound);
        await ProblemAsync(await api.PostAsJsonAsync($"/api/v1/customers/{customer}/users", new { email = "alice@alpha.test", name = "Alice" }), HttpStatusCode.Conflict);

        var response = await api.PostAsJsonAsync($"/api/v1/customers/{customer}/users", new { email, name = "Gina Gamma" });
        var invited = await JsonAsync(response, HttpStatusCode.Created);
        var id = invited.GetProperty("id").GetString()!;
        Assert.Equal("invited", invited.GetProperty("state").GetString());
        Assert.True(invited.GetProperty("admin").GetBoolean());
        Assert.InRange(invited.GetProperty("invitationExpiresAt").GetDateTimeOffset(), DateTimeOffset.UtcNow.AddDays(6.9), DateTimeOffset.UtcNow.AddDays(7.1));
        Assert.EndsWith($"/users/{id}", response.Headers.Location!.ToString(), StringComparison.Ordinal);
        var first = await InvitationLinkAsync(email, 1);

        var users = await JsonAsync(await api.GetAsync(new Uri($"/api/v1/customers/{customer}/users", UriKind.Relative)), HttpStatusCode.OK);
        Assert.Equal(email, Assert.Single(users.EnumerateArray()).GetProperty("email").GetString());

        await JsonAsync(await api.PostAsync(new Uri($"/api/v1/customers/{customer}/users/{id}/resend", UriKind.Relative), null), HttpStatusCode.OK);
        var second = await InvitationLinkAsync(email, 2);
        var portal = new Browser(Fixture.Portal.CreateClient(PortalBrowser.NoRedirects));
        Assert.NotNull((await portal.GetPageAsync(first.PathAndQuery)).QuerySelector("[data-testid=dead-link]"));
        Assert.Null((await portal.GetPageAsync(second.PathAndQuery)).QuerySelector("[data-testid=dead-link]"));

        var revoked = await JsonAsync(await api.PostAsync(new Uri($"/api/v1/customers/{customer}/users/{id}/revoke", UriKind.Relative), null), HttpStatusCode.OK);
        Assert.Equal("deactivated", revoked.GetProperty("state").GetString());
        Assert.NotNull((await portal.GetPageAsync(second.PathAndQuery)).QuerySelector("[data-testid=dead-link]"));
        await ProblemAsync(await api.PostAsync(new Uri($"/api/v1/customers/{customer}/users/{id}/revoke", UriKind.Relative), null), HttpStatusCode.Conflict);
        await ProblemAsync(await api.PostAsync(new Uri($"/api/v1/customers/{customer}/users/{id}/resend", UriKind.Relative), null), HttpStatusCode.Conflict);
        await ProblemAsync(await api.PostAsync(new Uri($"/api/v1/customers/{customer}/users/nobody/resend", UriKind.Relative), null), HttpStatusCode.NotFound);

        // Another company's user is not this customer's: not found, untouched.
        var aliceId = await Fixture.WithDbAsync(db => db.Users.Where(u => u.Email == "alice@alpha.test").Select(u => u.Id).SingleAsync());
        await ProblemAsync(await api.PostAsync(new Uri($"/api/v1/customers/{customer}/users/{aliceId}/revoke", UriKind.Relative), null), HttpStatusCode.NotFound);
        Assert.True(await Fixture.WithDbAsync(db => db.Users.Where(u => u.Id == aliceId).Select(u => u.IsActive).SingleAsync()));
    }

    [Fact]
    public async Task A_dispute_the_erp_opened_for_a_company_without_users_is_answered_by_its_first_admin()
    {
        var api = await WriterAsync();
        var (customer, invoice) = await NewInvoiceAsync(api);
        var opened = await JsonAsync(await api.PostAsJsonAsync("/api/v1/disputes", new
        {
            customerNumber = customer,
            reasonCode = "liv",
            description = "Le client dit n'avoir reçu que 8 palettes sur 10.",
            claims = new[] { new { invoiceNumber = invoice, lineNumber = (int?)1, amount = (decimal?)240m } },
        }), HttpStatusCode.Created);
        var reference = opened.GetProperty("reference").GetString()!;
        var disputeId = await Fixture.WithDbAsync(db => db.Disputes.Where(d => d.Reference == reference).Select(d => d.Id).SingleAsync());

        var email = $"erp.{Guid.NewGuid():N}@gamma.example";
        await JsonAsync(await api.PostAsJsonAsync($"/api/v1/customers/{customer}/users", new { email, name = "Hugo Gamma", language = "fr" }), HttpStatusCode.Created);
        var link = await InvitationLinkAsync(email, 1);
        var portal = new Browser(Fixture.Portal.CreateClient(PortalBrowser.NoRedirects));
        await portal.SubmitAsync(link.PathAndQuery, new Dictionary<string, string> { ["Input.Password"] = NewPassword, ["Input.ConfirmPassword"] = NewPassword });
        Assert.Equal(HttpStatusCode.Redirect, (await portal.SignInAsync(email, NewPassword)).StatusCode);
        var hugo = new PortalBrowser(portal);

        var url = $"/Disputes/Details/{disputeId}";
        var page = await hugo.GetPageAsync(url);
        Assert.Contains(reference, page.Body!.TextContent, StringComparison.Ordinal);
        var reply = await hugo.SubmitAsync(PortalBrowser.Form(page, "Reply"), url, new Dictionary<string, string?> { ["Input.Text"] = "Nous confirmons : 8 palettes reçues." });
        Assert.Equal(HttpStatusCode.Redirect, reply.StatusCode);
        Assert.True(await Fixture.WithDbAsync(db => db.DisputeMessages.AnyAsync(m => m.DisputeId == disputeId && m.Body == "Nous confirmons : 8 palettes reçues.")));
    }

    private async Task<(int Id, string Number)> NewCustomerAsync()
    {
        var number = Unique("C-NEW-");
        var id = await Fixture.WithDbAsync(async db =>
        {
            var customer = new CustomerAccount(number, "Nouvelle Société " + number, "552100554", "FR40552100554", new PostalAddress("3 rue Neuve", null, "33000", "Bordeaux", "France"));
            db.CustomerAccounts.Add(customer);
            await db.SaveChangesAsync();
            return customer.Id;
        });
        return (id, number);
    }

    /// <summary>The link of the n-th invitation e-mail to <paramref name="email"/>: on the configured portal address, not the request's.</summary>
    private async Task<Uri> InvitationLinkAsync(string email, int count)
    {
        var mails = await Fixture.WithDbAsync(db => db.Outbox.AsNoTracking().Where(m => m.Kind == "Invitation" && m.Recipient == email).OrderBy(m => m.Id).ToListAsync());
        Assert.Equal(count, mails.Count);
        var portalUrl = Fixture.Portal.Services.GetRequiredService<MailSettings>().PublicPortalUrl.TrimEnd('/');
        var link = new Uri(AcceptLink().Match(mails[^1].TextBody).Value);
        Assert.StartsWith(portalUrl + "/Account/AcceptInvitation?", link.ToString(), StringComparison.Ordinal);
        return link;
    }

    private static async Task<HttpResponseMessage> AcceptAsync(Browser browser, Uri dead, Uri live)
    {
        // The dead link shows no form: post the live page's form with the dead link's values.
        var page = await browser.GetPageAsync(live.PathAndQuery);
        var form = page.QuerySelectorAll("main form[method=post]").OfType<AngleSharp.Html.Dom.IHtmlFormElement>().Single(f => f.QuerySelector("input[name='Input.Code']") is not null);
        var values = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(dead.Query);
        return await new PortalBrowser(browser).SubmitAsync(form, live.PathAndQuery, new Dictionary<string, string?>
        {
            ["Input.UserId"] = values["userId"],
            ["Input.Code"] = values["code"],
            ["Input.Password"] = NewPassword,
            ["Input.ConfirmPassword"] = NewPassword,
        });
    }

    private static async Task<(int Code, string Output, string Error)> CreateAdminAsync(Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<BackOfficeProgram> app, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await Litiges.BackOffice.CreateAdminCommand.RunAsync(app.Services, args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [GeneratedRegex(@"https?://\S+/Account/AcceptInvitation\?\S+")]
    private static partial Regex AcceptLink();
}

public sealed class SqliteOnboardingTests(SqliteFixture fixture) : OnboardingTests<SqliteFixture>(fixture);

public sealed class PostgreSqlOnboardingTests(PostgreSqlFixture fixture) : OnboardingTests<PostgreSqlFixture>(fixture);
