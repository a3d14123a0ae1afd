using System.Net;
using System.Text.RegularExpressions;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Litiges.Accounts;
using Litiges.Data;
using Litiges.Disputes;
using Litiges.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Litiges.IntegrationTests.BackOffice;

/// <summary>The credit manager's configuration (reason codes and SLA, departments and members, root causes) and the administrator's staff accounts.</summary>
public abstract partial class ConfigurationTests<TFixture>(TFixture fixture) : BackOfficeScenario<TFixture>(fixture), IClassFixture<TFixture>
    where TFixture : LitigesFixture
{
    [Fact]
    public async Task Credit_manager_adds_a_reason_code_that_routes_to_its_department_with_its_deadlines()
    {
        var quality = await DepartmentIdAsync(ReferenceData.Departments.Quality);
        var credit = await StaffAsync(CreditManager);
        var response = await credit.SubmitAsync("/Settings/ReasonCodes/Edit", ReasonCodeForm("EMB", quality, acknowledge: 1, firstAnswer: 5, resolve: 15, months: 3));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var code = await Fixture.WithDbAsync(db => db.ReasonCodes.AsNoTracking().SingleAsync(r => r.Code == "EMB"));
        Assert.Equal(("Emballage abîmé", "Damaged packaging"), (code.Label.Fr, code.Label.En));
        Assert.Equal(quality, code.DepartmentId);
        Assert.Equal(DisputeCategory.Operational, code.Category);
        Assert.Equal((1, 5, 15, 3), (code.Sla.AcknowledgeBusinessDays, code.Sla.FirstAnswerBusinessDays, code.Sla.ResolveBusinessDays, code.Sla.HardLimitMonths));

        // Qualifying a dispute with it routes the dispute to Quality with these deadlines.
        var id = await NewDisputeAsync(DisputeStatus.InReview);
        var agent = await StaffAsync(Agent);
        await ClickAsync(agent, await agent.GetPageAsync(Url(id)), Url(id), "Qualify", new Dictionary<string, string> { ["ReasonCode"] = "EMB" });
        var dispute = await LoadAsync(id);
        Assert.Equal((quality, 15), (dispute.DepartmentId, dispute.Sla.ResolveBusinessDays));
    }

    [Fact]
    public async Task Reason_code_form_refuses_bad_input_with_reasons()
    {
        var quality = await DepartmentIdAsync(ReferenceData.Departments.Quality);
        var credit = await StaffAsync(CreditManager);

        var decreasing = await credit.SubmitAsync("/Settings/ReasonCodes/Edit", ReasonCodeForm("DEC", quality, acknowledge: 10, firstAnswer: 5, resolve: 30, months: 2));
        Assert.Contains("Les délais doivent croître", await TextOfAsync(decreasing), StringComparison.Ordinal);

        var duplicate = await credit.SubmitAsync("/Settings/ReasonCodes/Edit", ReasonCodeForm("FAC", quality, 2, 10, 30, 2));
        Assert.Contains("Le code FAC existe déjà.", await TextOfAsync(duplicate), StringComparison.Ordinal);

        var badCode = await credit.SubmitAsync("/Settings/ReasonCodes/Edit", ReasonCodeForm("X!", quality, 2, 10, 30, 2));
        Assert.Contains("Le code compte de 2 à 8 lettres ou chiffres.", await TextOfAsync(badCode), StringComparison.Ordinal);

        var outOfRange = await credit.SubmitAsync("/Settings/ReasonCodes/Edit", ReasonCodeForm("RNG", quality, 2, 10, 30, 99));
        Assert.Contains("doit être compris entre 1 et 24", await TextOfAsync(outOfRange), StringComparison.Ordinal);

        var noLabel = ReasonCodeForm("LAB", quality, 2, 10, 30, 2);
        noLabel["Input.LabelEn"] = string.Empty;
        Assert.Contains("est obligatoire", await TextOfAsync(await credit.SubmitAsync("/Settings/ReasonCodes/Edit", noLabel)), StringComparison.Ordinal);

        Assert.False(await Fixture.WithDbAsync(db => db.ReasonCodes.AnyAsync(r => r.Code == "DEC" || r.Code == "RNG" || r.Code == "LAB")));
    }

    [Fact]
    public async Task Deactivated_reason_code_is_no_longer_offered_and_relabelling_shows_everywhere()
    {
        var sales = await DepartmentIdAsync(ReferenceData.Departments.Sales);
        var credit = await StaffAsync(CreditManager);
        await credit.SubmitAsync("/Settings/ReasonCodes/Edit", ReasonCodeForm("OLD", sales, 2, 10, 30, 2));
        var edit = ReasonCodeForm("OLD", sales, 2, 10, 30, 2);
        edit["Input.LabelFr"] = "Ancien motif";
        edit["Input.IsActive"] = "false";
        var saved = await credit.SubmitAsync("/Settings/ReasonCodes/Edit/OLD", edit);
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);

        var list = Browser.Text(await credit.GetPageAsync("/Settings/ReasonCodes"));
        Assert.Contains("Ancien motif", list, StringComparison.Ordinal);
        var id = await NewDisputeAsync(DisputeStatus.InReview);
        var page = await credit.GetPageAsync(Url(id));
        Assert.Null(page.QuerySelector("select#reasonCode option[value=OLD]"));
        var refused = await PostActAsync(credit, page, Url(id), "Qualify", new Dictionary<string, string> { ["ReasonCode"] = "OLD" });
        Assert.Contains("Le motif OLD n'est plus utilisé.", await TextOfAsync(refused), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Departments_are_added_renamed_and_given_members()
    {
        var credit = await StaffAsync(CreditManager);
        var added = await credit.SubmitAsync("/Settings/Departments", new Dictionary<string, string> { ["Input.Code"] = "legal", ["Input.NameFr"] = "Juridique", ["Input.NameEn"] = "Legal" }, "form[action*='handler=Add']");
        Assert.Equal(HttpStatusCode.Redirect, added.StatusCode);
        var legal = await DepartmentIdAsync("LEGAL");

        var page = await credit.GetPageAsync("/Settings/Departments");
        var rename = page.QuerySelector<IHtmlFormElement>($"form[action*='departmentId={legal}']")!;
        await credit.PostFormAsync(rename, "/Settings/Departments", new Dictionary<string, string> { ["Input.NameFr"] = "Service juridique", ["Input.NameEn"] = "Legal department" });
        var name = await Fixture.WithDbAsync(db => db.Departments.AsNoTracking().Where(d => d.Id == legal).Select(d => d.Name).SingleAsync());
        Assert.Equal("Service juridique", name.Fr);

        // Move the resolver into Legal: after signing in again they see Legal's disputes, not Billing's.
        var resolverId = await UserIdAsync(Resolver);
        var move = (await credit.GetPageAsync("/Settings/Departments")).QuerySelector<IHtmlFormElement>($"form[action*='userId={resolverId}']")!;
        var moved = await credit.PostFormAsync(move, "/Settings/Departments", new Dictionary<string, string> { ["departmentId"] = legal.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        Assert.Equal(HttpStatusCode.Redirect, moved.StatusCode);
        try
        {
            var billingDispute = await NewDisputeAsync(DisputeStatus.InReview, "FAC");
            var resolver = await StaffAsync(Resolver);
            Assert.Equal(HttpStatusCode.NotFound, (await resolver.GetAsync(Url(billingDispute))).StatusCode);
        }
        finally
        {
            await Fixture.WithDbAsync(async db =>
            {
                var user = await db.Users.SingleAsync(u => u.Id == resolverId);
                user.MoveToDepartment(await db.Departments.Where(d => d.Code == ReferenceData.Departments.Billing).Select(d => d.Id).SingleAsync());
                await db.SaveChangesAsync();
            });
        }
    }

    [Fact]
    public async Task Root_causes_are_added_relabelled_and_deactivated()
    {
        var credit = await StaffAsync(CreditManager);
        await credit.SubmitAsync("/Settings/RootCauses", new Dictionary<string, string> { ["Input.Code"] = "label_error", ["Input.LabelFr"] = "Étiquette erronée", ["Input.LabelEn"] = "Wrong label" }, "form[action*='handler=Add']");
        var cause = await Fixture.WithDbAsync(db => db.RootCauses.AsNoTracking().SingleAsync(r => r.Code == "LABEL_ERROR"));

        var page = await credit.GetPageAsync("/Settings/RootCauses");
        await credit.PostFormAsync(page.QuerySelector<IHtmlFormElement>($"form[action*='handler=Relabel'][action*='rootCauseId={cause.Id}']")!, "/Settings/RootCauses", new Dictionary<string, string> { ["Input.LabelFr"] = "Étiquette de colis erronée" });
        page = await credit.GetPageAsync("/Settings/RootCauses");
        await credit.PostFormAsync(page.QuerySelector<IHtmlFormElement>($"form[action*='handler=Deactivate'][action*='rootCauseId={cause.Id}']")!, "/Settings/RootCauses", new Dictionary<string, string>());

        var saved = await Fixture.WithDbAsync(db => db.RootCauses.AsNoTracking().SingleAsync(r => r.Id == cause.Id));
        Assert.Equal("Étiquette de colis erronée", saved.Label.Fr);
        Assert.False(saved.IsActive);

        // A deactivated cause is not offered at closing, and closing with it anyway is refused.
        var id = await NewDisputeAsync(DisputeStatus.Rejected);
        var file = await credit.GetPageAsync(Url(id));
        Assert.Null(file.QuerySelector($"select#rootCause option[value='{cause.Id}']"));
        var refused = await PostActAsync(credit, file, Url(id), "Close", new Dictionary<string, string> { ["RootCauseId"] = cause.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        Assert.Contains("n'est plus utilisée", await TextOfAsync(refused), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Administrator_invites_a_staff_member_who_sets_a_password_and_signs_in_with_the_roles_given()
    {
        var admin = await StaffAsync(Admin);
        var billing = await DepartmentIdAsync(ReferenceData.Departments.Billing);
        var invite = await PostStaffFormAsync(admin, "/Staff/Edit", new Dictionary<string, string>
        {
            ["Input.Email"] = "nadia@staff.test",
            ["Input.Name"] = "Nadia Nouvelle",
            ["Input.Language"] = "fr",
            ["Input.DepartmentId"] = billing.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }, StaffRoles.Resolver);
        Assert.Equal(HttpStatusCode.Redirect, invite.StatusCode);

        var mail = await Fixture.WithDbAsync(db => db.Outbox.AsNoTracking().SingleAsync(m => m.Kind == "StaffInvitation" && m.Recipient == "nadia@staff.test"));
        Assert.Contains("Adam Admin vous a ouvert un accès", mail.TextBody, StringComparison.Ordinal);
        var link = new Uri(LinkPattern().Match(mail.TextBody).Value);

        // The one-time invitation link, on the configured back-office address (not the request's).
        Assert.Equal("/Account/AcceptInvitation", link.AbsolutePath);
        Assert.Equal(new Uri(Fixture.BackOffice.Services.GetRequiredService<Litiges.Notifications.MailSettings>().PublicBackOfficeUrl).Authority, link.Authority);
        var browser = new Browser(Fixture.BackOffice.CreateClient(NoRedirects));
        var accepted = await browser.SubmitAsync(link.PathAndQuery, new Dictionary<string, string> { ["Input.Password"] = "Premier-Passe-2026", ["Input.ConfirmPassword"] = "Premier-Passe-2026" });
        Assert.Contains("Votre compte est activé", await TextOfAsync(accepted), StringComparison.Ordinal);
        Assert.NotNull((await browser.GetPageAsync(link.PathAndQuery)).QuerySelector("[data-testid=dead-link]"));

        var signIn = await browser.SignInAsync("nadia@staff.test", "Premier-Passe-2026");
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/Tasks")).StatusCode);
        Assert.True(IsAccessDenied(await browser.GetAsync("/Settings/ReasonCodes")));
    }

    [Fact]
    public async Task Administrator_changes_roles_and_deactivates_an_account()
    {
        var admin = await StaffAsync(Admin);
        var id = await UserIdAsync("locked@staff.test");

        var changed = await PostStaffFormAsync(admin, $"/Staff/Edit/{id}", new Dictionary<string, string> { ["Input.Name"] = "Lucas Locked", ["Input.Language"] = "en" }, StaffRoles.Finance, StaffRoles.Agent);
        Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);
        var roles = await Fixture.WithDbAsync(db => db.UserRoles.Where(ur => ur.UserId == id).Join(db.Roles, ur => ur.RoleId, r => r.Id, (_, r) => r.Name!).OrderBy(n => n).ToListAsync());
        Assert.Equal([StaffRoles.Agent, StaffRoles.Finance], roles);

        var page = await admin.GetPageAsync($"/Staff/Edit/{id}");
        var deactivated = await admin.PostFormAsync(page.QuerySelector<IHtmlFormElement>("form[action*='handler=Deactivate']")!, $"/Staff/Edit/{id}", new Dictionary<string, string>());
        Assert.Equal(HttpStatusCode.Redirect, deactivated.StatusCode);
        var refused = await new Browser(Fixture.BackOffice.CreateClient(NoRedirects)).SignInAsync("locked@staff.test");
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("Adresse e-mail ou mot de passe incorrect.", await TextOfAsync(refused), StringComparison.Ordinal);

        page = await admin.GetPageAsync($"/Staff/Edit/{id}");
        await admin.PostFormAsync(page.QuerySelector<IHtmlFormElement>("form[action*='handler=Reactivate']")!, $"/Staff/Edit/{id}", new Dictionary<string, string>());
        Assert.Equal(HttpStatusCode.Redirect, (await new Browser(Fixture.BackOffice.CreateClient(NoRedirects)).SignInAsync("locked@staff.test")).StatusCode);
    }

    [Fact]
    public async Task Administrator_cannot_lock_themselves_out()
    {
        var admin = await StaffAsync(Admin);
        var id = await UserIdAsync(Admin);
        var demoted = await PostStaffFormAsync(admin, $"/Staff/Edit/{id}", new Dictionary<string, string> { ["Input.Name"] = "Adam Admin", ["Input.Language"] = "fr" }, StaffRoles.Agent);
        Assert.Contains("Vous ne pouvez pas retirer votre propre rôle d'administrateur.", await TextOfAsync(demoted), StringComparison.Ordinal);

        var page = await admin.GetPageAsync($"/Staff/Edit/{id}");
        await admin.PostFormAsync(page.QuerySelector<IHtmlFormElement>("form[action*='handler=Deactivate']")!, $"/Staff/Edit/{id}", new Dictionary<string, string>());
        Assert.True(await Fixture.WithDbAsync(db => db.Users.Where(u => u.Id == id).Select(u => u.IsActive).SingleAsync()));
    }

    [Fact]
    public async Task Staff_account_needs_a_role_and_a_unique_address()
    {
        var admin = await StaffAsync(Admin);
        var noRole = await PostStaffFormAsync(admin, "/Staff/Edit", new Dictionary<string, string> { ["Input.Email"] = "norole@staff.test", ["Input.Name"] = "Sans Rôle" });
        Assert.Contains("Choisissez au moins un rôle.", await TextOfAsync(noRole), StringComparison.Ordinal);

        var taken = await PostStaffFormAsync(admin, "/Staff/Edit", new Dictionary<string, string> { ["Input.Email"] = Agent, ["Input.Name"] = "Doublon" }, StaffRoles.Agent);
        Assert.Contains("Cette adresse e-mail est déjà utilisée.", await TextOfAsync(taken), StringComparison.Ordinal);
        Assert.False(await Fixture.WithDbAsync(db => db.Users.AnyAsync(u => u.Email == "norole@staff.test")));
    }

    private static Dictionary<string, string> ReasonCodeForm(string code, int departmentId, int acknowledge, int firstAnswer, int resolve, int months) => new()
    {
        ["Input.Code"] = code,
        ["Input.LabelFr"] = "Emballage abîmé",
        ["Input.LabelEn"] = "Damaged packaging",
        ["Input.DetailsFr"] = "Colis écrasé, film déchiré",
        ["Input.DetailsEn"] = "Crushed parcel, torn film",
        ["Input.AwaitedActionFr"] = "Constat et remplacement",
        ["Input.AwaitedActionEn"] = "Report and replacement",
        ["Input.DepartmentId"] = departmentId.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Input.Category"] = nameof(DisputeCategory.Operational),
        ["Input.AcknowledgeDays"] = acknowledge.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Input.FirstAnswerDays"] = firstAnswer.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Input.ResolveDays"] = resolve.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Input.HardLimitMonths"] = months.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Input.IsActive"] = "true",
    };

    /// <summary>Posts the staff form with the roles ticked (several values of one field, which a dictionary cannot hold).</summary>
    private static async Task<HttpResponseMessage> PostStaffFormAsync(Browser browser, string url, Dictionary<string, string> fields, params string[] roles)
    {
        var page = await browser.GetPageAsync(url);
        var token = page.QuerySelector<IHtmlInputElement>("main form[method=post] input[name=__RequestVerificationToken]")!.Value;
        var values = new List<KeyValuePair<string, string>>([new("__RequestVerificationToken", token), .. fields, .. roles.Select(r => new KeyValuePair<string, string>("Input.Roles", r))]);
        return await browser.Client.PostAsync(new Uri(url, UriKind.Relative), new FormUrlEncodedContent(values));
    }

    [GeneratedRegex(@"https?://\S+")]
    private static partial Regex LinkPattern();
}

public sealed class SqliteConfigurationTests(SqliteFixture fixture) : ConfigurationTests<SqliteFixture>(fixture);

public sealed class PostgreSqlConfigurationTests(PostgreSqlFixture fixture) : ConfigurationTests<PostgreSqlFixture>(fixture);
