using System.Net;
using System.Text.Json;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Litiges.Accounts;
using Litiges.Audit;
using Litiges.Disputes;
using Litiges.IntegrationTests.Portal;
using Litiges.Testing;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Litiges.IntegrationTests.Security;

/// <summary>
/// The audit log records staff sign-ins, role changes and API-key changes made through the pages;
/// a customer downloads their personal data; an administrator anonymises a user, and the dispute
/// history (with its hash chain) and the credit notes stay as they were.
/// </summary>
public abstract class AuditAndPrivacyTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : LitigesFixture
{
    private static readonly WebApplicationFactoryClientOptions NoRedirects = new() { AllowAutoRedirect = false };
    private const string InvalidSignIn = "Adresse e-mail ou mot de passe incorrect.";

    [Fact]
    public async Task Staff_sign_ins_role_changes_and_api_keys_are_listed_on_the_audit_page()
    {
        var email = $"audit-{Guid.NewGuid():N}"[..14] + "@staff.test";
        var subjectId = await NewUserAsync(AppUser.NewStaff(email, "Sujet Audit"), StaffRoles.Agent);
        var failed = new Browser(fixture.BackOffice.CreateClient(NoRedirects));
        var refusedSignIn = await failed.SignInAsync(email, "wrong-password");
        Assert.Equal(HttpStatusCode.OK, refusedSignIn.StatusCode);
        Assert.Contains(InvalidSignIn, Browser.Text(await Browser.ParseAsync(refusedSignIn)), StringComparison.Ordinal);
        var customer = new Browser(fixture.Portal.CreateClient(NoRedirects));
        Assert.Equal(HttpStatusCode.Redirect, (await customer.SignInAsync("carol@alpha.test")).StatusCode);

        var admin = await StaffAsync("admin@staff.test");
        var edit = await admin.GetPageAsync($"/Staff/Edit/{subjectId}");
        var form = edit.QuerySelectorAll<IHtmlFormElement>("main form[method=post]").First(f => f.QuerySelector("input[name='Input.Roles']") is not null);
        foreach (var box in form.QuerySelectorAll<IHtmlInputElement>("input[name='Input.Roles']"))
        {
            box.IsChecked = box.Value == StaffRoles.Finance;
        }

        Assert.Equal(HttpStatusCode.Redirect, (await admin.PostFormAsync(form, $"/Staff/Edit/{subjectId}", new Dictionary<string, string>())).StatusCode);
        var clientName = "Audit ERP " + Guid.NewGuid().ToString("N")[..6];
        var created = await admin.SubmitAsync("/Integration", new Dictionary<string, string> { ["Input.Name"] = clientName, ["Input.Read"] = "true" }, "main form[method=post]:has(input[name='Input.Name'])");
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var clientId = await fixture.WithDbAsync(db => db.ApiClients.Where(c => c.Name == clientName).Select(c => c.Id).SingleAsync());
        var revokeForm = (await admin.GetPageAsync("/Integration")).QuerySelectorAll<IHtmlFormElement>("form[method=post]").First(f => (f.GetAttribute("action") ?? string.Empty).Contains($"clientId={clientId}", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Redirect, (await admin.PostFormAsync(revokeForm, "/Integration", new Dictionary<string, string>())).StatusCode);

        var page = await admin.GetPageAsync("/Staff/Audit");
        var rows = page.QuerySelectorAll("#audit-log tbody tr").Select(r => (Action: r.GetAttribute("data-action"), Cells: r.QuerySelectorAll("td").Select(c => c.TextContent.Trim()).ToArray())).ToList();
        Assert.Contains(rows, r => r.Action == nameof(AuditAction.SignInFailed) && r.Cells[3] == email && r.Cells[1] == "Connexion refusée");
        Assert.Contains(rows, r => r.Action == nameof(AuditAction.SignedIn) && r.Cells[2] == "Adam Admin" && r.Cells[3] == "admin@staff.test");
        Assert.Contains(rows, r => r.Action == nameof(AuditAction.RoleGranted) && r.Cells[2] == "Adam Admin" && r.Cells[3] == email && r.Cells[4] == StaffRoles.Finance);
        Assert.Contains(rows, r => r.Action == nameof(AuditAction.RoleRemoved) && r.Cells[2] == "Adam Admin" && r.Cells[3] == email && r.Cells[4] == StaffRoles.Agent);
        Assert.Contains(rows, r => r.Action == nameof(AuditAction.ApiKeyCreated) && r.Cells[3] == clientName && r.Cells[4].EndsWith("(Read)", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.Action == nameof(AuditAction.ApiKeyRevoked) && r.Cells[2] == "Adam Admin" && r.Cells[3] == clientName);

        // Customers' sign-ins are not staff sign-ins.
        Assert.DoesNotContain(rows, r => r.Cells[3] == "carol@alpha.test");

        var filtered = await admin.GetPageAsync("/Staff/Audit?Action=RoleRemoved");
        Assert.All(filtered.QuerySelectorAll("#audit-log tbody tr"), r => Assert.Equal(nameof(AuditAction.RoleRemoved), r.GetAttribute("data-action")));
    }

    [Fact]
    public async Task A_customer_downloads_the_personal_data_held_about_them()
    {
        var (disputeId, reference, _) = await TestData.NewDisputeAsync(fixture, fixture.Data.AlphaId);
        var carol = await PortalBrowser.SignInAsync(fixture.Portal, "carol@alpha.test");
        var url = $"/Disputes/Details/{disputeId}";
        var text = "Voici le bon signé " + Guid.NewGuid().ToString("N")[..6];
        Assert.Equal(HttpStatusCode.Redirect, (await carol.SubmitAsync(PortalBrowser.Form(await carol.GetPageAsync(url), "Reply"), url, new Dictionary<string, string?> { ["Input.Text"] = text })).StatusCode);

        var page = await carol.GetPageAsync("/Account/Manage/PersonalData");
        var link = page.QuerySelector<IHtmlAnchorElement>("main a[download]")!.GetAttribute("href")!;
        var download = await carol.GetAsync(link);

        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("application/json", download.Content.Headers.ContentType!.MediaType);
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition!.DispositionType);
        var json = JsonDocument.Parse(await download.Content.ReadAsStringAsync()).RootElement;
        var account = json.GetProperty("account");
        Assert.Equal("carol@alpha.test", account.GetProperty("email").GetString());
        Assert.Equal("Carol Alpha", account.GetProperty("displayName").GetString());
        Assert.Equal("Alpha Industries", account.GetProperty("company").GetProperty("legalName").GetString());
        Assert.Contains(json.GetProperty("messages").EnumerateArray(), m => m.GetProperty("text").GetString() == text && m.GetProperty("dispute").GetString() == reference);
        Assert.Contains(json.GetProperty("disputeActs").EnumerateArray(), a => a.GetProperty("dispute").GetString() == reference);

        // Only her own: nothing of her colleague's account, no password hash or security stamp.
        var raw = json.GetRawText();
        Assert.DoesNotContain("alice@alpha.test", raw, StringComparison.Ordinal);
        Assert.DoesNotContain("passwordHash", raw, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("securityStamp", raw, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task An_administrator_anonymises_a_customer_and_the_legal_records_stay_intact()
    {
        var email = $"erin-{Guid.NewGuid():N}"[..14] + "@alpha.test";
        var erinId = await NewUserAsync(AppUser.NewCustomer(email, "Erin Éphémère", fixture.Data.AlphaId, isAdmin: false));
        var (disputeId, _, _) = await TestData.NewDisputeAsync(fixture, fixture.Data.AlphaId);
        var erin = await PortalBrowser.SignInAsync(fixture.Portal, email);
        var url = $"/Disputes/Details/{disputeId}";
        Assert.Equal(HttpStatusCode.Redirect, (await erin.SubmitAsync(PortalBrowser.Form(await erin.GetPageAsync(url), "Reply"), url, new Dictionary<string, string?> { ["Input.Text"] = "Réponse d'Erin" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await erin.ScriptUploadAsync(await erin.GetPageAsync(url), $"{url}?handler=Upload", TestData.Pdf("erin.pdf"))).StatusCode);
        var historyBefore = await HistoryAsync(disputeId);
        Assert.Contains(historyBefore, h => h.ActorUserId == erinId);
        var creditNotesBefore = await fixture.WithDbAsync(db => db.CreditNotes.AsNoTracking().OrderBy(c => c.Id).Select(c => c.Number + c.PdfSha256 + c.XmlSha256).ToListAsync());

        var admin = await StaffAsync("admin@staff.test");
        var found = await admin.GetPageAsync($"/Staff/Privacy?email={Uri.EscapeDataString(email)}");
        Assert.Contains("Erin Éphémère", found.QuerySelector("#found-user")!.TextContent, StringComparison.Ordinal);
        var form = found.QuerySelector<IHtmlFormElement>("#found-user form[method=post]")!;

        // A wrong confirmation changes nothing.
        var refused = await admin.PostFormAsync(form, "/Staff/Privacy", new Dictionary<string, string> { ["Input.ConfirmEmail"] = "someone@else.test" });
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("L'e-mail saisi n'est pas celui de l'utilisateur.", Browser.Text(await Browser.ParseAsync(refused)), StringComparison.Ordinal);
        Assert.Null(await fixture.WithDbAsync(db => db.Users.Where(u => u.Id == erinId).Select(u => u.AnonymisedAt).SingleAsync()));

        var done = await admin.PostFormAsync(form, "/Staff/Privacy", new Dictionary<string, string> { ["Input.ConfirmEmail"] = email });
        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);

        var label = AppUser.AnonymousLabel(erinId);
        var user = await fixture.WithDbAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.Id == erinId));
        Assert.NotNull(user.AnonymisedAt);
        Assert.Equal(label, user.DisplayName);
        Assert.DoesNotContain("erin", user.Email!, StringComparison.OrdinalIgnoreCase);
        Assert.Null(user.PasswordHash);
        Assert.False(user.IsActive);
        var normalized = email.ToUpperInvariant();
        Assert.False(await fixture.WithDbAsync(db => db.Users.AnyAsync(u => u.NormalizedEmail == normalized)));

        // The name is gone from messages and files; the history is the legal record: unchanged, and its chain verifies.
        Assert.All(await fixture.WithDbAsync(db => db.DisputeMessages.Where(m => m.AuthorUserId == erinId).Select(m => m.AuthorName).ToListAsync()), name => Assert.Equal(label, name));
        Assert.All(await fixture.WithDbAsync(db => db.Evidence.Where(e => e.UploadedByUserId == erinId).Select(e => e.UploadedByName).ToListAsync()), name => Assert.Equal(label, name));
        var historyAfter = await HistoryAsync(disputeId);
        Assert.Equal(historyBefore.Select(h => h.Hash), historyAfter.Select(h => h.Hash));
        Assert.Null(await fixture.WithDbAsync(async db => (await db.Disputes.Include(d => d.History).SingleAsync(d => d.Id == disputeId)).FirstBrokenHistoryEntry()));
        Assert.Equal(creditNotesBefore, await fixture.WithDbAsync(db => db.CreditNotes.AsNoTracking().OrderBy(c => c.Id).Select(c => c.Number + c.PdfSha256 + c.XmlSha256).ToListAsync()));

        // Erin can no longer sign in; the act is in the audit log under her new name only.
        var again = await new Browser(fixture.Portal.CreateClient(NoRedirects)).SignInAsync(email);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Contains(InvalidSignIn, Browser.Text(await Browser.ParseAsync(again)), StringComparison.Ordinal);
        var audit = await fixture.WithDbAsync(db => db.AuditLog.AsNoTracking().Where(a => a.SubjectUserId == erinId).ToListAsync());
        Assert.Contains(audit, a => a.Action == AuditAction.UserAnonymised && a.ActorName == "Adam Admin" && a.Subject == label);
        Assert.DoesNotContain(audit, a => a.Subject.Contains("erin", StringComparison.OrdinalIgnoreCase));

        // A second time is refused politely.
        var twice = await admin.PostFormAsync(form, "/Staff/Privacy", new Dictionary<string, string> { ["Input.ConfirmEmail"] = user.Email! });
        Assert.Equal(HttpStatusCode.Redirect, twice.StatusCode);
        var told = Browser.Text(await admin.GetPageAsync(twice.Headers.Location!.ToString()));
        Assert.Contains($"Cet utilisateur était déjà anonymisé ({label}).", told, StringComparison.Ordinal);
        Assert.Equal(user.AnonymisedAt, await fixture.WithDbAsync(db => db.Users.Where(u => u.Id == erinId).Select(u => u.AnonymisedAt).SingleAsync()));
    }

    [Fact]
    public async Task An_administrator_cannot_anonymise_their_own_account()
    {
        var admin = await StaffAsync("admin@staff.test");
        var found = await admin.GetPageAsync("/Staff/Privacy?email=admin@staff.test");
        var form = found.QuerySelector<IHtmlFormElement>("#found-user form[method=post]")!;

        var refused = await admin.PostFormAsync(form, "/Staff/Privacy", new Dictionary<string, string> { ["Input.ConfirmEmail"] = "admin@staff.test" });

        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        var told = Browser.Text(await admin.GetPageAsync(refused.Headers.Location!.ToString()));
        Assert.Contains("Vous ne pouvez pas anonymiser votre propre compte.", told, StringComparison.Ordinal);
        Assert.Null(await fixture.WithDbAsync(db => db.Users.Where(u => u.Email == "admin@staff.test").Select(u => u.AnonymisedAt).SingleAsync()));
    }

    private async Task<Browser> StaffAsync(string email)
    {
        var browser = new Browser(fixture.BackOffice.CreateClient(NoRedirects));
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SignInAsync(email)).StatusCode);
        return browser;
    }

    private Task<List<DisputeHistoryEntry>> HistoryAsync(int disputeId) =>
        fixture.WithDbAsync(db => db.DisputeHistory.AsNoTracking().Where(h => h.DisputeId == disputeId).OrderBy(h => h.Sequence).ToListAsync());

    private async Task<string> NewUserAsync(AppUser user, string? role = null)
    {
        using var scope = fixture.BackOffice.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        user.EmailConfirmed = true;
        var result = await users.CreateAsync(user, LitigesFixture.Password);
        Assert.True(result.Succeeded, string.Join("; ", result.Errors.Select(e => e.Description)));
        if (role is not null)
        {
            await users.AddToRoleAsync(user, role);
        }

        return user.Id;
    }
}

public sealed class SqliteAuditAndPrivacyTests(SqliteFixture fixture) : AuditAndPrivacyTests<SqliteFixture>(fixture);

public sealed class PostgreSqlAuditAndPrivacyTests(PostgreSqlFixture fixture) : AuditAndPrivacyTests<PostgreSqlFixture>(fixture);
