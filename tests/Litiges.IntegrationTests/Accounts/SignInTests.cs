using System.Net;
using Litiges.Testing;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Litiges.IntegrationTests.Accounts;

/// <summary>Sign-in, lockout and the rule that each app admits only its own kind of user, on each provider.</summary>
public abstract class SignInTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : LitigesFixture
{
    private static readonly WebApplicationFactoryClientOptions NoRedirects = new() { AllowAutoRedirect = false };

    private Browser Portal() => new(fixture.Portal.CreateClient(NoRedirects));

    private Browser BackOffice() => new(fixture.BackOffice.CreateClient(NoRedirects));

    [Fact]
    public async Task Anonymous_visitor_is_sent_to_sign_in()
    {
        var response = await Portal().GetAsync("/Invoices");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("http://localhost/Account/Login", response.Headers.Location!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_answers_without_sign_in()
    {
        var portal = await Portal().GetAsync("/health");
        var backOffice = await BackOffice().GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, portal.StatusCode);
        Assert.Equal(HttpStatusCode.OK, backOffice.StatusCode);
        Assert.Equal("Healthy", await portal.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Customer_signs_in_and_sees_only_their_company_invoices()
    {
        var browser = Portal();
        var signIn = await browser.SignInAsync("alice@alpha.test");
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);

        var page = await browser.GetPageAsync("/Invoices?show=all");
        var text = Browser.Text(page);
        foreach (var (_, number) in fixture.Data.AlphaInvoices)
        {
            Assert.Contains(number, text, StringComparison.Ordinal);
        }

        foreach (var (_, number) in fixture.Data.BetaInvoices)
        {
            Assert.DoesNotContain(number, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Customer_sees_the_blocked_amount_of_a_disputed_invoice()
    {
        var browser = Portal();
        await browser.SignInAsync("alice@alpha.test");
        var page = await browser.GetPageAsync("/Invoices?search=FA-ALPHA-0001");
        var row = page.QuerySelectorAll("tbody tr").Single();
        Assert.Contains("120,00", row.TextContent, StringComparison.Ordinal);
        Assert.Contains("En litige", row.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Customer_sees_only_their_company_disputes()
    {
        var browser = Portal();
        await browser.SignInAsync("bob@beta.test");
        var text = Browser.Text(await browser.GetPageAsync("/Disputes"));
        Assert.Contains(fixture.Data.BetaDispute.Reference, text, StringComparison.Ordinal);
        Assert.DoesNotContain(fixture.Data.AlphaDispute.Reference, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrong_password_is_refused_with_a_clear_message()
    {
        var response = await Portal().SignInAsync("alice@alpha.test", "not-the-password");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = Browser.Text(await Browser.ParseAsync(response));
        Assert.Contains("Adresse e-mail ou mot de passe incorrect.", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unconfirmed_email_cannot_sign_in()
    {
        var response = await Portal().SignInAsync("dave@alpha.test");
        var text = Browser.Text(await Browser.ParseAsync(response));
        Assert.Contains("Confirmez d'abord votre adresse e-mail", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Account_is_locked_after_five_failures_even_with_the_right_password()
    {
        var browser = BackOffice();
        for (var attempt = 0; attempt < 5; attempt++)
        {
            await browser.SignInAsync("locked@staff.test", "wrong-password-" + attempt);
        }

        // The right password now gets the answer of a wrong one; the owner learns why by e-mail.
        var response = await browser.SignInAsync("locked@staff.test");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Adresse e-mail ou mot de passe incorrect.", Browser.Text(await Browser.ParseAsync(response)), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/Disputes")).StatusCode);
    }

    [Fact]
    public async Task Customer_is_refused_by_the_back_office()
    {
        var browser = BackOffice();
        var response = await browser.SignInAsync("alice@alpha.test");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Adresse e-mail ou mot de passe incorrect.", Browser.Text(await Browser.ParseAsync(response)), StringComparison.Ordinal);
        var queue = await browser.GetAsync("/Disputes");
        Assert.Equal(HttpStatusCode.Redirect, queue.StatusCode);
    }

    [Fact]
    public async Task Staff_user_is_refused_by_the_customer_portal()
    {
        var browser = Portal();
        var response = await browser.SignInAsync("agent@staff.test");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Adresse e-mail ou mot de passe incorrect.", Browser.Text(await Browser.ParseAsync(response)), StringComparison.Ordinal);
        var invoices = await browser.GetAsync("/Invoices");
        Assert.Equal(HttpStatusCode.Redirect, invoices.StatusCode);
    }

    [Fact]
    public async Task Staff_user_signs_in_and_sees_the_queue_of_every_company()
    {
        var browser = BackOffice();
        var signIn = await browser.SignInAsync("agent@staff.test");
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        var text = Browser.Text(await browser.GetPageAsync("/Disputes"));
        Assert.Contains(fixture.Data.AlphaDispute.Reference, text, StringComparison.Ordinal);
        Assert.Contains(fixture.Data.BetaDispute.Reference, text, StringComparison.Ordinal);
        Assert.Contains("Alpha Industries", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pages_switch_to_english()
    {
        var browser = Portal();
        await browser.SignInAsync("alice@alpha.test");
        var page = await browser.GetPageAsync("/Invoices");
        var switchForm = (AngleSharp.Html.Dom.IHtmlFormElement)page.QuerySelector("form[action^='/Language']")!;
        var response = await browser.PostFormAsync(switchForm, "/Invoices", new Dictionary<string, string>());
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var english = await browser.GetPageAsync("/Invoices");
        Assert.Equal("en", english.DocumentElement.GetAttribute("lang"));
        Assert.Contains("Your company's invoices", Browser.Text(english), StringComparison.Ordinal);
    }

    [Fact]
    public async Task English_speaking_customer_gets_english_pages()
    {
        var browser = Portal();
        await browser.SignInAsync("bob@beta.test");
        var page = await browser.GetPageAsync("/Invoices?show=all");
        Assert.Contains("Your company's invoices", Browser.Text(page), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sign_in_form_without_antiforgery_token_is_rejected()
    {
        var client = fixture.Portal.CreateClient(NoRedirects);
        var response = await client.PostAsync(
            new Uri("/Account/Login", UriKind.Relative),
            new FormUrlEncodedContent(new Dictionary<string, string> { ["Input.Email"] = "alice@alpha.test", ["Input.Password"] = LitigesFixture.Password }));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}

public sealed class SqliteSignInTests(SqliteFixture fixture) : SignInTests<SqliteFixture>(fixture);

public sealed class PostgreSqlSignInTests(PostgreSqlFixture fixture) : SignInTests<PostgreSqlFixture>(fixture);
