using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Litiges.CreditNotes;
using Litiges.Customers;
using Litiges.Disputes;
using Litiges.Integration;
using Litiges.Storage;
using Litiges.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Litiges.IntegrationTests.Api;

/// <summary>The contract of each endpoint: success, each refusal as problem details with the offending fields and nothing changed, keys and scopes.</summary>
public abstract class ApiContractTests<TFixture>(TFixture fixture) : ApiScenario<TFixture>(fixture), IClassFixture<TFixture>
    where TFixture : LitigesFixture
{
    [Fact]
    public async Task A_request_without_a_key_is_refused_with_401_problem_details()
    {
        var response = await Api(null).GetAsync(new Uri("/api/v1/disputes/LIT-2026-000001", UriKind.Relative));

        var problem = await ProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Contains("Authorization", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_or_revoked_key_is_refused_with_401()
    {
        var (id, key, _) = await NewClientAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await Api(key).GetAsync(new Uri("/api/v1/invoices/NO-SUCH", UriKind.Relative))).StatusCode);

        await ProblemAsync(await Api(key[..^2] + "00").GetAsync(new Uri("/api/v1/invoices/NO-SUCH", UriKind.Relative)), HttpStatusCode.Unauthorized);
        await ProblemAsync(await Api("not-a-key").GetAsync(new Uri("/api/v1/invoices/NO-SUCH", UriKind.Relative)), HttpStatusCode.Unauthorized);

        await Fixture.WithDbAsync(async db =>
        {
            var client = await db.ApiClients.SingleAsync(c => c.Id == id);
            client.Revoke(DateTimeOffset.UtcNow);
            await db.SaveChangesAsync();
        });
        await ProblemAsync(await Api(key).GetAsync(new Uri("/api/v1/invoices/NO-SUCH", UriKind.Relative)), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_key_without_the_scope_is_refused_with_403_and_changes_nothing()
    {
        var reader = Api((await NewClientAsync(ApiScopes.Read)).Key);
        var writer = Api((await NewClientAsync(ApiScopes.Write)).Key);
        var number = Unique("C-");

        await ProblemAsync(await reader.PutAsJsonAsync($"/api/v1/customers/{number}", Customer()), HttpStatusCode.Forbidden);
        await ProblemAsync(await writer.GetAsync(new Uri("/api/v1/dunning-blocks", UriKind.Relative)), HttpStatusCode.Forbidden);

        Assert.Equal(0, await CountAsync(db => db.CustomerAccounts.Where(c => c.CustomerNumber == number)));
    }

    [Fact]
    public async Task The_key_may_come_in_the_x_api_key_header_and_its_use_is_recorded()
    {
        var (id, key, _) = await NewClientAsync(ApiScopes.Read);
        var client = Api(null);
        client.DefaultRequestHeaders.Add("X-Api-Key", key);

        var response = await client.GetAsync(new Uri("/api/v1/customers/C-ALPHA", UriKind.Relative));

        var customer = await JsonAsync(response, HttpStatusCode.OK);
        Assert.Equal("Alpha Industries", customer.GetProperty("legalName").GetString());
        Assert.NotNull(await Fixture.WithDbAsync(db => db.ApiClients.Where(c => c.Id == id).Select(c => c.LastUsedAt).SingleAsync()));
    }

    [Fact]
    public async Task The_openapi_document_describes_every_endpoint_and_the_bearer_scheme()
    {
        var document = await JsonAsync(await Api(null).GetAsync(new Uri("/api/v1/openapi.json", UriKind.Relative)), HttpStatusCode.OK);

        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Equal(
            [
                "/api/v1/credit-notes", "/api/v1/credit-notes/{number}/pdf", "/api/v1/credit-notes/{number}/xml",
                "/api/v1/customers/{customerNumber}", "/api/v1/customers/{customerNumber}/users",
                "/api/v1/customers/{customerNumber}/users/{userId}/resend", "/api/v1/customers/{customerNumber}/users/{userId}/revoke", "/api/v1/disputes", "/api/v1/disputes/{reference}", "/api/v1/dunning-blocks",
                "/api/v1/einvoicing/statuses", "/api/v1/einvoicing/statuses/outgoing",
                "/api/v1/invoices/batch", "/api/v1/invoices/{invoiceNumber}", "/api/v1/invoices/{invoiceNumber}/pdf", "/api/v1/payments",
            ],
            paths.Order(StringComparer.Ordinal));
        Assert.Equal("bearer", document.GetProperty("components").GetProperty("securitySchemes").GetProperty("ApiKey").GetProperty("scheme").GetString());
        Assert.True(document.GetProperty("components").GetProperty("schemas").TryGetProperty("InvoiceInput", out _));
        var payments = document.GetProperty("paths").GetProperty("/api/v1/payments").GetProperty("post");
        Assert.Contains(payments.GetProperty("parameters").EnumerateArray(), p => p.GetProperty("name").GetString() == "Idempotency-Key");
        Assert.True(payments.GetProperty("responses").TryGetProperty("409", out _));
        Assert.True(document.GetProperty("paths").GetProperty("/api/v1/dunning-blocks").GetProperty("get").GetProperty("responses").TryGetProperty("429", out _));
    }

    [Fact]
    public async Task A_customer_is_created_then_updated_by_its_number()
    {
        var api = await WriterAsync();
        var number = Unique("C-");

        var created = await JsonAsync(await api.PutAsJsonAsync($"/api/v1/customers/{number}", Customer("Gamma")), HttpStatusCode.Created);
        var updated = await JsonAsync(await api.PutAsJsonAsync($"/api/v1/customers/{number}", Customer("Gamma Services SA", "732 829 320")), HttpStatusCode.OK);

        Assert.Equal("Gamma", created.GetProperty("legalName").GetString());
        Assert.Equal("Gamma Services SA", updated.GetProperty("legalName").GetString());
        Assert.Equal("732829320", updated.GetProperty("siren").GetString());
        Assert.Equal("EUR", updated.GetProperty("currency").GetString());
        Assert.Equal(1, await CountAsync(db => db.CustomerAccounts.Where(c => c.CustomerNumber == number)));
    }

    [Fact]
    public async Task A_bad_customer_is_refused_field_by_field_and_nothing_is_saved()
    {
        var api = await WriterAsync();
        var number = Unique("C-");
        var bad = new { legalName = " ", siren = "12", language = "de", currency = "euro", address = new { line1 = "1 rue", city = "Lyon", country = "France" } };

        var problem = await ProblemAsync(await api.PutAsJsonAsync($"/api/v1/customers/{number}", bad), HttpStatusCode.BadRequest);

        Assert.Equal(["address.postalCode", "currency", "language", "legalName", "siren"], Fields(problem));
        Assert.Equal(0, await CountAsync(db => db.CustomerAccounts.Where(c => c.CustomerNumber == number)));
    }

    [Fact]
    public async Task A_customer_whose_siren_or_vat_key_is_wrong_is_refused_with_a_clear_message_and_nothing_is_saved()
    {
        var api = await WriterAsync();
        var number = Unique("C-");
        var wrongLuhn = new { legalName = "Gamma", siren = "552100555", vatNumber = "FR96552100554", address = new { line1 = "1 rue", postalCode = "69001", city = "Lyon", country = "France" } };
        var wrongKey = new { legalName = "Gamma", siren = "552100554", vatNumber = "FR40552100554", address = new { line1 = "1 rue", postalCode = "69001", city = "Lyon", country = "France" } };
        var otherCompany = new { legalName = "Gamma", siren = "552100554", vatNumber = "FR44732829320", address = new { line1 = "1 rue", postalCode = "69001", city = "Lyon", country = "France" } };

        var luhn = await ProblemAsync(await api.PutAsJsonAsync($"/api/v1/customers/{number}", wrongLuhn), HttpStatusCode.BadRequest);
        var key = await ProblemAsync(await api.PutAsJsonAsync($"/api/v1/customers/{number}", wrongKey), HttpStatusCode.BadRequest);
        var other = await ProblemAsync(await api.PutAsJsonAsync($"/api/v1/customers/{number}", otherCompany), HttpStatusCode.BadRequest);

        Assert.Equal(["siren"], Fields(luhn));
        Assert.Contains("552100555", luhn.GetProperty("errors").GetProperty("siren")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("Luhn", luhn.GetProperty("errors").GetProperty("siren")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(["vatNumber"], Fields(key));
        Assert.Contains("FR40552100554", key.GetProperty("errors").GetProperty("vatNumber")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(["vatNumber"], Fields(other));
        Assert.Equal(0, await CountAsync(db => db.CustomerAccounts.Where(c => c.CustomerNumber == number)));
    }

    [Fact]
    public async Task A_customers_delivery_address_is_kept_and_cleared_by_the_erp()
    {
        var api = await WriterAsync();
        var number = Unique("C-");
        var withDelivery = new
        {
            legalName = "Gamma",
            siren = "552100554",
            vatNumber = "FR96552100554",
            address = new { line1 = "1 rue de la République", postalCode = "69002", city = "Lyon", country = "France" },
            deliveryAddress = new { line1 = "Entrepôt 4, ZI des Vignes", postalCode = "69200", city = "Vénissieux", country = "France" },
        };

        var created = await JsonAsync(await api.PutAsJsonAsync($"/api/v1/customers/{number}", withDelivery), HttpStatusCode.Created);
        Assert.Equal("Vénissieux", created.GetProperty("deliveryAddress").GetProperty("city").GetString());
        Assert.Equal("69200", await Fixture.WithDbAsync(db => db.CustomerAccounts.Where(c => c.CustomerNumber == number).Select(c => c.DeliveryAddress!.PostalCode).SingleAsync()));

        var cleared = await JsonAsync(await api.PutAsJsonAsync($"/api/v1/customers/{number}", Customer()), HttpStatusCode.OK);
        Assert.Equal(JsonValueKind.Null, cleared.GetProperty("deliveryAddress").ValueKind);
    }

    [Fact]
    public async Task A_customers_currency_cannot_change()
    {
        var api = await WriterAsync();
        var number = Unique("C-");
        (await api.PutAsJsonAsync($"/api/v1/customers/{number}", Customer())).EnsureSuccessStatusCode();

        var problem = await ProblemAsync(await api.PutAsJsonAsync($"/api/v1/customers/{number}", Customer("Renamed", currency: "USD")), HttpStatusCode.Conflict);

        Assert.Equal(["currency"], Fields(problem));
        Assert.Equal("Gamma Services", await Fixture.WithDbAsync(db => db.CustomerAccounts.Where(c => c.CustomerNumber == number).Select(c => c.LegalName).SingleAsync()));
    }

    [Fact]
    public async Task Body_that_is_not_json_is_a_400_problem_naming_where_it_broke()
    {
        var api = await WriterAsync();
        var number = Unique("F-");

        var response = await api.PutAsync(new Uri($"/api/v1/invoices/{number}", UriKind.Relative), new StringContent("""{"customerNumber":"C-ALPHA","lines":[{"quantity":"ten"}]}""", Encoding.UTF8, "application/json"));

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains(Fields(problem), f => f.Contains("quantity", StringComparison.Ordinal));
        await ProblemAsync(await api.GetAsync(new Uri("/api/v1/no-such-thing", UriKind.Relative)), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task An_invoice_is_created_with_its_lines_and_totals_then_its_lines_replaced()
    {
        var api = await WriterAsync();
        var (customer, number) = await NewInvoiceAsync(api, ("Palettes", 10, 100m, 0.20m), ("Ouvrage", 3, 19.99m, 0.055m));

        var read = await JsonAsync(await api.GetAsync(new Uri($"/api/v1/invoices/{number}", UriKind.Relative)), HttpStatusCode.OK);
        Assert.Equal(1059.97m, read.GetProperty("totalNet").GetDecimal());
        Assert.Equal(203.30m, read.GetProperty("totalVat").GetDecimal()); // 200.00 + 3.30, rounded per line
        Assert.Equal(2, read.GetProperty("lines").GetArrayLength());

        var replaced = await JsonAsync(await api.PutAsJsonAsync($"/api/v1/invoices/{number}", Invoice(customer, ("Palettes", 8, 100m, 0.20m))), HttpStatusCode.OK);
        Assert.Equal(960.00m, replaced.GetProperty("totalGross").GetDecimal());
        Assert.Equal(960.00m, replaced.GetProperty("openBalance").GetDecimal());
        Assert.Equal(1, replaced.GetProperty("lines").GetArrayLength());

        var again = await api.PutAsJsonAsync($"/api/v1/invoices/{number}", Invoice(customer, ("Palettes", 8, 100m, 0.20m)));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(1, await CountAsync(db => db.InvoiceLines.Where(l => db.Invoices.Any(i => i.Id == l.InvoiceId && i.Number == number))));
    }

    [Fact]
    public async Task An_invoices_lines_cannot_change_once_paid_but_the_same_invoice_may_be_sent_again()
    {
        var api = await WriterAsync();
        var (customer, number) = await NewInvoiceAsync(api);
        await JsonAsync(await api.PostAsJsonAsync("/api/v1/payments", new { invoiceNumber = number, reference = "VIR-1", amount = 100m, receivedOn = "2026-11-20" }), HttpStatusCode.Created);

        var problem = await ProblemAsync(await api.PutAsJsonAsync($"/api/v1/invoices/{number}", Invoice(customer, ("Palettes", 5, 100m, 0.20m))), HttpStatusCode.Conflict);
        Assert.Equal(["lines"], Fields(problem));
        Assert.Equal(HttpStatusCode.OK, (await api.PutAsJsonAsync($"/api/v1/invoices/{number}", Invoice(customer))).StatusCode);

        var invoice = await JsonAsync(await api.GetAsync(new Uri($"/api/v1/invoices/{number}", UriKind.Relative)), HttpStatusCode.OK);
        Assert.Equal(1200m, invoice.GetProperty("totalGross").GetDecimal());
        Assert.Equal(1100m, invoice.GetProperty("openBalance").GetDecimal());
    }

    [Fact]
    public async Task A_bad_invoice_is_refused_field_by_field_and_nothing_is_saved()
    {
        var api = await WriterAsync();
        var number = Unique("F-");
        var bad = new
        {
            customerNumber = "C-ALPHA",
            issueDate = "2026-11-02",
            dueDate = "2026-10-02",
            currency = "eur",
            lines = new object[]
            {
                new { description = "", quantity = 0m, unitPrice = 1.23456m, vatRate = 20m },
                new { description = "Ok", quantity = 1m, unitPrice = -1m },
            },
        };

        var problem = await ProblemAsync(await api.PutAsJsonAsync($"/api/v1/invoices/{number}", bad), HttpStatusCode.BadRequest);

        Assert.Equal(
            ["currency", "dueDate", "lines[0].description", "lines[0].quantity", "lines[0].unitPrice", "lines[0].vatRate", "lines[1].unitPrice", "lines[1].vatRate"],
            Fields(problem));
        var unknownCustomer = await ProblemAsync(await api.PutAsJsonAsync($"/api/v1/invoices/{number}", Invoice("C-NOBODY")), HttpStatusCode.BadRequest);
        Assert.Equal(["customerNumber"], Fields(unknownCustomer));
        Assert.Equal(0, await CountAsync(db => db.Invoices.Where(i => i.Number == number)));
    }

    [Fact]
    public async Task A_batch_of_invoices_is_saved_whole_or_not_at_all()
    {
        var api = await WriterAsync();
        var (customer, existing) = await NewInvoiceAsync(api);
        var fresh = Enumerable.Range(1, 3).Select(_ => Unique("F-")).ToList();
        object One(string number, string customerNumber) => new { number, customerNumber, issueDate = "2026-11-02", dueDate = "2026-12-02", lines = new[] { new { description = "Palettes", quantity = 1m, unitPrice = 10m, vatRate = 0.2m } } };

        var refused = await ProblemAsync(
            await api.PostAsJsonAsync("/api/v1/invoices/batch", new { invoices = new[] { One(fresh[0], customer), One(fresh[1], "C-NOBODY"), One(fresh[0], customer) } }),
            HttpStatusCode.BadRequest);
        Assert.Equal(["invoices[2].number"], Fields(refused));
        refused = await ProblemAsync(await api.PostAsJsonAsync("/api/v1/invoices/batch", new { invoices = new[] { One(fresh[0], customer), One(fresh[1], "C-NOBODY") } }), HttpStatusCode.BadRequest);
        Assert.Equal(["invoices[1].customerNumber"], Fields(refused));
        Assert.Equal(0, await CountAsync(db => db.Invoices.Where(i => fresh.Contains(i.Number))));

        var batch = await JsonAsync(
            await api.PostAsJsonAsync("/api/v1/invoices/batch", new { invoices = new[] { One(fresh[0], customer), One(fresh[1], customer), One(existing, customer), One(fresh[2], customer) } }),
            HttpStatusCode.OK);
        Assert.Equal(3, batch.GetProperty("created").GetInt32());
        Assert.Equal(1, batch.GetProperty("updated").GetInt32());
        Assert.Equal(3, await CountAsync(db => db.Invoices.Where(i => fresh.Contains(i.Number))));
        var tooMany = await ProblemAsync(await api.PostAsJsonAsync("/api/v1/invoices/batch", new { invoices = Enumerable.Range(0, InvoiceSync.MaxBatch + 1).Select(i => One($"X{i}", customer)) }), HttpStatusCode.BadRequest);
        Assert.Equal(["invoices"], Fields(tooMany));
    }

    [Fact]
    public async Task A_payment_is_recorded_once_per_reference()
    {
        var api = await WriterAsync();
        var (_, number) = await NewInvoiceAsync(api);
        var payment = new { invoiceNumber = number, reference = "VIR-2026-42", amount = 200m, receivedOn = "2026-11-20" };

        var first = await JsonAsync(await api.PostAsJsonAsync("/api/v1/payments", payment), HttpStatusCode.Created);
        var again = await JsonAsync(await api.PostAsJsonAsync("/api/v1/payments", payment), HttpStatusCode.OK);
        var conflict = await ProblemAsync(await api.PostAsJsonAsync("/api/v1/payments", payment with { amount = 300m }), HttpStatusCode.Conflict);

        Assert.Equal(1000m, first.GetProperty("invoiceOpenBalance").GetDecimal());
        Assert.Equal(1000m, again.GetProperty("invoiceOpenBalance").GetDecimal());
        Assert.Equal("PartiallyPaid", again.GetProperty("invoiceStatus").GetString());
        Assert.Equal(["reference"], Fields(conflict));
        Assert.Equal(1, await CountAsync(db => db.Payments.Where(p => p.Reference == "VIR-2026-42" && db.Invoices.Any(i => i.Id == p.InvoiceId && i.Number == number))));
    }

    [Fact]
    public async Task A_bad_payment_is_refused_and_nothing_is_recorded()
    {
        var api = await WriterAsync();
        var (_, number) = await NewInvoiceAsync(api);

        var invalid = await ProblemAsync(await api.PostAsJsonAsync("/api/v1/payments", new { invoiceNumber = number, amount = 10.001m }), HttpStatusCode.BadRequest);
        var unknown = await ProblemAsync(await api.PostAsJsonAsync("/api/v1/payments", new { invoiceNumber = "F-NONE", reference = "R", amount = 10m, receivedOn = "2026-11-20" }), HttpStatusCode.BadRequest);
        var tooMuch = await ProblemAsync(await api.PostAsJsonAsync("/api/v1/payments", new { invoiceNumber = number, reference = "R", amount = 1200.01m, receivedOn = "2026-11-20" }), HttpStatusCode.UnprocessableEntity);

        Assert.Equal(["amount", "receivedOn", "reference"], Fields(invalid));
        Assert.Equal(["invoiceNumber"], Fields(unknown));
        Assert.Equal(["amount"], Fields(tooMuch));
        Assert.Equal(0, await CountAsync(db => db.Payments.Where(p => db.Invoices.Any(i => i.Id == p.InvoiceId && i.Number == number))));
    }

    [Fact]
    public async Task An_anomaly_found_while_dunning_opens_a_dispute_blocks_the_amount_and_alerts_customer_service()
    {
        var api = await WriterAsync();
        var (customer, number) = await NewInvoiceAsync(api, ("Palettes", 10, 100m, 0.20m), ("Transport", 1, 50m, 0.20m));
        var request = new
        {
            customerNumber = customer,
            reasonCode = "liv",
            description = "Le client dit n'avoir reçu que 8 palettes sur 10.",
            claims = new[] { new { invoiceNumber = number, lineNumber = (int?)1, amount = (decimal?)240m } },
            contact = new { name = "Paul Payeur", email = "paul@gamma.test", phone = "+33 5 00 00 00 00" },
        };

        var response = await api.PostAsJsonAsync("/api/v1/disputes", request);

        var dispute = await JsonAsync(response, HttpStatusCode.Created);
        var reference = dispute.GetProperty("reference").GetString()!;
        Assert.Equal($"/api/v1/disputes/{reference}", response.Headers.Location!.ToString());
        Assert.Equal("Api", dispute.GetProperty("source").GetString());
        Assert.Equal("Submitted", dispute.GetProperty("status").GetString());
        Assert.Equal("LIV", dispute.GetProperty("reasonCode").GetString());
        Assert.Equal(240m, dispute.GetProperty("disputedAmount").GetDecimal());
        Assert.Equal(1, dispute.GetProperty("items")[0].GetProperty("lineNumber").GetInt32());
        var block = dispute.GetProperty("dunningBlocks").EnumerateArray().Single();
        Assert.Equal(240m, block.GetProperty("amount").GetDecimal());
        Assert.True(block.GetProperty("isActive").GetBoolean());

        var invoice = await JsonAsync(await api.GetAsync(new Uri($"/api/v1/invoices/{number}", UriKind.Relative)), HttpStatusCode.OK);
        Assert.Equal(240m, invoice.GetProperty("blockedAmount").GetDecimal());
        var alerts = await Fixture.WithDbAsync(db => db.Outbox.AsNoTracking().Where(m => m.Kind == "DisputeOpenedByApi" && m.Subject.Contains(reference)).ToListAsync());
        var alert = Assert.Single(alerts, m => m.Recipient == "agent@staff.test");
        Assert.Contains("8 palettes", alert.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_dispute_without_an_amount_covers_what_the_invoice_still_owes()
    {
        var api = await WriterAsync();
        var (customer, number) = await NewInvoiceAsync(api);
        await JsonAsync(await api.PostAsJsonAsync("/api/v1/payments", new { invoiceNumber = number, reference = "P1", amount = 200m, receivedOn = "2026-11-20" }), HttpStatusCode.Created);

        var dispute = await JsonAsync(await api.PostAsJsonAsync("/api/v1/disputes", new { customerNumber = customer, reasonCode = "FAC", description = "Prix contesté", claims = new[] { new { invoiceNumber = number } } }), HttpStatusCode.Created);

        Assert.Equal(1000m, dispute.GetProperty("disputedAmount").GetDecimal());
        var again = await ProblemAsync(await api.PostAsJsonAsync("/api/v1/disputes", new { customerNumber = customer, reasonCode = "FAC", description = "Encore", claims = new[] { new { invoiceNumber = number } } }), HttpStatusCode.Conflict);
        Assert.Contains(dispute.GetProperty("reference").GetString()!, again.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_dispute_is_refused_field_by_field_and_nothing_is_opened()
    {
        var api = await WriterAsync();
        var (customer, number) = await NewInvoiceAsync(api);
        var before = await CountAsync(db => db.Disputes);

        var shape = await ProblemAsync(await api.PostAsJsonAsync("/api/v1/disputes", new { customerNumber = customer, claims = new[] { new { invoiceNumber = "", amount = -1m } }, contact = new { email = "nope" } }), HttpStatusCode.BadRequest);
        var references = await ProblemAsync(await api.PostAsJsonAsync("/api/v1/disputes", new { customerNumber = customer, reasonCode = "ZZZ", description = "x", claims = new[] { new { invoiceNumber = "FA-ALPHA-0001", lineNumber = 1 } } }), HttpStatusCode.BadRequest);
        var lines = await ProblemAsync(await api.PostAsJsonAsync("/api/v1/disputes", new { customerNumber = customer, reasonCode = "FAC", description = "x", claims = new[] { new { invoiceNumber = number, lineNumber = 9 } } }), HttpStatusCode.BadRequest);
        var tooMuch = await ProblemAsync(await api.PostAsJsonAsync("/api/v1/disputes", new { customerNumber = customer, reasonCode = "FAC", description = "x", claims = new[] { new { invoiceNumber = number, amount = 1200.01m } } }), HttpStatusCode.UnprocessableEntity);

        Assert.Equal(["claims[0].amount", "claims[0].invoiceNumber", "contact.email", "description", "reasonCode"], Fields(shape));
        Assert.Equal(["reasonCode"], Fields(references));
        Assert.Equal(["claims[0].lineNumber"], Fields(lines));
        Assert.Equal(["claims"], Fields(tooMuch));
        Assert.Equal(before, await CountAsync(db => db.Disputes));
        var invoice = await JsonAsync(await api.GetAsync(new Uri($"/api/v1/invoices/{number}", UriKind.Relative)), HttpStatusCode.OK);
        Assert.Equal(0m, invoice.GetProperty("blockedAmount").GetDecimal());
    }

    [Fact]
    public async Task A_dispute_reads_back_with_its_public_history_only()
    {
        var api = await WriterAsync();
        var reference = Fixture.Data.AlphaDispute.Reference;
        await Fixture.WithDbAsync(async db =>
        {
            var dispute = await db.Disputes.SingleAsync(d => d.Reference == reference);
            var agent = new Actor("agent", "Agnès Agent", ActorRole.Agent);
            dispute.AddInternalNote(agent, "Note interne confidentielle", DateTimeOffset.UtcNow);
            dispute.PostMessage(agent, "Nous regardons votre facture.", DateTimeOffset.UtcNow);
            await db.SaveChangesAsync();
        });

        var read = await JsonAsync(await api.GetAsync(new Uri($"/api/v1/disputes/{reference}", UriKind.Relative)), HttpStatusCode.OK);

        Assert.Equal("C-ALPHA", read.GetProperty("customerNumber").GetString());
        Assert.Equal("FA-ALPHA-0001", read.GetProperty("items")[0].GetProperty("invoiceNumber").GetString());
        var texts = read.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("text").GetString()).ToList();
        Assert.Contains("Nous regardons votre facture.", texts);
        Assert.DoesNotContain("Note interne confidentielle", texts);
        await ProblemAsync(await api.GetAsync(new Uri("/api/v1/disputes/LIT-1999-999999", UriKind.Relative)), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_replayed_write_returns_the_first_answer_and_changes_nothing()
    {
        var api = await WriterAsync();
        var (customer, number) = await NewInvoiceAsync(api);
        var body = new { customerNumber = customer, reasonCode = "FAC", description = "Remise oubliée", claims = new[] { new { invoiceNumber = number, amount = 100m } } };
        var key = Guid.NewGuid().ToString();

        async Task<HttpResponseMessage> PostAsync(object payload)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/disputes") { Content = JsonContent.Create(payload) };
            request.Headers.Add("Idempotency-Key", key);
            return await api.SendAsync(request);
        }

        var first = await PostAsync(body);
        var firstBody = await first.Content.ReadAsStringAsync();
        var replay = await PostAsync(body);
        var replayBody = await replay.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, replay.StatusCode);
        Assert.Equal(firstBody, replayBody);
        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(1, await CountAsync(db => db.DisputedItems.Where(i => db.Invoices.Any(v => v.Id == i.InvoiceId && v.Number == number))));

        var reused = await ProblemAsync(await PostAsync(body with { description = "Autre chose" }), HttpStatusCode.UnprocessableEntity);
        Assert.Contains("idempotency", reused.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(1, await CountAsync(db => db.DisputedItems.Where(i => db.Invoices.Any(v => v.Id == i.InvoiceId && v.Number == number))));
    }

    [Fact]
    public async Task A_refused_write_is_not_remembered_so_its_key_may_carry_the_corrected_request()
    {
        var api = await WriterAsync();
        var number = Unique("C-");
        var key = Guid.NewGuid().ToString();
        async Task<HttpResponseMessage> PutAsync(object payload)
        {
            using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/customers/{number}") { Content = JsonContent.Create(payload) };
            request.Headers.Add("Idempotency-Key", key);
            return await api.SendAsync(request);
        }

        await ProblemAsync(await PutAsync(Customer(siren: "1")), HttpStatusCode.BadRequest);
        await JsonAsync(await PutAsync(Customer()), HttpStatusCode.Created);
        await JsonAsync(await PutAsync(Customer()), HttpStatusCode.Created);

        Assert.Equal(1, await CountAsync(db => db.IdempotencyRecords.Where(r => r.Key == key)));
    }

    [Fact]
    public async Task Dunning_blocks_changed_since_a_time_come_a_page_at_a_time_in_the_order_they_changed()
    {
        var api = await WriterAsync();
        var since = DateTimeOffset.UtcNow.AddSeconds(-1);
        var references = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var (customer, number) = await NewInvoiceAsync(api);
            var opened = await JsonAsync(await api.PostAsJsonAsync("/api/v1/disputes", new { customerNumber = customer, reasonCode = "FAC", description = "Prix", claims = new[] { new { invoiceNumber = number, amount = 10m + i } } }), HttpStatusCode.Created);
            references.Add(opened.GetProperty("reference").GetString()!);
        }

        // The first dispute ends: its block is lifted, and so comes last.
        await Fixture.WithDbAsync(async db =>
        {
            var dispute = await db.Disputes.Include(d => d.Items).ThenInclude(i => i.Invoice).ThenInclude(i => i!.DunningBlocks).SingleAsync(d => d.Reference == references[0]);
            dispute.Withdraw(new Actor("c", "Client", ActorRole.Customer, dispute.CustomerAccountId), "Réglé", DateTimeOffset.UtcNow.AddSeconds(1));
            await db.SaveChangesAsync();
        });

        var seen = new List<JsonElement>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var url = $"/api/v1/dunning-blocks?since={Uri.EscapeDataString(since.ToString("O"))}&limit=2" + (cursor is null ? string.Empty : $"&cursor={cursor}");
            var page = await JsonAsync(await api.GetAsync(new Uri(url, UriKind.Relative)), HttpStatusCode.OK);
            seen.AddRange(page.GetProperty("items").EnumerateArray());
            cursor = page.GetProperty("nextCursor").GetString();
            pages++;
        }
        while (cursor is not null && pages < 20);

        var mine = seen.Where(b => references.Contains(b.GetProperty("disputeReference").GetString()!)).ToList();
        Assert.Equal([.. references.Skip(1), references[0]], mine.Select(b => b.GetProperty("disputeReference").GetString()));
        Assert.False(mine[^1].GetProperty("isActive").GetBoolean());
        Assert.Equal(seen.Count, seen.Select(b => b.GetProperty("id").GetInt32()).Distinct().Count());
        Assert.True(pages >= 3);

        var later = await JsonAsync(await api.GetAsync(new Uri($"/api/v1/dunning-blocks?since={Uri.EscapeDataString(mine[^1].GetProperty("changedAt").GetString()!)}", UriKind.Relative)), HttpStatusCode.OK);
        Assert.DoesNotContain(later.GetProperty("items").EnumerateArray(), b => references.Contains(b.GetProperty("disputeReference").GetString()!));
        Assert.Equal(["cursor", "limit"], Fields(await ProblemAsync(await api.GetAsync(new Uri("/api/v1/dunning-blocks?cursor=abc&limit=5000", UriKind.Relative)), HttpStatusCode.BadRequest)));
    }

    [Fact]
    public async Task Credit_notes_issued_since_a_time_come_a_page_at_a_time_and_their_documents_stream_once_rendered()
    {
        var api = await WriterAsync();
        var since = DateTimeOffset.UtcNow.AddSeconds(-1);
        var (_, number) = await NewInvoiceAsync(api);
        var blobs = Fixture.BackOffice.Services.GetRequiredService<IBlobStore>();
        var notes = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var rendered = i < 2;
            notes.Add(await Fixture.WithDbAsync(async db =>
            {
                var invoice = await db.Invoices.SingleAsync(v => v.Number == number);
                var customer = await db.CustomerAccounts.SingleAsync(c => c.Id == invoice.CustomerAccountId);
                var seller = new PartyIdentity("Litiges Démo SAS", new PostalAddress("10 rue de la Paix", null, "75002", "Paris", "France"), "552100554", "FR40552100554", "SAS", "100 000 €");
                var note = CreditNote.Issue(Unique("AV-T-"), DateTimeOffset.UtcNow.AddMilliseconds(i), "Fanny Finance", seller, PartyIdentity.Of(customer), invoice, [new CreditLine("Remise", 1, 10m + i, 0.20m)], "Geste commercial", null);
                if (rendered)
                {
                    var name = $"credit-notes/test/{Guid.NewGuid():N}";
                    await blobs.WriteAsync(name + "-pdf", new MemoryStream("%PDF-1.7 test"u8.ToArray()), "application/pdf", CancellationToken.None);
                    await blobs.WriteAsync(name + "-xml", new MemoryStream("<CreditNote/>"u8.ToArray()), "application/xml", CancellationToken.None);
                    note.AttachDocuments(name + "-pdf", new string('a', 64), name + "-xml", new string('b', 64));
                }

                db.CreditNotes.Add(note);
                await db.SaveChangesAsync();
                return note.Number;
            }));
        }

        var first = await JsonAsync(await api.GetAsync(new Uri($"/api/v1/credit-notes?limit=2&since={Uri.EscapeDataString(since.ToString("O"))}", UriKind.Relative)), HttpStatusCode.OK);
        var cursor = first.GetProperty("nextCursor").GetString();
        var second = await JsonAsync(await api.GetAsync(new Uri($"/api/v1/credit-notes?limit=2&since={Uri.EscapeDataString(since.ToString("O"))}&cursor={cursor}", UriKind.Relative)), HttpStatusCode.OK);

        var listed = first.GetProperty("items").EnumerateArray().Concat(second.GetProperty("items").EnumerateArray()).ToList();
        Assert.Equal(notes, listed.Select(n => n.GetProperty("number").GetString()));
        Assert.Null(second.GetProperty("nextCursor").GetString());
        Assert.Equal(number, listed[0].GetProperty("invoiceNumber").GetString());
        Assert.Equal(12.00m, listed[0].GetProperty("totalGross").GetDecimal());
        Assert.Equal(JsonValueKind.Null, listed[2].GetProperty("pdfSha256").ValueKind);

        var pdf = await api.GetAsync(new Uri($"/api/v1/credit-notes/{notes[0]}/pdf", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, pdf.StatusCode);
        Assert.Equal("application/pdf", pdf.Content.Headers.ContentType!.MediaType);
        Assert.Equal("%PDF-1.7 test", await pdf.Content.ReadAsStringAsync());
        var xml = await api.GetAsync(new Uri($"/api/v1/credit-notes/{notes[1]}/xml", UriKind.Relative));
        Assert.Equal("<CreditNote/>", await xml.Content.ReadAsStringAsync());
        await ProblemAsync(await api.GetAsync(new Uri($"/api/v1/credit-notes/{notes[2]}/pdf", UriKind.Relative)), HttpStatusCode.NotFound);
        await ProblemAsync(await api.GetAsync(new Uri("/api/v1/credit-notes/AV-NONE/xml", UriKind.Relative)), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Payments_sent_at_once_on_one_invoice_are_all_recorded_and_a_key_sent_twice_at_once_takes_effect_once()
    {
        var api = await WriterAsync();
        var (_, number) = await NewInvoiceAsync(api);

        var responses = await Task.WhenAll(Enumerable.Range(1, 6).Select(i =>
            api.PostAsJsonAsync("/api/v1/payments", new { invoiceNumber = number, reference = $"CONC-{i}", amount = 100m, receivedOn = "2026-11-20" })));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));

        var key = Guid.NewGuid().ToString();
        var twice = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/payments") { Content = JsonContent.Create(new { invoiceNumber = number, reference = "ONCE", amount = 50m, receivedOn = "2026-11-21" }) };
            request.Headers.Add("Idempotency-Key", key);
            return api.SendAsync(request);
        }));
        Assert.All(twice, r => Assert.True(r.IsSuccessStatusCode, r.StatusCode.ToString()));

        var invoice = await JsonAsync(await api.GetAsync(new Uri($"/api/v1/invoices/{number}", UriKind.Relative)), HttpStatusCode.OK);
        Assert.Equal(650m, invoice.GetProperty("paidAmount").GetDecimal());
        Assert.Equal(7, await CountAsync(db => db.Payments.Where(p => db.Invoices.Any(i => i.Id == p.InvoiceId && i.Number == number))));
    }

    [Fact]
    public async Task A_client_over_its_rate_limit_gets_429_with_retry_after_while_others_go_on()
    {
        await using var limited = new AppFactory<Litiges.BackOffice.Program>(Fixture.Database, Fixture.DataFolder, new Dictionary<string, string?> { ["Api:RateLimit:PermitsPerMinute"] = "2" });
        var busy = Api((await NewClientAsync(ApiScopes.Read)).Key, limited);
        var other = Api((await NewClientAsync(ApiScopes.Read)).Key, limited);
        var url = new Uri("/api/v1/customers/C-ALPHA", UriKind.Relative);

        Assert.Equal(HttpStatusCode.OK, (await busy.GetAsync(url)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await busy.GetAsync(url)).StatusCode);
        var refused = await busy.GetAsync(url);

        await ProblemAsync(refused, HttpStatusCode.TooManyRequests);
        var retryAfter = int.Parse(refused.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 60);
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync(url)).StatusCode);
    }
}

public sealed class SqliteApiContractTests(SqliteFixture fixture) : ApiContractTests<SqliteFixture>(fixture);

public sealed class PostgreSqlApiContractTests(PostgreSqlFixture fixture) : ApiContractTests<PostgreSqlFixture>(fixture);
