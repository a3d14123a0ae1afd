using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Litiges.Accounts;
using Litiges.Data;
using Litiges.Disputes;
using Litiges.Invoices;
using Litiges.Testing;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;

namespace Litiges.IntegrationTests.BackOffice;

/// <summary>
/// What the back-office tests share: staff browsers, disputes driven to any state through the
/// domain, and posting an act the way the page does (or the way a crafted request would).
/// </summary>
public abstract class BackOfficeScenario<TFixture>(TFixture fixture)
    where TFixture : LitigesFixture
{
    public const string Agent = "agent@staff.test";
    public const string Resolver = "resolver@staff.test";
    public const string CreditManager = "credit@staff.test";
    public const string Finance = "finance@staff.test";
    public const string Admin = "admin@staff.test";

    protected static readonly WebApplicationFactoryClientOptions NoRedirects = new() { AllowAutoRedirect = false };

    protected static readonly Actor SeedAgent = new("seed-agent", "Sandrine Seed", ActorRole.Agent);

    protected TFixture Fixture { get; } = fixture;

    protected Task<Browser> StaffAsync(string email) => StaffAsync(email, Fixture.BackOffice);

    /// <summary>A staff member signed in to <paramref name="app"/>, a back office configured for one test.</summary>
    protected static async Task<Browser> StaffAsync(string email, AppFactory<Litiges.BackOffice.Program> app)
    {
        var browser = new Browser(app.CreateClient(NoRedirects));
        var signIn = await browser.SignInAsync(email);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        return browser;
    }

    protected Task<string> UserIdAsync(string email) =>
        Fixture.WithDbAsync(db => db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync());

    protected Task<int> DepartmentIdAsync(string code) =>
        Fixture.WithDbAsync(db => db.Departments.Where(d => d.Code == code).Select(d => d.Id).SingleAsync());

    /// <summary>A customer of its own, so that a test can filter the queue down to its disputes.</summary>
    protected Task<int> NewCustomerAsync(string name) =>
        Fixture.WithDbAsync(async db =>
        {
            var number = "C-" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant();
            var customer = new Customers.CustomerAccount(number, name, "552100554", "FR40552100554", new Customers.PostalAddress("3 rue du Test", null, "69002", "Lyon", "France"));
            db.CustomerAccounts.Add(customer);
            await db.SaveChangesAsync();
            return customer.Id;
        });

    /// <summary>
    /// Opens a dispute on a fresh invoice (1 200,00 € incl. VAT) and drives it to <paramref name="status"/>
    /// through the domain, as an agent and the customer would.
    /// </summary>
    protected Task<int> NewDisputeAsync(
        DisputeStatus status = DisputeStatus.Submitted,
        string reasonCode = "FAC",
        decimal amount = 100m,
        int? customerAccountId = null,
        DateTimeOffset? submittedAt = null,
        Action<Dispute, DateTimeOffset>? then = null) =>
        Fixture.WithDbAsync(async db =>
        {
            var customerId = customerAccountId ?? Fixture.Data.AlphaId;
            var at = submittedAt ?? DateTimeOffset.UtcNow.AddMinutes(-30);
            var invoice = new Invoice("F-" + Guid.NewGuid().ToString("N")[..12], customerId, Litiges.Deadlines.BusinessDate.Of(at).AddDays(-10), Litiges.Deadlines.BusinessDate.Of(at).AddDays(20));
            invoice.AddLine("Palettes de granulés", 1, Math.Max(1000m, amount), 0.20m);
            db.Invoices.Add(invoice);
            await db.SaveChangesAsync();

            var reason = await db.ReasonCodes.SingleAsync(r => r.Code == reasonCode);
            var reference = await Numbering.SequenceNumbers.NextAsync(db, "LIT", at.Year);
            var customer = new Actor("seed-customer", "Client Test", ActorRole.Customer, customerId);
            var dispute = Dispute.Open(reference, customerId, reason, "Prix unitaire erroné sur les palettes", DesiredOutcome.CreditNote, [new DisputeClaim(invoice, null, amount)], DisputeSource.CustomerPortal, customer, at);
            var step = at;
            DateTimeOffset Next() => step = step.AddMinutes(1);
            if (status != DisputeStatus.Submitted && status != DisputeStatus.Withdrawn)
            {
                dispute.Acknowledge(SeedAgent, Next());
            }

            switch (status)
            {
                case DisputeStatus.AwaitingCustomer:
                    dispute.RequestInformation(SeedAgent, "Pouvez-vous joindre le bon de livraison ?", Next());
                    break;
                case DisputeStatus.SettlementProposed or DisputeStatus.Accepted or DisputeStatus.Resolved:
                    // A commercial gesture: customer service carries it out itself (a credit note is finance's to issue).
                    var gesture = new Litiges.Settlements.SettlementDraft(Litiges.Settlements.SettlementKind.CommercialGesture, "Remise de 100 € sur la prochaine commande")
                    {
                        GestureAmount = 100m,
                        GestureValidUntil = Litiges.Deadlines.BusinessDate.Of(at).AddDays(90),
                    };
                    dispute.ProposeSettlement(SeedAgent, gesture, new Litiges.Settlements.DelegationLimits(Litiges.Settlements.DelegationLimit.Defaults()), 50m, Next());
                    if (status != DisputeStatus.SettlementProposed)
                    {
                        dispute.AcceptSettlement(customer, Next());
                    }

                    if (status == DisputeStatus.Resolved)
                    {
                        dispute.CompleteSettlement(SeedAgent, Next());
                    }

                    break;
                case DisputeStatus.Rejected or DisputeStatus.Closed:
                    dispute.Reject(SeedAgent, "Prix conforme au contrat", Next());
                    if (status == DisputeStatus.Closed)
                    {
                        dispute.Close(SeedAgent, await db.RootCauses.FirstAsync(r => r.IsActive), Next());
                    }

                    break;
                case DisputeStatus.Withdrawn:
                    dispute.Withdraw(customer, "Réglé", Next());
                    break;
            }

            then?.Invoke(dispute, Next());
            db.Disputes.Add(dispute);
            await db.SaveChangesAsync();
            return dispute.Id;
        });

    protected Task<Dispute> LoadAsync(int id) =>
        Fixture.WithDbAsync(db => db.Disputes.AsNoTracking()
            .Include(d => d.History)
            .Include(d => d.Messages)
            .Include(d => d.Tasks)
            .Include(d => d.Evidence)
            .AsSplitQuery()
            .SingleAsync(d => d.Id == id));

    /// <summary>Changes the dispute behind the user's back, as a colleague would.</summary>
    protected Task ColleagueNotesAsync(int id, string note = "Vu avec le commercial") =>
        Fixture.WithDbAsync(async db =>
        {
            var dispute = await db.Disputes.SingleAsync(d => d.Id == id);
            dispute.AddInternalNote(new Actor("colleague", "Colette Collègue", ActorRole.CreditManager), note, DateTimeOffset.UtcNow);
            await db.SaveChangesAsync();
        });

    protected static string Url(int id) => $"/Disputes/Details/{id}";

    protected static string SettlementUrl(int id) => $"/Disputes/Details/{id}/Settlement";

    protected static string TasksUrl(int id) => $"/Disputes/Details/{id}/Tasks";

    /// <summary>The section of the dispute's workspace that offers <paramref name="act"/>: settlement and tasks have pages of their own.</summary>
    protected static string UrlOf(string act, int id) => act switch
    {
        "Propose" or "ApproveSettlement" or "RefuseSettlement" or "CompleteSettlement" or "IssueCreditNotes" => SettlementUrl(id),
        "OpenTask" or "CompleteTask" or "CancelTask" => TasksUrl(id),
        _ => Url(id),
    };

    /// <summary>The form of the page that posts to <paramref name="handler"/> (by its action or one of its buttons), or null.</summary>
    protected static IHtmlFormElement? FormFor(IDocument page, string handler) =>
        page.QuerySelectorAll<IHtmlFormElement>("main form[method=post]").FirstOrDefault(f =>
            Handler(f.GetAttribute("action")) == handler
            || f.QuerySelectorAll("button[formaction]").Any(b => Handler(b.GetAttribute("formaction")) == handler));

    /// <summary>Posts an act as the page offers it: fails if the page has no form for it.</summary>
    protected static async Task<HttpResponseMessage> ClickAsync(Browser browser, IDocument page, string url, string handler, IReadOnlyDictionary<string, string>? fields = null)
    {
        var form = FormFor(page, handler) ?? throw new InvalidOperationException($"The page offers no '{handler}'.");
        return await browser.PostFormAsync(form, url, fields ?? new Dictionary<string, string>(), handler);
    }

    /// <summary>
    /// Posts an act whether or not the page offers it, with the page's antiforgery token and the
    /// version it showed: what a crafted request, or a page left open, would send.
    /// </summary>
    protected static async Task<HttpResponseMessage> PostActAsync(Browser browser, IDocument page, string url, string handler, IReadOnlyDictionary<string, string>? fields = null)
    {
        var form = page.QuerySelectorAll<IHtmlFormElement>("main form[method=post]").First();
        var values = form.QuerySelectorAll<IHtmlInputElement>("input[type=hidden]")
            .Where(i => i.Name is "__RequestVerificationToken" or "Version" or "Seen")
            .ToDictionary(i => i.Name!, i => i.Value);
        foreach (var (name, value) in fields ?? new Dictionary<string, string>())
        {
            values[name] = value;
        }

        var separator = url.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        return await browser.Client.PostAsync(new Uri($"{url}{separator}handler={handler}", UriKind.Relative), new FormUrlEncodedContent(values));
    }

    protected static async Task<string> TextOfAsync(HttpResponseMessage response) => Browser.Text(await Browser.ParseAsync(response));

    protected static bool IsAccessDenied(HttpResponseMessage response) =>
        response.StatusCode == HttpStatusCode.Forbidden
        || (response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location!.ToString().Contains("/Account/AccessDenied", StringComparison.Ordinal));

    private static string? Handler(string? action)
    {
        if (action is null)
        {
            return null;
        }

        var query = action.Split('?').Skip(1).FirstOrDefault() ?? string.Empty;
        return WebUtility.HtmlDecode(query).Split('&').Select(p => p.Split('=')).Where(p => p[0] == "handler").Select(p => p[1]).FirstOrDefault();
    }
}
