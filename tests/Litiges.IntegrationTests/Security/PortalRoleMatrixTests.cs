using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Litiges.CreditNotes;
using Litiges.Disputes;
using Litiges.Settlements;
using Litiges.Storage;
using Litiges.Testing;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Litiges.IntegrationTests.Security;

/// <summary>
/// The portal's own roles against every portal page and handler, listed from its routing: a visitor,
/// an ordinary customer user (Carol), a customer admin (Alice) and a staff member who tries the
/// portal. The answer each gets is written in the table below, and a page or handler missing from the
/// table fails the test, so a new one must say who may use it. Every cell is a real request on an
/// object of the user's own company; posts carry a valid antiforgery token, so a refusal is the
/// page's own and not the forgery check.
/// </summary>
public abstract class PortalRoleMatrixTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : LitigesFixture
{
    /// <summary>Let in: neither refused nor failed (a page, a redirect of the app's own, a file, a JSON answer).</summary>
    private const int In = 200;

    /// <summary>Sent to sign in (the portal's cookie redirect to /Account/Login).</summary>
    private const int SignIn = 401;

    /// <summary>The portal hides what a user may not use behind "not found", as it does for another company's objects.</summary>
    private const int NotFound = 404;

    /// <summary>Visitor, customer user, customer admin, staff member.</summary>
    private static readonly Dictionary<string, int[]> Expected = new(StringComparer.Ordinal)
    {
        ["GET /"] = [SignIn, In, In, SignIn],
        ["GET /Account/Manage/ChangePassword"] = [SignIn, In, In, SignIn],
        ["POST /Account/Manage/ChangePassword"] = [SignIn, In, In, SignIn],
        ["GET /Account/Manage/EnableAuthenticator"] = [SignIn, In, In, SignIn],
        ["POST /Account/Manage/EnableAuthenticator"] = [SignIn, In, In, SignIn],
        ["GET /Account/Manage/Mobile"] = [SignIn, In, In, SignIn],
        ["POST /Account/Manage/Mobile?handler=Number"] = [SignIn, In, In, SignIn],
        ["POST /Account/Manage/Mobile?handler=Remove"] = [SignIn, In, In, SignIn],
        ["POST /Account/Manage/Mobile?handler=Resend"] = [SignIn, In, In, SignIn],
        ["POST /Account/Manage/Mobile?handler=Verify"] = [SignIn, In, In, SignIn],
        ["GET /Account/Manage/Notifications"] = [SignIn, In, In, SignIn],
        ["POST /Account/Manage/Notifications"] = [SignIn, In, In, SignIn],
        ["GET /Account/Manage/PersonalData"] = [SignIn, In, In, SignIn],
        ["GET /Account/Manage/PersonalData?handler=Download"] = [SignIn, In, In, SignIn],
        ["GET /Account/Manage/Sessions"] = [SignIn, In, In, SignIn],
        ["POST /Account/Manage/Sessions"] = [SignIn, In, In, SignIn],
        ["GET /Company/Users"] = [SignIn, NotFound, In, SignIn],
        ["POST /Company/Users?handler=Invite"] = [SignIn, NotFound, In, SignIn],
        ["POST /Company/Users?handler=Remove"] = [SignIn, NotFound, In, SignIn],
        ["POST /Company/Users?handler=Resend"] = [SignIn, NotFound, In, SignIn],
        ["GET /CreditNotes"] = [SignIn, In, In, SignIn],
        ["GET /CreditNotes/Download/{id:int}"] = [SignIn, In, In, SignIn],
        ["GET /Disputes"] = [SignIn, In, In, SignIn],
        ["GET /Disputes/Details/{id}"] = [SignIn, In, In, SignIn],
        ["POST /Disputes/Details/{id}?handler=Accept"] = [SignIn, In, In, SignIn],
        ["POST /Disputes/Details/{id}?handler=Decline"] = [SignIn, In, In, SignIn],
        ["POST /Disputes/Details/{id}?handler=Reopen"] = [SignIn, In, In, SignIn],
        ["POST /Disputes/Details/{id}?handler=Reply"] = [SignIn, In, In, SignIn],
        ["POST /Disputes/Details/{id}?handler=Upload"] = [SignIn, In, In, SignIn],
        ["POST /Disputes/Details/{id}?handler=Withdraw"] = [SignIn, In, In, SignIn],
        ["GET /Disputes/Evidence/{id:int}"] = [SignIn, In, In, SignIn],

        // The upload endpoint of the filing form has no page to show.
        ["GET /Disputes/Files"] = [SignIn, NotFound, NotFound, SignIn],
        ["POST /Disputes/Files?handler=Discard"] = [SignIn, In, In, SignIn],
        ["POST /Disputes/Files?handler=Upload"] = [SignIn, In, In, SignIn],
        ["GET /Disputes/New"] = [SignIn, In, In, SignIn],
        ["POST /Disputes/New"] = [SignIn, In, In, SignIn],
        ["GET /Disputes/Submitted/{id:int}"] = [SignIn, In, In, SignIn],
        ["GET /Invoices"] = [SignIn, In, In, SignIn],
        ["GET /Invoices/Details/{id:int}"] = [SignIn, In, In, SignIn],
        ["GET /Invoices/Details/{id:int}?handler=Pdf"] = [SignIn, In, In, SignIn],

        // An SMS's short link (by reference or id): to the dispute of the user's own company.
        ["GET /d/{id}"] = [SignIn, In, In, SignIn],
    };

    /// <summary>What every visitor may use, checked for visitors by <see cref="EndpointAccessTests"/>: signing in, recovery, errors, language, health.</summary>
    private static readonly string[] Anonymous = ["/Account/", "/Error", "/Language", "/health"];

    [Fact]
    public async Task Each_portal_user_gets_the_answer_the_table_gives_on_every_page_and_handler()
    {
        var endpoints = (await AppEndpoints.ListAsync(fixture.Portal.Services))
            .Where(e => !Anonymous.Any(prefix => e.Route.StartsWith(prefix, StringComparison.Ordinal)) || e.Route.StartsWith("/Account/Manage/", StringComparison.Ordinal))

            // Signing out everywhere ends the user's session: it goes last.
            .OrderBy(e => e.Key == "POST /Account/Manage/Sessions")
            .ToList();
        Assert.All(endpoints, e => Assert.True(e.IsPage, e.Key));
        var keys = endpoints.Select(e => e.Key).ToHashSet(StringComparer.Ordinal);
        Assert.True(keys.SetEquals(Expected.Keys), "Portal and table differ. Not in the table: " + string.Join(", ", keys.Except(Expected.Keys)) + "; no longer in the portal: " + string.Join(", ", Expected.Keys.Except(keys)));

        var values = await AlphaObjectsAsync();
        var users = new (string Who, Browser Browser, string UserId)[]
        {
            ("visitor", Visitor(), string.Empty),
            ("carol (customer user)", await CustomerAsync("carol@alpha.test"), await UserIdAsync("carol@alpha.test")),
            ("alice (customer admin)", await CustomerAsync("alice@alpha.test"), await UserIdAsync("alice@alpha.test")),
            ("agnès (staff)", await StaffAsync(), await UserIdAsync("agent@staff.test")),
        };

        var mismatches = new List<string>();
        for (var column = 0; column < users.Length; column++)
        {
            var (who, browser, userId) = users[column];
            var token = await TokenAsync(browser);
            foreach (var endpoint in endpoints)
            {
                var expected = Expected[endpoint.Key][column];
                var url = endpoint.Url(AppEndpoints.Values(("id", values[IdOf(endpoint.Route)])));
                var content = endpoint.Method == "GET" ? null : Form(token, Fields(endpoint.Key, userId, values));
                var response = await AppEndpoints.SendAsync(browser.Client, endpoint.Method, url, content);
                var actual = AppEndpoints.Status(response);
                // 400 is not let in: it would be the antiforgery check refusing the token.
                var matches = expected == In ? actual is not (400 or 401 or 403 or 404) and < 500 : actual == expected;
                if (!matches)
                {
                    mismatches.Add($"{who} {endpoint.Key} ({url}): expected {expected}, got {actual} {response.Headers.Location}");
                }
            }
        }

        Assert.True(mismatches.Count == 0, AppEndpoints.Describe(mismatches));

        // Refused means refused: Carol's resend queued no invitation (Alice's did, once), and nobody was removed.
        var invitations = await fixture.WithDbAsync(db => db.Outbox.CountAsync(m => m.Kind == "Invitation" && m.Recipient == "dave@alpha.test"));
        Assert.Equal(1, invitations);
        Assert.Equal(2, await fixture.WithDbAsync(db => db.Users.CountAsync(u => (u.Email == "alice@alpha.test" || u.Email == "carol@alpha.test") && u.IsActive)));
    }

    // The object each route names by its "id".
    private static string IdOf(string route) => route switch
    {
        "/Disputes/Evidence/{id:int}" => "evidence",
        "/CreditNotes/Download/{id:int}" => "creditNote",
        "/Invoices/Details/{id:int}" => "invoice",
        _ => "dispute",
    };

    // Who may act is the question; the answers are kept harmless: an empty form is redisplayed with its
    // errors, an admin "removes" herself (refused with a message), a resend goes to the colleague who never accepted.
    private static (string Name, string Value)[] Fields(string key, string userId, IReadOnlyDictionary<string, string> values) => key switch
    {
        "POST /Company/Users?handler=Remove" => [("userId", userId)],
        "POST /Company/Users?handler=Resend" => [("userId", values["dave"])],
        _ => [],
    };

    // Multipart with the token first, as the portal's forms send it: the pages that read the form as
    // a stream check the token themselves and need it before anything else.
    private static MultipartFormDataContent Form(string token, (string Name, string Value)[] fields)
    {
        var content = new MultipartFormDataContent { { new StringContent(token), "\"__RequestVerificationToken\"" } };
        foreach (var (name, value) in fields)
        {
            content.Add(new StringContent(value), $"\"{name}\"");
        }

        return content;
    }

    // Signed-in users take the token of a page of their own; others the sign-in page's.
    private static async Task<string> TokenAsync(Browser browser)
    {
        var response = await browser.GetAsync("/Account/Manage/ChangePassword");
        var page = await Browser.ParseAsync(response.StatusCode == HttpStatusCode.OK ? response : await browser.GetAsync("/Account/Login"));
        return page.QuerySelector<IHtmlInputElement>("input[name=__RequestVerificationToken]")!.Value;
    }

    private Browser Visitor() => new(fixture.Portal.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false }));

    private async Task<Browser> CustomerAsync(string email)
    {
        var browser = Visitor();
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SignInAsync(email)).StatusCode);
        return browser;
    }

    /// <summary>
    /// A staff member signed in to the back office tries the portal: the portal's sign-in refuses the
    /// account (the page again, no session), and the back-office session cookie is sent to the portal
    /// under both its own name and the portal's, as a forged or shared-domain cookie would be.
    /// </summary>
    private async Task<Browser> StaffAsync()
    {
        var backOffice = new Browser(fixture.BackOffice.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false }));
        var signedIn = await backOffice.SignInAsync("agent@staff.test");
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        var session = signedIn.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]).Single(c => c.StartsWith(".Litiges.BackOffice=", StringComparison.Ordinal));
        var value = session[(session.IndexOf('=', StringComparison.Ordinal) + 1)..];

        var cookies = new CookieContainer();
        var portal = new Browser(fixture.Portal.CreateDefaultClient(new CookieContainerHandler(cookies)));
        var refused = await portal.SignInAsync("agent@staff.test");
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.DoesNotContain(cookies.GetAllCookies(), c => c.Name == ".Litiges.Portal");
        cookies.Add(portal.Client.BaseAddress!, new Cookie(".Litiges.BackOffice", value));
        cookies.Add(portal.Client.BaseAddress!, new Cookie(".Litiges.Portal", value));
        return portal;
    }

    private Task<string> UserIdAsync(string email) =>
        fixture.WithDbAsync(db => db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync());

    // Objects of Alpha for the routes: a dispute with a shared file, and a credit note issued on an accepted proposal.
    private async Task<IReadOnlyDictionary<string, string>> AlphaObjectsAsync()
    {
        var alpha = fixture.Data.AlphaId;
        var (id, _, invoiceId) = await Portal.TestData.NewDisputeAsync(fixture, alpha);
        var file = Portal.TestData.Pdf("bl.pdf");
        var blob = "evidence/2026/01/" + Guid.NewGuid().ToString("N");
        await fixture.Portal.Services.GetRequiredService<IBlobStore>().WriteAsync(blob, new MemoryStream(file.Content), file.ContentType, CancellationToken.None);
        await Portal.TestData.ActAsync(fixture, id, (dispute, agent, now) =>
            dispute.AttachEvidence(agent, new StoredFile(blob, file.FileName, file.ContentType, file.Content.Length, Portal.TestData.Sha256(file.Content)), EvidenceVisibility.Shared, long.MaxValue, now));

        await Portal.TestData.AttachInvoicePdfAsync(fixture, invoiceId);

        var (noted, _, notedInvoice) = await Portal.TestData.NewDisputeAsync(fixture, alpha, 60m);
        var limits = new DelegationLimits(await fixture.WithDbAsync(db => db.DelegationLimits.AsNoTracking().ToListAsync()));
        await Portal.TestData.ActAsync(fixture, noted, (dispute, agent, now) =>
        {
            dispute.Acknowledge(agent, now);
            dispute.ProposeSettlement(agent, new SettlementDraft(SettlementKind.CreditNote, "Avoir") { Credits = [new ProposedCredit(notedInvoice, null, "Écart de prix", 1, 50m, 0.20m)] }, limits, 50m, now);
            dispute.AcceptSettlement(new Actor("seed", "Client", ActorRole.Customer, alpha), now, "127.0.0.1", "OK");
        });
        using (var scope = fixture.BackOffice.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<CreditNoteIssuer>().IssueForDisputeAsync(noted, new Actor("finance", "Fanny Finance", ActorRole.Finance));
        }

        return await fixture.WithDbAsync(async db => AppEndpoints.Values(
            ("dispute", id),
            ("invoice", invoiceId),
            ("dave", await db.Users.Where(u => u.Email == "dave@alpha.test").Select(u => u.Id).SingleAsync()),
            ("evidence", await db.Evidence.Where(e => e.DisputeId == id).Select(e => e.Id).SingleAsync()),
            ("creditNote", await db.CreditNotes.Where(c => c.DisputeId == noted).Select(c => c.Id).FirstAsync())));
    }
}

public sealed class SqlitePortalRoleMatrixTests(SqliteFixture fixture) : PortalRoleMatrixTests<SqliteFixture>(fixture);

public sealed class PostgreSqlPortalRoleMatrixTests(PostgreSqlFixture fixture) : PortalRoleMatrixTests<PostgreSqlFixture>(fixture);
