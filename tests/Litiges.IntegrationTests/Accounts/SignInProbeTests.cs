using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Litiges.Accounts;
using Litiges.Testing;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using BackOfficeProgram = Litiges.BackOffice.Program;
using PortalProgram = Litiges.CustomerPortal.Program;

namespace Litiges.IntegrationTests.Accounts;

/// <summary>
/// What an outside probe learns from the sign-in pages about an address: nothing. Unknown, of the
/// other app, not yet set up, or locked, each costs one password-hash check like a real account
/// (counted, not timed), and a locked account's answer is, byte for byte, a wrong password's; the
/// owner learns of the lock by e-mail, once, with the time it ends. The same holds for the second
/// factor, and forgot-password answers every address alike.
/// </summary>
public sealed partial class SignInProbeTests(SqliteFixture fixture) : IClassFixture<SqliteFixture>
{
    private static readonly WebApplicationFactoryClientOptions NoRedirects = new() { AllowAutoRedirect = false };

    [Fact]
    public async Task Every_kind_of_address_costs_one_hash_check_and_a_locked_account_answers_like_an_unknown_one()
    {
        var counter = new HashChecks();
        await using var portal = new AppFactory<PortalProgram>(fixture.Database, fixture.DataFolder);
        var app = Counting(portal, counter);
        var locked = "locked-" + Guid.NewGuid().ToString("N")[..6] + "@alpha.test";
        var invited = "invited-" + Guid.NewGuid().ToString("N")[..6] + "@alpha.test";
        await CreateCustomerAsync(locked, LitigesFixture.Password);
        await CreateCustomerAsync(invited, password: null);

        async Task<(HttpResponseMessage Response, int Checks)> TryAsync(string email, string password)
        {
            var browser = new Browser(app.CreateClient(NoRedirects));
            await browser.GetAsync("/Account/Login");
            var before = counter.Count;
            var response = await browser.SignInAsync(email, password);
            return (response, counter.Count - before);
        }

        var unknown = await TryAsync("nobody@nowhere.test", "Wrong-Password-2026");
        Assert.Equal(1, unknown.Checks);
        Assert.Equal(HttpStatusCode.OK, unknown.Response.StatusCode);
        var unknownPage = await NormalisedAsync(unknown.Response, "nobody@nowhere.test");
        Assert.Contains("Adresse e-mail ou mot de passe incorrect.", unknownPage, StringComparison.Ordinal);

        foreach (var (email, password) in new[] { ("agent@staff.test", LitigesFixture.Password), (invited, "Wrong-Password-2026"), ("alice@alpha.test", "Wrong-Password-2026") })
        {
            var attempt = await TryAsync(email, password);
            Assert.Equal(1, attempt.Checks);
            Assert.Equal(unknownPage, await NormalisedAsync(attempt.Response, email));
        }

        // Five wrong passwords lock the account; each was one hash check with the same answer.
        for (var i = 0; i < 5; i++)
        {
            var attempt = await TryAsync(locked, "Wrong-Password-" + i);
            Assert.Equal(1, attempt.Checks);
            Assert.Equal(unknownPage, await NormalisedAsync(attempt.Response, locked));
        }

        var lockedOut = await TryAsync(locked, LitigesFixture.Password);
        Assert.Equal(1, lockedOut.Checks);
        Assert.Equal(HttpStatusCode.OK, lockedOut.Response.StatusCode);
        Assert.Equal(unknownPage, await NormalisedAsync(lockedOut.Response, locked));
        Assert.False(lockedOut.Response.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith(".Litiges.Portal=", StringComparison.Ordinal)));

        // The owner is told once, in their language, until when.
        var mails = await fixture.WithDbAsync(db => db.Outbox.Where(m => m.Recipient == locked && m.Kind == "AccountLocked").ToListAsync());
        var mail = Assert.Single(mails);
        Assert.Equal("Votre compte est verrouillé temporairement", mail.Subject);
        var end = await fixture.WithDbAsync(db => db.Users.Where(u => u.Email == locked).Select(u => u.LockoutEnd).SingleAsync());
        var paris = TimeZoneInfo.ConvertTime(end!.Value, Deadlines.FrenchBusinessCalendar.Instance.TimeZone).ToString("g", CultureInfo.GetCultureInfo("fr-FR"));
        Assert.Contains(paris, mail.TextBody, StringComparison.Ordinal);
        Assert.Contains("http://localhost:5080/Account/ForgotPassword", mail.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_second_factor_locked_out_reads_as_a_wrong_code_and_the_owner_is_told()
    {
        var email = "twofactor-" + Guid.NewGuid().ToString("N")[..6] + "@staff.test";
        var key = await CreateStaffWithAuthenticatorAsync(email);
        var browser = new Browser(fixture.BackOffice.CreateClient(NoRedirects));
        var password = await browser.SignInAsync(email);
        var codePage = password.Headers.Location!.ToString();
        Assert.StartsWith("/Account/LoginWith2fa", codePage, StringComparison.Ordinal);

        var valid = Enumerable.Range(-4, 9).Select(step => Totp.Code(key, DateTimeOffset.UtcNow.AddSeconds(30 * step))).ToHashSet();
        var wrong = Enumerable.Range(0, 1_000_000).Select(n => n.ToString("D6", CultureInfo.InvariantCulture)).First(code => !valid.Contains(code));
        string? wrongPage = null;
        for (var i = 0; i < 5; i++)
        {
            var response = await browser.SubmitAsync(codePage, new Dictionary<string, string> { ["Input.Code"] = wrong });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("Ce code n'est pas valide.", Browser.Text(await Browser.ParseAsync(response)), StringComparison.Ordinal);
            wrongPage ??= await NormalisedAsync(response, wrong);
            Assert.Equal(wrongPage, await NormalisedAsync(response, wrong));
        }

        var right = Totp.Code(key, DateTimeOffset.UtcNow);
        var locked = await browser.SubmitAsync(codePage, new Dictionary<string, string> { ["Input.Code"] = right });
        Assert.Equal(HttpStatusCode.OK, locked.StatusCode);
        Assert.Equal(wrongPage, await NormalisedAsync(locked, right));
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/Disputes")).StatusCode);
        Assert.Equal(1, await fixture.WithDbAsync(db => db.Outbox.CountAsync(m => m.Recipient == email && m.Kind == "AccountLocked")));
    }

    [Fact]
    public async Task Forgot_password_answers_every_address_alike()
    {
        var deactivated = "gone-" + Guid.NewGuid().ToString("N")[..6] + "@alpha.test";
        await CreateCustomerAsync(deactivated, LitigesFixture.Password, active: false);
        string? first = null;
        foreach (var email in new[] { "carol@alpha.test", "nobody@nowhere.test", "agent@staff.test", deactivated })
        {
            var browser = new Browser(fixture.Portal.CreateClient(NoRedirects));
            var response = await browser.SubmitAsync("/Account/ForgotPassword", new Dictionary<string, string> { ["Input.Email"] = email });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var page = await NormalisedAsync(response, email);
            first ??= page;
            Assert.Equal(first, page);
        }
    }

    /// <summary>The page as text, without what differs by design: the antiforgery token and what the visitor typed.</summary>
    private static async Task<string> NormalisedAsync(HttpResponseMessage response, string typed)
    {
        var html = await response.Content.ReadAsStringAsync();
        html = Token().Replace(html, "<input name=\"__RequestVerificationToken\" />");
        return html.Replace(typed, "TYPED", StringComparison.Ordinal);
    }

    private static WebApplicationFactory<PortalProgram> Counting(AppFactory<PortalProgram> app, HashChecks counter) =>
        app.WithWebHostBuilder(builder => builder.ConfigureTestServices(services =>
            services.AddScoped<IPasswordHasher<AppUser>>(provider =>
                new CountingHasher(new PasswordHasher<AppUser>(provider.GetRequiredService<IOptions<PasswordHasherOptions>>()), counter))));

    private async Task CreateCustomerAsync(string email, string? password, bool active = true)
    {
        using var scope = fixture.BackOffice.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = AppUser.NewCustomer(email, "Probe Target", fixture.Data.AlphaId, isAdmin: false);
        user.EmailConfirmed = password is not null;
        if (!active)
        {
            user.Deactivate();
        }

        var created = password is null ? await users.CreateAsync(user) : await users.CreateAsync(user, password);
        Assert.True(created.Succeeded);
    }

    private async Task<string> CreateStaffWithAuthenticatorAsync(string email)
    {
        using var scope = fixture.BackOffice.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = AppUser.NewStaff(email, "Two Factor");
        user.EmailConfirmed = true;
        Assert.True((await users.CreateAsync(user, LitigesFixture.Password)).Succeeded);
        await users.AddToRoleAsync(user, StaffRoles.Agent);
        await users.ResetAuthenticatorKeyAsync(user);
        await users.SetTwoFactorEnabledAsync(user, true);
        return (await users.GetAuthenticatorKeyAsync(user))!;
    }

    [GeneratedRegex("<input[^>]*name=\"__RequestVerificationToken\"[^>]*>")]
    private static partial Regex Token();

    private sealed class HashChecks
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public void Add() => Interlocked.Increment(ref _count);
    }

    /// <summary>The apps' hasher, counting each password check.</summary>
    private sealed class CountingHasher(IPasswordHasher<AppUser> inner, HashChecks counter) : IPasswordHasher<AppUser>
    {
        public string HashPassword(AppUser user, string password) => inner.HashPassword(user, password);

        public PasswordVerificationResult VerifyHashedPassword(AppUser user, string hashedPassword, string providedPassword)
        {
            counter.Add();
            return inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
        }
    }
}
