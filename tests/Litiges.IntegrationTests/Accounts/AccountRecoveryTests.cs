using System.Net;
using System.Text.RegularExpressions;
using Litiges.Accounts;
using Litiges.Testing;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using BackOfficeProgram = Litiges.BackOffice.Program;

namespace Litiges.IntegrationTests.Accounts;

/// <summary>Password reset by e-mail, and staff two-factor sign-in (required by default).</summary>
public sealed partial class AccountRecoveryTests(SqliteFixture fixture) : IClassFixture<SqliteFixture>
{
    private static readonly WebApplicationFactoryClientOptions NoRedirects = new() { AllowAutoRedirect = false };

    [Fact]
    public async Task Customer_resets_a_forgotten_password_from_the_emailed_link()
    {
        // A customer of the test's own: the password it resets is nobody else's.
        var email = LitigesFixture.UniqueEmail("cora", "alpha.test");
        await fixture.NewUserAsync(AppUser.NewCustomer(email, "Cora Alpha", fixture.Data.AlphaId, isAdmin: false));
        var browser = new Browser(fixture.Portal.CreateClient(NoRedirects));
        var sent = await browser.SubmitAsync("/Account/ForgotPassword", new Dictionary<string, string> { ["Input.Email"] = email });
        Assert.Contains("un lien de réinitialisation vient d'y être envoyé", Browser.Text(await Browser.ParseAsync(sent)), StringComparison.Ordinal);

        var mail = await fixture.WithDbAsync(db => db.Outbox.Where(m => m.Recipient == email && m.Kind == "ResetPassword").SingleAsync());
        Assert.Equal("Réinitialisation de votre mot de passe", mail.Subject);
        Assert.Contains("Cora Alpha", mail.HtmlBody, StringComparison.Ordinal);
        var link = new Uri(LinkPattern().Match(mail.TextBody).Value);

        var reset = await browser.SubmitAsync(link.PathAndQuery, new Dictionary<string, string>
        {
            ["Input.Password"] = "Nouveau-Passe-2026",
            ["Input.ConfirmPassword"] = "Nouveau-Passe-2026",
        });
        Assert.Contains("Votre mot de passe a été changé", Browser.Text(await Browser.ParseAsync(reset)), StringComparison.Ordinal);

        var signIn = await new Browser(fixture.Portal.CreateClient(NoRedirects)).SignInAsync(email, "Nouveau-Passe-2026");
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        var oldPassword = await new Browser(fixture.Portal.CreateClient(NoRedirects)).SignInAsync(email);
        Assert.Equal(HttpStatusCode.OK, oldPassword.StatusCode);
        Assert.Contains("Adresse e-mail ou mot de passe incorrect.", Browser.Text(await Browser.ParseAsync(oldPassword)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_address_gets_the_same_answer_and_no_mail()
    {
        var browser = new Browser(fixture.Portal.CreateClient(NoRedirects));
        var sent = await browser.SubmitAsync("/Account/ForgotPassword", new Dictionary<string, string> { ["Input.Email"] = "nobody@nowhere.test" });
        Assert.Contains("un lien de réinitialisation vient d'y être envoyé", Browser.Text(await Browser.ParseAsync(sent)), StringComparison.Ordinal);
        Assert.False(await fixture.WithDbAsync(db => db.Outbox.AnyAsync(m => m.Recipient == "nobody@nowhere.test")));

        // A staff address asked from the customer portal is not this app's user either.
        await browser.SubmitAsync("/Account/ForgotPassword", new Dictionary<string, string> { ["Input.Email"] = "agent@staff.test" });
        Assert.False(await fixture.WithDbAsync(db => db.Outbox.AnyAsync(m => m.Recipient == "agent@staff.test")));
    }

    [Fact]
    public async Task Staff_must_set_up_two_factor_then_signs_in_with_a_code()
    {
        var email = LitigesFixture.UniqueEmail("fabien", "staff.test");
        await fixture.NewUserAsync(AppUser.NewStaff(email, "Fabien Finance"), StaffRoles.Finance);
        await using var strict = new AppFactory<BackOfficeProgram>(fixture.Database, fixture.DataFolder, new Dictionary<string, string?> { ["Security:RequireStaffTwoFactor"] = "true" });
        var browser = new Browser(strict.CreateClient(NoRedirects));
        await browser.SignInAsync(email);

        var queue = await browser.GetAsync("/Disputes");
        Assert.Equal(HttpStatusCode.Redirect, queue.StatusCode);
        Assert.Equal("/Account/Manage/EnableAuthenticator", queue.Headers.Location!.ToString());

        var setup = await browser.GetPageAsync("/Account/Manage/EnableAuthenticator");
        Assert.NotNull(setup.QuerySelector("svg"));
        var key = setup.QuerySelector("[data-testid=shared-key]")!.TextContent;
        var wrong = await browser.SubmitAsync("/Account/Manage/EnableAuthenticator", new Dictionary<string, string> { ["Input.Code"] = "000000" });
        Assert.Contains("Ce code n'est pas valide.", Browser.Text(await Browser.ParseAsync(wrong)), StringComparison.Ordinal);

        var enabled = await browser.SubmitAsync("/Account/Manage/EnableAuthenticator", new Dictionary<string, string> { ["Input.Code"] = Totp.Code(key, DateTimeOffset.UtcNow) });
        var recovery = await Browser.ParseAsync(enabled);
        Assert.Contains("La vérification en deux étapes est activée.", Browser.Text(recovery), StringComparison.Ordinal);
        Assert.Equal(10, recovery.QuerySelectorAll("ul.font-monospace li").Length);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/Disputes")).StatusCode);

        // Next time, the password alone is not enough.
        var next = new Browser(strict.CreateClient(NoRedirects));
        var password = await next.SignInAsync(email);
        Assert.StartsWith("/Account/LoginWith2fa", password.Headers.Location!.ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await next.GetAsync("/Disputes")).StatusCode);
        var code = await next.SubmitAsync(password.Headers.Location!.ToString(), new Dictionary<string, string> { ["Input.Code"] = Totp.Code(key, DateTimeOffset.UtcNow) });
        Assert.Equal(HttpStatusCode.Redirect, code.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await next.GetAsync("/Disputes")).StatusCode);
    }

    [GeneratedRegex(@"http://\S+/Account/ResetPassword\S+")]
    private static partial Regex LinkPattern();
}
