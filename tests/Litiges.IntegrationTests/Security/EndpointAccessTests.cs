using System.Net;
using Litiges.Testing;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Litiges.IntegrationTests.Security;

/// <summary>
/// Every page, handler and endpoint of both apps, listed from the apps' own routing: none answers
/// a visitor who has not signed in unless it is on the allow-list below, and none has turned
/// antiforgery off unless it is on the list of those that check the token themselves.
/// </summary>
public sealed class EndpointAccessTests(SqliteFixture fixture) : IClassFixture<SqliteFixture>
{
    private static readonly WebApplicationFactoryClientOptions NoRedirects = new() { AllowAutoRedirect = false };

    /// <summary>What both apps answer without a session: signing in and recovering an account, the error page, the language switch, health.</summary>
    private static readonly string[] AnonymousInBothApps =
    [
        "GET /Account/AcceptInvitation", "POST /Account/AcceptInvitation",
        "GET /Account/AccessDenied", "POST /Account/AccessDenied",
        "GET /Account/ConfirmEmail",
        "GET /Account/ForgotPassword", "POST /Account/ForgotPassword",
        "GET /Account/Login", "POST /Account/Login",
        "GET /Account/LoginWith2fa", "POST /Account/LoginWith2fa",
        "GET /Account/LoginWithRecoveryCode", "POST /Account/LoginWithRecoveryCode",
        "GET /Account/Logout", "POST /Account/Logout",
        "GET /Account/ResetPassword", "POST /Account/ResetPassword",
        "GET /Error", "POST /Error",
        "GET /Language", "POST /Language",
        "GET /health", "POST /health",
    ];

    /// <summary>The back office adds the API's OpenAPI document and the problem answer for unknown API routes; the API itself wants a key.</summary>
    private static readonly string[] AnonymousInBackOffice =
    [
        "GET /api/{documentName}/openapi.json",
        "GET /api/{**path}", "POST /api/{**path}",

        // SendGrid Inbound Parse: authenticated by the secret in its path, a 404 without it.
        "POST /inbound/sendgrid/{secret}",

        // Texts to our Twilio number (STOP): authenticated by Twilio's signature, a 404 without Twilio configured.
        "POST /sms/twilio",
    ];

    /// <summary>
    /// Endpoints that turn the framework's antiforgery check off, each because it checks the token
    /// itself or needs no cookie: the streamed uploads and the CSV import read the token from the
    /// form's first field before any file byte; the error page only shows an error; health only reads.
    /// </summary>
    private static readonly string[] OwnAntiforgeryInPortal =
    [
        "/Disputes/Details/{id}", "/Disputes/Files", "/Disputes/New",
        "/Error", "/health",
    ];

    private static readonly string[] OwnAntiforgeryInBackOffice =
    [
        "/Imports/Invoices", "/inbound/sendgrid/{secret}", "/sms/twilio",
        "/Disputes/Details/{id:int}", "/Disputes/New", "/Disputes/{id:int}/RecordAnswer",
        "/Error", "/health",
    ];

    [Fact]
    public async Task Every_portal_endpoint_outside_the_allow_list_sends_a_visitor_to_sign_in()
    {
        var endpoints = await AppEndpoints.ListAsync(fixture.Portal.Services);
        await AssertClosedToVisitorsAsync(fixture.Portal.CreateClient(NoRedirects), endpoints, AnonymousInBothApps);
    }

    [Fact]
    public async Task Every_back_office_endpoint_outside_the_allow_list_sends_a_visitor_to_sign_in_or_answers_401()
    {
        var endpoints = await AppEndpoints.ListAsync(fixture.BackOffice.Services);
        await AssertClosedToVisitorsAsync(fixture.BackOffice.CreateClient(NoRedirects), endpoints, [.. AnonymousInBothApps, .. AnonymousInBackOffice]);
    }

    [Fact]
    public async Task No_portal_endpoint_turns_antiforgery_off_outside_the_list()
    {
        var endpoints = await AppEndpoints.ListAsync(fixture.Portal.Services);
        AssertAntiforgeryInForce(endpoints, OwnAntiforgeryInPortal);
    }

    [Fact]
    public async Task No_back_office_endpoint_turns_antiforgery_off_outside_the_list()
    {
        var endpoints = await AppEndpoints.ListAsync(fixture.BackOffice.Services);

        // The API authenticates with a key in a header, never with the staff cookie: no request forgery to fear.
        var api = endpoints.Where(e => e.Route.StartsWith("/api/", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(api);
        Assert.All(api, e => Assert.False(e.IsPage, e.Key));
        AssertAntiforgeryInForce(endpoints.Except(api).ToList(), OwnAntiforgeryInBackOffice);
    }

    [Fact]
    public async Task Pages_that_check_the_token_themselves_refuse_a_post_without_it()
    {
        var alice = new Browser(fixture.Portal.CreateClient(NoRedirects));
        Assert.Equal(HttpStatusCode.Redirect, (await alice.SignInAsync("alice@alpha.test")).StatusCode);
        var dispute = fixture.Data.AlphaDispute.Id;
        foreach (var url in new[] { $"/Disputes/Details/{dispute}?handler=Reply", $"/Disputes/Details/{dispute}?handler=Upload", $"/Disputes/Details/{dispute}?handler=Withdraw", "/Disputes/Files?handler=Upload", "/Disputes/Files?handler=Discard", "/Disputes/New" })
        {
            // As a plain form and as a multipart upload, each without the token.
            var plain = await alice.Client.PostAsync(new Uri(url, UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string> { ["Input.Text"] = "forged" }));
            Assert.True(plain.StatusCode == HttpStatusCode.BadRequest, $"{url} (form) answered {(int)plain.StatusCode}");
            var multipart = new MultipartFormDataContent { { new StringContent("forged"), "\"Input.Text\"" }, { new ByteArrayContent("%PDF-1.7 forged"u8.ToArray()), "\"files\"", "\"x.pdf\"" } };
            var upload = await alice.Client.PostAsync(new Uri(url, UriKind.Relative), multipart);
            Assert.True(upload.StatusCode == HttpStatusCode.BadRequest, $"{url} (multipart) answered {(int)upload.StatusCode}");
        }

        // The back office's streamed uploads, likewise.
        var agent = new Browser(fixture.BackOffice.CreateClient(NoRedirects));
        Assert.Equal(HttpStatusCode.Redirect, (await agent.SignInAsync("agent@staff.test")).StatusCode);
        foreach (var url in new[] { $"/Disputes/Details/{dispute}?handler=Upload", $"/Disputes/Details/{dispute}?handler=Note", "/Disputes/New", $"/Disputes/{dispute}/RecordAnswer" })
        {
            var plain = await agent.Client.PostAsync(new Uri(url, UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string> { ["Text"] = "forged" }));
            Assert.True(plain.StatusCode == HttpStatusCode.BadRequest, $"{url} (form) answered {(int)plain.StatusCode}");
            var multipart = new MultipartFormDataContent { { new StringContent("forged"), "\"Text\"" }, { new ByteArrayContent("%PDF-1.7 forged"u8.ToArray()), "\"Upload\"", "\"x.pdf\"" } };
            var upload = await agent.Client.PostAsync(new Uri(url, UriKind.Relative), multipart);
            Assert.True(upload.StatusCode == HttpStatusCode.BadRequest, $"{url} (multipart) answered {(int)upload.StatusCode}");
        }

        var admin = new Browser(fixture.BackOffice.CreateClient(NoRedirects));
        Assert.Equal(HttpStatusCode.Redirect, (await admin.SignInAsync("admin@staff.test")).StatusCode);
        var csv = new MultipartFormDataContent { { new ByteArrayContent("number;customer\nF-1;C-ALPHA\n"u8.ToArray()), "\"file\"", "\"invoices.csv\"" } };
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.Client.PostAsync(new Uri("/Imports/Invoices", UriKind.Relative), csv)).StatusCode);
        var wrongToken = new MultipartFormDataContent { { new StringContent("not-a-token"), "\"__RequestVerificationToken\"" }, { new ByteArrayContent("number\n"u8.ToArray()), "\"file\"", "\"invoices.csv\"" } };
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.Client.PostAsync(new Uri("/Imports/Invoices", UriKind.Relative), wrongToken)).StatusCode);
    }

    private static async Task AssertClosedToVisitorsAsync(HttpClient visitor, IReadOnlyList<AppEndpoint> endpoints, string[] allowList)
    {
        var keys = endpoints.Select(e => e.Key).ToHashSet(StringComparer.Ordinal);
        Assert.True(endpoints.Count > allowList.Length, "The endpoint list is suspiciously short.");
        Assert.All(allowList, k => Assert.Contains(k, keys));

        var open = new List<string>();
        foreach (var endpoint in endpoints.Where(e => !allowList.Contains(e.Key)))
        {
            var response = await AppEndpoints.SendAsync(visitor, endpoint.Method, endpoint.Url());
            if (AppEndpoints.Status(response) != 401)
            {
                open.Add($"{endpoint.Key} answered {(int)response.StatusCode} {response.Headers.Location}");
            }
        }

        Assert.True(open.Count == 0, "Reachable without signing in:" + Environment.NewLine + AppEndpoints.Describe(open));
    }

    private static void AssertAntiforgeryInForce(IReadOnlyList<AppEndpoint> endpoints, string[] ownCheck)
    {
        var posts = endpoints.Where(e => e.Method is not ("GET" or "HEAD")).ToList();
        Assert.NotEmpty(posts);
        var routes = endpoints.Select(e => e.Route).ToHashSet(StringComparer.Ordinal);
        Assert.All(ownCheck, r => Assert.Contains(r, routes));

        var optedOut = new List<string>();
        foreach (var endpoint in posts.Where(e => !ownCheck.Contains(e.Route)))
        {
            if (!endpoint.IsPage || AppEndpoints.DisablesAntiforgery(endpoint) || !AppEndpoints.Validates(endpoint.AntiforgeryPolicy))
            {
                optedOut.Add($"{endpoint.Key} ({endpoint.AntiforgeryPolicy?.GetType().Name ?? "no antiforgery policy"})");
            }
        }

        Assert.True(optedOut.Count == 0, "Posts without the framework's antiforgery check:" + Environment.NewLine + AppEndpoints.Describe(optedOut));
    }
}
