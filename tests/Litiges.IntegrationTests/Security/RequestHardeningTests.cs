using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Litiges.Integration;
using Litiges.Testing;
using Microsoft.AspNetCore.Mvc.Testing;
using PortalProgram = Litiges.CustomerPortal.Program;

namespace Litiges.IntegrationTests.Security;

/// <summary>
/// What an outside probe sent that the apps must refuse cleanly: inline styles (the policy allows
/// none), a 429 that does not say how long to wait, malformed multipart bodies (400 with a message,
/// never 500), and API requests with an amount as a string, the wrong content type, the wrong
/// method or broken JSON (problem details, never 500).
/// </summary>
public sealed partial class RequestHardeningTests(SqliteFixture fixture) : IClassFixture<SqliteFixture>
{
    private const string BadRequestFr = "La demande envoyée n'a pas pu être lue";

    [Fact]
    public async Task Style_sources_allow_no_inline_style_in_either_app()
    {
        foreach (var client in new[] { fixture.Portal.CreateClient(), fixture.BackOffice.CreateClient() })
        {
            var response = await client.GetAsync(new Uri("/Account/Login", UriKind.Relative));
            var styleSrc = string.Join(' ', response.Headers.GetValues("Content-Security-Policy")).Split(';').Single(d => d.Trim().StartsWith("style-src", StringComparison.Ordinal));
            Assert.Equal("style-src 'self'", styleSrc.Trim());
        }
    }

    [Fact]
    public async Task No_view_carries_a_style_attribute_or_element()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Portal.sln")))
        {
            root = root.Parent;
        }

        Assert.NotNull(root);
        var views = Directory.GetFiles(Path.Combine(root.FullName, "src"), "*.cshtml", SearchOption.AllDirectories);
        Assert.NotEmpty(views);
        var offending = views.Where(v => InlineStyle().IsMatch(File.ReadAllText(v))).Select(v => Path.GetRelativePath(root.FullName, v)).ToList();
        Assert.True(offending.Count == 0, "Inline style in: " + string.Join(", ", offending));

        // The pages that embed generated markup (the authenticator's QR code) render none either.
        var carol = new Browser(fixture.Portal.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false }));
        Assert.Equal(HttpStatusCode.Redirect, (await carol.SignInAsync("carol@alpha.test")).StatusCode);
        foreach (var page in new[] { "/Account/Manage/EnableAuthenticator", "/Disputes", $"/Disputes/Details/{fixture.Data.AlphaDispute.Id}", "/Disputes/New" })
        {
            var html = await (await carol.GetAsync(page)).Content.ReadAsStringAsync();
            Assert.DoesNotMatch(InlineStyle(), html);
        }
    }

    [Theory]
    [InlineData("carol@alpha.test", "Patientez {0} secondes")]
    [InlineData("bob@beta.test", "Please wait {0} seconds")]
    public async Task The_429_page_says_how_many_seconds_to_wait_in_the_users_language(string email, string sentence)
    {
        await using var strict = new AppFactory<PortalProgram>(fixture.Database, fixture.DataFolder, new Dictionary<string, string?> { ["Security:RateLimits:FilingPerMinute"] = "1" });
        var browser = new Browser(strict.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false }));
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SignInAsync(email)).StatusCode);
        var token = await TokenAsync(browser, "/Account/Manage/ChangePassword");
        HttpResponseMessage last = null!;
        for (var attempt = 0; attempt < 2; attempt++)
        {
            using var form = new MultipartFormDataContent
            {
                { new StringContent(token), "\"__RequestVerificationToken\"" },
                { new StringContent("1"), "\"Input.Step\"" },
            };
            last = await browser.Client.PostAsync(new Uri("/Disputes/New", UriKind.Relative), form);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, last.StatusCode);
        var seconds = int.Parse(last.Headers.GetValues("Retry-After").Single(), CultureInfo.InvariantCulture);
        Assert.InRange(seconds, 1, 60);
        var text = Browser.Text(await Browser.ParseAsync(last));
        Assert.Contains(string.Format(CultureInfo.InvariantCulture, sentence, seconds), text, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> MalformedPosts()
    {
        var data = new TheoryData<string, string>();
        foreach (var target in new[] { "portal:/Disputes/New", "portal:/Disputes/Files?handler=Upload", "portal:/Account/Manage/ChangePassword", "backoffice:/Imports/Invoices", "backoffice:/Account/Manage/ChangePassword" })
        {
            foreach (var body in new[] { "no-boundary", "long-boundary", "long-field", "many-fields", "truncated" })
            {
                data.Add(target, body);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(MalformedPosts))]
    public async Task A_malformed_multipart_body_gets_400_with_a_message_never_500(string target, string body)
    {
        var (app, url) = (target.Split(':')[0], target.Split(':', 2)[1]);
        var options = new WebApplicationFactoryClientOptions { AllowAutoRedirect = false };
        var browser = new Browser(app == "portal" ? fixture.Portal.CreateClient(options) : fixture.BackOffice.CreateClient(options));
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SignInAsync(app == "portal" ? "carol@alpha.test" : "credit@staff.test")).StatusCode);
        var token = await TokenAsync(browser, "/Account/Manage/ChangePassword");

        // An ordinary form is URL-encoded: that is where the framework limits the length of a field.
        using var content = body == "long-field" && url.StartsWith("/Account/", StringComparison.Ordinal)
            ? (HttpContent)new FormUrlEncodedContent([new("__RequestVerificationToken", token), new("Input.CurrentPassword", new string('x', 70 * 1024))])
            : Malformed(body, token);
        using var response = await browser.Client.PostAsync(new Uri(url, UriKind.Relative), content);
        var text = Browser.Text(await Browser.ParseAsync(response));

        // The import only reads its file: extra or oversized fields beside it are skipped, and it says no file came.
        if (url == "/Imports/Invoices" && body is "long-field" or "many-fields")
        {
            Assert.True(response.StatusCode == HttpStatusCode.OK && text.Contains("Choisissez un fichier CSV.", StringComparison.Ordinal), $"{(int)response.StatusCode}: {text}");
            return;
        }

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest && text.Contains(BadRequestFr, StringComparison.Ordinal), $"{(int)response.StatusCode}: {text}");
    }

    public static TheoryData<string, string, string> WriteEndpoints() => new()
    {
        { "POST", "/api/v1/disputes", """{"customerNumber":"C-ALPHA","reasonCode":"FAC","description":"Prix","claims":[{"invoiceNumber":"FA-ALPHA-0001","amount":"12.50"}]}""" },
        { "POST", "/api/v1/payments", """{"invoiceNumber":"FA-ALPHA-0001","reference":"PAY-STR","amount":"12.50","receivedOn":"2026-01-05"}""" },
        { "PUT", "/api/v1/invoices/FA-STRICT-1", """{"customerNumber":"C-ALPHA","issueDate":"2026-01-05","dueDate":"2026-02-05","lines":[{"description":"Vis","quantity":1,"unitPrice":"12.50","vatRate":0.2}]}""" },
        { "POST", "/api/v1/invoices/batch", """{"invoices":[{"number":"FA-STRICT-2","customerNumber":"C-ALPHA","issueDate":"2026-01-05","dueDate":"2026-02-05","lines":[{"description":"Vis","quantity":"1","unitPrice":12.5,"vatRate":0.2}]}]}""" },
        { "PUT", "/api/v1/customers/C-STRICT", """{"legalName":"Strict","siren":"443061841","vatNumber":"FR00443061841","address":{"line1":"1 rue","postalCode":"75001","city":"Paris","country":"France"},"language":"fr","currency":"EUR"}""" },
    };

    [Theory]
    [MemberData(nameof(WriteEndpoints))]
    public async Task Every_write_endpoint_refuses_what_is_not_a_json_request_with_a_problem(string method, string url, string json)
    {
        var api = await ApiAsync();
        async Task<HttpResponseMessage> SendAsync(HttpMethod verb, string content, string mediaType)
        {
            using var request = new HttpRequestMessage(verb, new Uri(url, UriKind.Relative)) { Content = new StringContent(content, Encoding.UTF8, mediaType) };
            return await api.SendAsync(request);
        }

        var verb = new HttpMethod(method);
        var wrongType = await SendAsync(verb, json, "text/plain");
        await AssertProblemAsync(wrongType, HttpStatusCode.UnsupportedMediaType);

        var broken = await SendAsync(verb, json[..^3], "application/json");
        await AssertProblemAsync(broken, HttpStatusCode.BadRequest);

        var wrongMethod = await SendAsync(HttpMethod.Delete, json, "application/json");
        await AssertProblemAsync(wrongMethod, HttpStatusCode.MethodNotAllowed);
        Assert.Contains(method, wrongMethod.Content.Headers.Allow);

        if (!url.StartsWith("/api/v1/customers/", StringComparison.Ordinal))
        {
            // An amount (or quantity) sent as a string is refused, the field named.
            var stringNumber = await SendAsync(verb, json, "application/json");
            var problem = await AssertProblemAsync(stringNumber, HttpStatusCode.BadRequest);
            var fields = problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).ToList();
            Assert.Contains(fields, f => f.EndsWith("amount", StringComparison.OrdinalIgnoreCase) || f.EndsWith("unitPrice", StringComparison.OrdinalIgnoreCase) || f.EndsWith("quantity", StringComparison.OrdinalIgnoreCase));
        }
    }

    private static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement.Clone();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        return problem;
    }

    private async Task<HttpClient> ApiAsync()
    {
        var key = await fixture.WithDbAsync(async db =>
        {
            var (client, key) = ApiClient.Create("Strict-" + Guid.NewGuid().ToString("N")[..8], ApiScopes.Write, "Adam Admin", DateTimeOffset.UtcNow);
            db.ApiClients.Add(client);
            await db.SaveChangesAsync();
            return key;
        });
        var http = fixture.BackOffice.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        return http;
    }

    private static async Task<string> TokenAsync(Browser browser, string page) =>
        (await browser.GetPageAsync(page)).QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;

    // A form as a probe would send it: the token first (as the forms place it), then the fault.
    private static ByteArrayContent Malformed(string kind, string token)
    {
        var boundary = kind == "long-boundary" ? new string('b', 100) : "----litiges-probe";
        var text = new StringBuilder();
        void Field(string name, string value) =>
            text.Append("--").Append(boundary).Append("\r\nContent-Disposition: form-data; name=\"").Append(name).Append("\"\r\n\r\n").Append(value).Append("\r\n");

        Field("__RequestVerificationToken", token);
        switch (kind)
        {
            case "long-field":
                Field("Input.Description", new string('x', 70 * 1024));
                break;
            case "many-fields":
                for (var i = 0; i < 5001; i++)
                {
                    Field("f" + i.ToString(CultureInfo.InvariantCulture), "1");
                }

                break;
        }

        Field("Input.Step", "1");
        if (kind == "truncated")
        {
            text.Append("--").Append(boundary).Append("\r\nContent-Disposition: form-data; name=\"Input.Text\"\r\n\r\nhalf a fi");
        }
        else
        {
            text.Append("--").Append(boundary).Append("--\r\n");
        }

        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(text.ToString()));
        content.Headers.TryAddWithoutValidation("Content-Type", kind == "no-boundary" ? "multipart/form-data" : "multipart/form-data; boundary=" + boundary);
        return content;
    }

    [GeneratedRegex(@"<style[\s>]|\sstyle\s*=", RegexOptions.IgnoreCase)]
    private static partial Regex InlineStyle();
}
