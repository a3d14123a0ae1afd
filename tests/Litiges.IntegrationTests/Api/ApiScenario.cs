using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Litiges.Integration;
using Litiges.Testing;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;

namespace Litiges.IntegrationTests.Api;

/// <summary>What the API tests share: keys made as the admin page makes them, clients that send them, and JSON and problem readers.</summary>
public abstract class ApiScenario<TFixture>(TFixture fixture)
    where TFixture : LitigesFixture
{
    protected static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    protected TFixture Fixture { get; } = fixture;

    protected static string Unique(string prefix) => prefix + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant();

    /// <summary>A new API client with these scopes; its key and webhook secret as the admin page shows them once.</summary>
    protected Task<(int Id, string Key, string Secret)> NewClientAsync(ApiScopes scopes = ApiScopes.Read | ApiScopes.Write, string? name = null) =>
        Fixture.WithDbAsync(async db =>
        {
            var (client, key) = ApiClient.Create(name ?? Unique("ERP-"), scopes, "Adam Admin", DateTimeOffset.UtcNow);
            db.ApiClients.Add(client);
            await db.SaveChangesAsync();
            return (client.Id, key, client.WebhookSecret);
        });

    protected HttpClient Api(string? key, WebApplicationFactory<Litiges.BackOffice.Program>? app = null)
    {
        var client = (app ?? Fixture.BackOffice).CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en");
        return client;
    }

    protected async Task<HttpClient> WriterAsync() => Api((await NewClientAsync()).Key);

    protected static async Task<JsonElement> JsonAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"Expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>Asserts an RFC 9457 problem with this status; returns it.</summary>
    protected static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var problem = await JsonAsync(response, expected);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()));
        return problem;
    }

    /// <summary>The fields named in a problem's <c>errors</c>.</summary>
    protected static IReadOnlyList<string> Fields(JsonElement problem) =>
        problem.TryGetProperty("errors", out var errors) ? errors.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToList() : [];

    protected static object Customer(string legalName = "Gamma Services", string siren = "552100554", string? currency = null) => new
    {
        legalName,
        siren,
        vatNumber = Litiges.Customers.CompanyIdentifiers.FrenchVatNumber(siren),
        address = new { line1 = "5 avenue des Tests", postalCode = "31000", city = "Toulouse", country = "France" },
        language = "fr",
        currency,
    };

    protected static object Invoice(string customerNumber, params (string Description, decimal Quantity, decimal UnitPrice, decimal VatRate)[] lines) => new
    {
        customerNumber,
        issueDate = "2026-11-02",
        dueDate = "2026-12-02",
        lines = (lines.Length == 0 ? [("Palettes", 10m, 100m, 0.20m)] : lines).Select(l => new { description = l.Description, quantity = l.Quantity, unitPrice = l.UnitPrice, vatRate = l.VatRate }).ToArray(),
    };

    /// <summary>A customer of its own and an invoice of 1 200,00 € incl. VAT (10 × 100 € + 20 % VAT), through the API.</summary>
    protected async Task<(string Customer, string Invoice)> NewInvoiceAsync(HttpClient api, params (string Description, decimal Quantity, decimal UnitPrice, decimal VatRate)[] lines)
    {
        var customer = Unique("C-");
        var number = Unique("F-");
        (await api.PutAsJsonAsync($"/api/v1/customers/{customer}", Customer())).EnsureSuccessStatusCode();
        await JsonAsync(await api.PutAsJsonAsync($"/api/v1/invoices/{number}", Invoice(customer, lines)), HttpStatusCode.Created);
        return (customer, number);
    }

    protected Task<int> CountAsync<T>(Func<Litiges.Data.LitigesDbContext, IQueryable<T>> query) =>
        Fixture.WithDbAsync(db => query(db).CountAsync());
}
