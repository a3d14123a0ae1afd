using System.Net;
using System.Text.RegularExpressions;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Litiges.Notifications;
using Litiges.Testing;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using BackOfficeProgram = Litiges.BackOffice.Program;
using PortalProgram = Litiges.CustomerPortal.Program;

namespace Litiges.IntegrationTests.Accounts;

/// <summary>
/// Links in e-mails are on the configured public addresses, never on the request's Host header: a
/// forged Host (the probe's evil.example) must not turn a password-reset mail into a link to the
/// attacker's site, in either app, nor any other notice.
/// </summary>
public sealed partial class PublicLinkTests(SqliteFixture fixture) : IClassFixture<SqliteFixture>
{
    private const string PortalUrl = "https://portal.litiges.example";
    private const string BackOfficeUrl = "https://backoffice.litiges.example/";

    private static readonly Dictionary<string, string?> PublicUrls = new()
    {
        ["Email:PortalUrl"] = PortalUrl,
        ["Email:BackOfficeUrl"] = BackOfficeUrl,
    };

    [Fact]
    public async Task Portal_reset_link_is_on_the_configured_portal_url_whatever_the_host_header()
    {
        await using var portal = new AppFactory<PortalProgram>(fixture.Database, fixture.DataFolder, PublicUrls);
        var link = await ForgotPasswordLinkAsync(Forged(portal.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false })), "carol@alpha.test");
        Assert.StartsWith(PortalUrl + "/Account/ResetPassword?", link, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Back_office_reset_link_is_on_the_configured_back_office_url_whatever_the_host_header()
    {
        await using var backOffice = new AppFactory<BackOfficeProgram>(fixture.Database, fixture.DataFolder, PublicUrls);
        var link = await ForgotPasswordLinkAsync(Forged(backOffice.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false })), "resolver@staff.test");
        Assert.StartsWith("https://backoffice.litiges.example/Account/ResetPassword?", link, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Back_office_notice_links_are_on_the_configured_back_office_url_whatever_the_host_header()
    {
        await using var backOffice = new AppFactory<BackOfficeProgram>(fixture.Database, fixture.DataFolder, PublicUrls);
        var agent = Forged(backOffice.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false }));
        Assert.Equal(HttpStatusCode.Redirect, (await agent.SignInAsync("agent@staff.test")).StatusCode);
        var creditId = await fixture.WithDbAsync(db => db.Users.Where(u => u.Email == "credit@staff.test").Select(u => u.Id).SingleAsync());

        // The agent assigns the seeded Alpha dispute to the credit manager from the queue.
        var (id, reference) = fixture.Data.AlphaDispute;
        var page = await agent.GetPageAsync("/Disputes?customer=C-ALPHA");
        var form = page.QuerySelector<IHtmlFormElement>("form[action*='handler=Assign']")!;
        var row = form.QuerySelectorAll<IHtmlInputElement>("input[name=Selected]").Single(box => box.Value.StartsWith(id + ":", StringComparison.Ordinal)).Value;
        var values = new List<KeyValuePair<string, string>>
        {
            new("__RequestVerificationToken", form.QuerySelector<IHtmlInputElement>("input[name=__RequestVerificationToken]")!.Value),
            new("AssignTo", creditId),
            new("Selected", row),
        };
        var assigned = await agent.Client.PostAsync(new Uri(WebUtility.HtmlDecode(form.GetAttribute("action")!), UriKind.Relative), new FormUrlEncodedContent(values));
        Assert.Equal(HttpStatusCode.Redirect, assigned.StatusCode);

        var mail = await fixture.WithDbAsync(db => db.Outbox.Where(m => m.Kind == "DisputeAssigned" && m.Recipient == "credit@staff.test" && m.Subject.Contains(reference)).SingleAsync());
        Assert.Contains($"https://backoffice.litiges.example/Disputes/Details/{id}", mail.TextBody, StringComparison.Ordinal);
        AssertNoForgedHost(mail);
    }

    /// <summary>A user agent whose every request claims to be for evil.example.</summary>
    private static Browser Forged(HttpClient client)
    {
        client.DefaultRequestHeaders.Host = "evil.example";
        return new Browser(client);
    }

    private async Task<string> ForgotPasswordLinkAsync(Browser browser, string email)
    {
        var sent = await browser.SubmitAsync("/Account/ForgotPassword", new Dictionary<string, string> { ["Input.Email"] = email });
        Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        var mail = await fixture.WithDbAsync(db => db.Outbox.Where(m => m.Recipient == email && m.Kind == "ResetPassword").OrderByDescending(m => m.Id).FirstAsync());
        AssertNoForgedHost(mail);
        return LinkPattern().Match(mail.TextBody).Value;
    }

    private static void AssertNoForgedHost(OutboxMessage mail)
    {
        Assert.DoesNotContain("evil.example", mail.TextBody, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("evil.example", mail.HtmlBody ?? string.Empty, StringComparison.OrdinalIgnoreCase);
    }

    [GeneratedRegex(@"https?://\S+/Account/ResetPassword\S+")]
    private static partial Regex LinkPattern();
}
