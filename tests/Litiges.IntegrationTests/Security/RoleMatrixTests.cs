using System.Net;
using Litiges.Disputes;
using Litiges.Integration;
using Litiges.Storage;
using Litiges.Testing;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Litiges.IntegrationTests.Security;

/// <summary>
/// Each staff role against every back-office page, listed from the app's routing: the status each
/// role gets is written in the table below, and a page missing from the table fails the test, so a
/// new page must say who may open it. Every POST handler follows its page: refused (403) for the
/// roles the page refuses, and for the others refused as a forgery (400) when it comes without its
/// antiforgery token. The API answers only keys, each scope to its own endpoints.
/// </summary>
public sealed class RoleMatrixTests(SqliteFixture fixture) : IClassFixture<SqliteFixture>
{
    private const int Ok = 200;
    private const int Redirect = 302;
    private const int Forbidden = 403;

    private static readonly string[] Roles = ["agent@staff.test", "resolver@staff.test", "credit@staff.test", "finance@staff.test", "admin@staff.test"];

    /// <summary>GET of each page: Agent, Resolver, CreditManager, Finance, Admin.</summary>
    private static readonly Dictionary<string, int[]> Pages = new(StringComparer.Ordinal)
    {
        ["/"] = [Redirect, Redirect, Redirect, Redirect, Redirect],
        ["/Account/Manage/ChangePassword"] = [Ok, Ok, Ok, Ok, Ok],
        ["/Account/Manage/EnableAuthenticator"] = [Ok, Ok, Ok, Ok, Ok],
        ["/Account/Manage/Mobile"] = [Ok, Ok, Ok, Ok, Ok],
        ["/Account/Manage/Notifications"] = [Ok, Ok, Ok, Ok, Ok],
        ["/Account/Manage/PersonalData"] = [Ok, Ok, Ok, Ok, Ok],
        ["/Account/Manage/Sessions"] = [Ok, Ok, Ok, Ok, Ok],
        ["/Disputes"] = [Ok, Ok, Ok, Ok, Forbidden],

        // An SMS's short link: to the dispute for whoever may see it; "not found" for an administrator, who sees none.
        ["/d/{id}"] = [Redirect, Redirect, Redirect, Redirect, Ok],
        ["/Disputes/Details/{id:int}"] = [Ok, Ok, Ok, Ok, Forbidden],
        ["/Disputes/Details/{id:int}/Settlement"] = [Ok, Ok, Ok, Ok, Forbidden],
        ["/Disputes/Details/{id:int}/Tasks"] = [Ok, Ok, Ok, Ok, Forbidden],
        ["/Disputes/Evidence/{id:int}/{evidenceId:int}"] = [Ok, Ok, Ok, Ok, Forbidden],
        ["/Disputes/Export/{id:int}"] = [Ok, Ok, Ok, Ok, Forbidden],
        ["/Disputes/New"] = [Ok, Forbidden, Ok, Forbidden, Forbidden],
        ["/Disputes/{id:int}/RecordAnswer"] = [Ok, Forbidden, Ok, Forbidden, Forbidden],
        ["/Tasks"] = [Ok, Ok, Ok, Ok, Forbidden],
        ["/EInvoicing/Parked"] = [Ok, Ok, Ok, Ok, Forbidden],
        ["/Settlements/Approvals"] = [Forbidden, Forbidden, Ok, Ok, Forbidden],
        ["/Settlements/Payment/{id:int}/{invoiceId:int}"] = [Forbidden, Forbidden, Ok, Ok, Forbidden],
        ["/CreditNotes"] = [Forbidden, Forbidden, Ok, Ok, Forbidden],
        ["/CreditNotes/Download/{id:int}"] = [Forbidden, Forbidden, Ok, Ok, Forbidden],
        ["/Settings/ReasonCodes"] = [Forbidden, Forbidden, Ok, Forbidden, Forbidden],
        ["/Settings/ReasonCodes/Edit/{code?}"] = [Forbidden, Forbidden, Ok, Forbidden, Forbidden],
        ["/Settings/Departments"] = [Forbidden, Forbidden, Ok, Forbidden, Forbidden],
        ["/Settings/RootCauses"] = [Forbidden, Forbidden, Ok, Forbidden, Forbidden],
        ["/Settings/DelegationLimits"] = [Forbidden, Forbidden, Ok, Forbidden, Forbidden],
        ["/Imports/Invoices"] = [Forbidden, Forbidden, Ok, Ok, Ok],
        ["/Integration"] = [Forbidden, Forbidden, Forbidden, Forbidden, Ok],
        ["/Integration/Webhooks"] = [Forbidden, Forbidden, Forbidden, Forbidden, Ok],
        ["/Staff"] = [Forbidden, Forbidden, Forbidden, Forbidden, Ok],
        ["/Staff/Edit/{id?}"] = [Forbidden, Forbidden, Forbidden, Forbidden, Ok],
        ["/Staff/Audit"] = [Forbidden, Forbidden, Forbidden, Forbidden, Ok],
        ["/Staff/Privacy"] = [Forbidden, Forbidden, Forbidden, Forbidden, Ok],
        ["/Outbox"] = [Forbidden, Forbidden, Forbidden, Forbidden, Ok],
        ["/Inbound"] = [Ok, Forbidden, Ok, Forbidden, Forbidden],
        ["/Dashboard"] = [Forbidden, Forbidden, Ok, Forbidden, Ok],
        ["/Customers"] = [Ok, Forbidden, Ok, Forbidden, Ok],
        ["/Customers/Details/{id:int}"] = [Ok, Forbidden, Ok, Forbidden, Ok],
        ["/Dashboard/Report"] = [Forbidden, Forbidden, Ok, Forbidden, Forbidden],
    };

    /// <summary>The scope each API endpoint needs.</summary>
    private static readonly Dictionary<string, ApiScopes> Api = new(StringComparer.Ordinal)
    {
        ["GET /api/v1/credit-notes"] = ApiScopes.Read,
        ["GET /api/v1/credit-notes/{number}/pdf"] = ApiScopes.Read,
        ["GET /api/v1/credit-notes/{number}/xml"] = ApiScopes.Read,
        ["GET /api/v1/customers/{customerNumber}"] = ApiScopes.Read,
        ["GET /api/v1/customers/{customerNumber}/users"] = ApiScopes.Read,
        ["POST /api/v1/customers/{customerNumber}/users"] = ApiScopes.Write,
        ["POST /api/v1/customers/{customerNumber}/users/{userId}/resend"] = ApiScopes.Write,
        ["POST /api/v1/customers/{customerNumber}/users/{userId}/revoke"] = ApiScopes.Write,
        ["GET /api/v1/disputes/{reference}"] = ApiScopes.Read,
        ["GET /api/v1/dunning-blocks"] = ApiScopes.Read,
        ["GET /api/v1/einvoicing/statuses/outgoing"] = ApiScopes.Read,
        ["POST /api/v1/einvoicing/statuses"] = ApiScopes.Write,
        ["GET /api/v1/invoices/{invoiceNumber}"] = ApiScopes.Read,
        ["GET /api/v1/invoices/{invoiceNumber}/pdf"] = ApiScopes.Read,
        ["POST /api/v1/disputes"] = ApiScopes.Write,
        ["POST /api/v1/invoices/batch"] = ApiScopes.Write,
        ["POST /api/v1/payments"] = ApiScopes.Write,
        ["PUT /api/v1/customers/{customerNumber}"] = ApiScopes.Write,
        ["PUT /api/v1/invoices/{invoiceNumber}"] = ApiScopes.Write,
        ["PUT /api/v1/invoices/{invoiceNumber}/pdf"] = ApiScopes.Write,
    };

    private static readonly string[] Anonymous = ["/Account/", "/Error", "/Language", "/health", "/api/"];

    [Fact]
    public async Task Each_role_gets_the_status_the_table_gives_on_every_page_and_handler()
    {
        var endpoints = (await AppEndpoints.ListAsync(fixture.BackOffice.Services))
            .Where(e => e.IsPage && !Anonymous.Any(prefix => e.Route.StartsWith(prefix, StringComparison.Ordinal)) || e.Route.StartsWith("/Account/Manage/", StringComparison.Ordinal))
            .ToList();
        var routes = endpoints.Select(e => e.Route).ToHashSet(StringComparer.Ordinal);
        Assert.True(routes.SetEquals(Pages.Keys), "Pages and table differ. Not in the table: " + string.Join(", ", routes.Except(Pages.Keys)) + "; no longer a page: " + string.Join(", ", Pages.Keys.Except(routes)));

        var values = await RouteValuesAsync();
        var mismatches = new List<string>();
        for (var role = 0; role < Roles.Length; role++)
        {
            var staff = new Browser(fixture.BackOffice.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false }));
            Assert.Equal(HttpStatusCode.Redirect, (await staff.SignInAsync(Roles[role])).StatusCode);
            foreach (var endpoint in endpoints)
            {
                var page = Pages[endpoint.Route][role];
                var expected = endpoint.Method == "GET"
                    ? endpoint.Handler is null ? page : page == Forbidden ? Forbidden : Ok
                    : page == Forbidden ? Forbidden : 400;
                var url = endpoint.Url(endpoint.Route.StartsWith("/Staff/", StringComparison.Ordinal) ? values.Staff : values.Dispute);
                var actual = AppEndpoints.Status(await AppEndpoints.SendAsync(staff.Client, endpoint.Method, url));
                // Let in (200 or 302) means neither refused nor failed: some handlers answer 404 without their query.
                var matches = expected is Forbidden or 400 ? actual == expected : actual is not (401 or 403) and < 500;
                if (!matches)
                {
                    mismatches.Add($"{Roles[role]} {endpoint.Key}: expected {expected}, got {actual}");
                }
            }
        }

        Assert.True(mismatches.Count == 0, AppEndpoints.Describe(mismatches));
    }

    [Fact]
    public async Task The_api_answers_only_keys_and_each_scope_opens_only_its_endpoints()
    {
        var endpoints = (await AppEndpoints.ListAsync(fixture.BackOffice.Services)).Where(e => e.Route.StartsWith("/api/v1/", StringComparison.Ordinal)).ToList();
        Assert.True(endpoints.Select(e => e.Key).ToHashSet().SetEquals(Api.Keys), "API endpoints and table differ: " + string.Join(", ", endpoints.Select(e => e.Key).Except(Api.Keys)));

        var reader = await KeyAsync(ApiScopes.Read);
        var writer = await KeyAsync(ApiScopes.Write);
        var admin = new Browser(fixture.BackOffice.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false }));
        Assert.Equal(HttpStatusCode.Redirect, (await admin.SignInAsync("admin@staff.test")).StatusCode);
        var anonymous = fixture.BackOffice.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var mismatches = new List<string>();
        foreach (var endpoint in endpoints)
        {
            var url = endpoint.Url(AppEndpoints.Values(("number", "AV-NONE"), ("reference", fixture.Data.AlphaDispute.Reference), ("customerNumber", "C-ALPHA"), ("invoiceNumber", "FA-ALPHA-0001")));
            var needed = Api[endpoint.Key];
            foreach (var (who, client, expected) in new (string, HttpClient, int?)[]
            {
                ("no key", anonymous, 401),
                ("staff cookie", admin.Client, 401),
                ("read key", reader, needed == ApiScopes.Read ? null : 403),
                ("write key", writer, needed == ApiScopes.Write ? null : 403),
            })
            {
                var response = await AppEndpoints.SendAsync(client, endpoint.Method, url, new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
                var status = (int)response.StatusCode;
                var ok = expected is { } code ? status == code : status is not (401 or 403) and < 500;
                if (!ok)
                {
                    mismatches.Add($"{who} {endpoint.Key}: got {status}");
                }
            }
        }

        Assert.True(mismatches.Count == 0, AppEndpoints.Describe(mismatches));
    }

    private async Task<HttpClient> KeyAsync(ApiScopes scopes)
    {
        var key = await fixture.WithDbAsync(async db =>
        {
            var (client, key) = ApiClient.Create("Matrix-" + Guid.NewGuid().ToString("N")[..8], scopes, "Adam Admin", DateTimeOffset.UtcNow);
            db.ApiClients.Add(client);
            await db.SaveChangesAsync();
            return key;
        });
        var http = fixture.BackOffice.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        return http;
    }

    // A billing dispute in review (the resolver's department) with one file, a reason code, a staff account.
    private async Task<(IReadOnlyDictionary<string, string> Dispute, IReadOnlyDictionary<string, string> Staff)> RouteValuesAsync()
    {
        var (id, _, _) = await Portal.TestData.NewDisputeAsync(fixture, fixture.Data.AlphaId);
        var blob = "evidence/2026/01/" + Guid.NewGuid().ToString("N");
        var content = "%PDF-1.7 bon de livraison"u8.ToArray();
        await fixture.BackOffice.Services.GetRequiredService<IBlobStore>().WriteAsync(blob, new MemoryStream(content), "application/pdf", CancellationToken.None);
        await Portal.TestData.ActAsync(fixture, id, (dispute, agent, now) =>
        {
            dispute.Acknowledge(agent, now);
            dispute.AttachEvidence(agent, new StoredFile(blob, "bl.pdf", "application/pdf", content.Length, Portal.TestData.Sha256(content)), EvidenceVisibility.Shared, long.MaxValue, now);
        });
        var evidenceId = await fixture.WithDbAsync(db => db.Evidence.Where(e => e.DisputeId == id).Select(e => e.Id).SingleAsync());
        var staffId = await fixture.WithDbAsync(db => db.Users.Where(u => u.Email == "agent@staff.test").Select(u => u.Id).SingleAsync());
        return (AppEndpoints.Values(("id", id), ("evidenceId", evidenceId), ("code", "FAC")), AppEndpoints.Values(("id", staffId)));
    }
}
