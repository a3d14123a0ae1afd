using System.Globalization;
using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Litiges.Data;
using Litiges.Disputes;
using Litiges.Invoices;
using Litiges.Testing;
using Microsoft.EntityFrameworkCore;

namespace Litiges.IntegrationTests.BackOffice;

/// <summary>The queue: filters, counts, three sorts paged by keyset, "my disputes", and assigning several disputes at once.</summary>
public abstract class QueueTests<TFixture>(TFixture fixture) : BackOfficeScenario<TFixture>(fixture), IClassFixture<TFixture>
    where TFixture : LitigesFixture
{
    [Fact]
    public async Task Each_filter_narrows_the_queue()
    {
        var name = "Filtres " + Guid.NewGuid().ToString("N")[..6];
        var customer = await NewCustomerAsync(name);
        var agentId = await UserIdAsync(Agent);
        var creditId = await UserIdAsync(CreditManager);
        var quality = await DepartmentIdAsync(ReferenceData.Departments.Quality);
        var submitted = await NewDisputeAsync(DisputeStatus.Submitted, "FAC", 100m, customer);
        var delivery = await NewDisputeAsync(DisputeStatus.InReview, "LIV", 500m, customer, then: (d, at) => d.AssignOwner(SeedAgent, agentId, "Agnès Agent", at));
        var defect = await NewDisputeAsync(DisputeStatus.InReview, "QUA", 2500m, customer, then: (d, at) => d.AssignOwner(SeedAgent, creditId, "Claire Crédit", at));
        var rejected = await NewDisputeAsync(DisputeStatus.Rejected, "FAC", 300m, customer);
        var late = await NewDisputeAsync(DisputeStatus.Submitted, "FAC", 150m, customer, DateTimeOffset.UtcNow.AddDays(-20), (d, _) => d.AddInternalNote(SeedAgent, "Relancé", DateTimeOffset.UtcNow));
        var agent = await StaffAsync(Agent);
        var all = "/Disputes?sort=Age&customer=" + Uri.EscapeDataString(name);

        Assert.Equal(Refs(late, submitted, delivery, defect), await RowsAsync(agent, all));
        Assert.Equal(Refs(rejected), await RowsAsync(agent, all + "&status=Rejected"));
        Assert.Equal(Refs(delivery), await RowsAsync(agent, all + "&reason=LIV"));
        Assert.Equal(Refs(defect), await RowsAsync(agent, all + "&department=" + quality));
        Assert.Equal(Refs(delivery), await RowsAsync(agent, all + "&owner=" + agentId));
        Assert.Equal(Refs(late, submitted), await RowsAsync(agent, all + "&owner=none"));
        Assert.Equal(Refs(delivery), await RowsAsync(agent, all + "&minAmount=400&maxAmount=1000"));
        Assert.Equal(Refs(late), await RowsAsync(agent, all + "&deadline=Breached"));
        Assert.Equal(Refs(submitted, delivery, defect), await RowsAsync(agent, all + "&deadline=OnTime"));
        Assert.Equal(Refs(delivery), await RowsAsync(agent, all + "&mine=true"));
        Assert.Empty(await RowsAsync(agent, "/Disputes?customer=" + Uri.EscapeDataString("Nobody " + name)));

        IReadOnlyList<int> Refs(params int[] ids) => ids;
    }

    [Fact]
    public async Task Default_sort_puts_the_nearest_deadline_first()
    {
        var name = "Urgence " + Guid.NewGuid().ToString("N")[..6];
        var customer = await NewCustomerAsync(name);
        var recent = await NewDisputeAsync(DisputeStatus.Submitted, customerAccountId: customer);
        var late = await NewDisputeAsync(DisputeStatus.Submitted, customerAccountId: customer, submittedAt: DateTimeOffset.UtcNow.AddDays(-20), then: (d, _) => d.AddInternalNote(SeedAgent, "Relancé", DateTimeOffset.UtcNow));
        var agent = await StaffAsync(Agent);

        Assert.Equal([late, recent], await RowsAsync(agent, "/Disputes?customer=" + Uri.EscapeDataString(name)));
    }

    [Theory]
    [InlineData("MinAmount=abc&MaxAmount=1e999")]
    [InlineData("Status=Nope&Deadline=Soon&Sort=Sideways")]
    [InlineData("After=!!!not-a-cursor&Department=x&Mine=maybe")]
    public async Task Malformed_filters_are_a_page_or_a_clear_refusal_never_a_server_error(string query)
    {
        var agent = await StaffAsync(Agent);
        var status = (await agent.GetAsync("/Disputes?" + query)).StatusCode;
        Assert.True(status is HttpStatusCode.OK or HttpStatusCode.BadRequest, $"/Disputes?{query} answered {(int)status}.");
    }

    [Fact]
    public async Task Counts_per_status_follow_the_other_filters()
    {
        var name = "Comptes " + Guid.NewGuid().ToString("N")[..6];
        var customer = await NewCustomerAsync(name);
        await NewDisputeAsync(DisputeStatus.Submitted, customerAccountId: customer);
        await NewDisputeAsync(DisputeStatus.Submitted, customerAccountId: customer);
        await NewDisputeAsync(DisputeStatus.InReview, customerAccountId: customer);
        await NewDisputeAsync(DisputeStatus.Closed, customerAccountId: customer);
        var agent = await StaffAsync(Agent);

        var page = await agent.GetPageAsync("/Disputes?customer=" + Uri.EscapeDataString(name));

        int Count(string status) => int.Parse(page.QuerySelector($"a[data-status={status}] .badge")!.TextContent, CultureInfo.InvariantCulture);
        Assert.Equal(2, Count("Submitted"));
        Assert.Equal(1, Count("InReview"));
        Assert.Equal(1, Count("Closed"));
        Assert.Equal(0, Count("Rejected"));
        Assert.Equal(3, Count("open"));
    }

    [Theory]
    [InlineData("Deadline")]
    [InlineData("Amount")]
    [InlineData("Age")]
    public async Task Each_sort_pages_through_every_row_once_and_in_order(string sort)
    {
        var name = "Pages " + sort + " " + Guid.NewGuid().ToString("N")[..6];
        var customer = await NewCustomerAsync(name);
        var ids = await ManyDisputesAsync(customer, 123);
        var agent = await StaffAsync(Agent);

        var seen = new List<int>();
        var url = $"/Disputes?customer={Uri.EscapeDataString(name)}&sort={sort}";
        var pages = 0;
        while (url is not null)
        {
            var page = await agent.GetPageAsync(url);
            seen.AddRange(Ids(page));
            url = page.QuerySelector<IHtmlAnchorElement>("a[rel=next]")?.GetAttribute("href");
            pages++;
        }

        Assert.Equal(3, pages);
        var disputes = await Fixture.WithDbAsync(db => db.Disputes.AsNoTracking().Where(d => d.CustomerAccountId == customer).ToListAsync());
        var expected = sort switch
        {
            "Deadline" => disputes.OrderBy(d => d.NextDeadlineAt).ThenBy(d => d.Id),
            "Amount" => disputes.OrderByDescending(d => d.DisputedAmount).ThenByDescending(d => d.Id),
            _ => disputes.OrderBy(d => d.SubmittedAt).ThenBy(d => d.Id),
        };
        Assert.Equal(expected.Select(d => d.Id), seen);
        Assert.Equal(ids.Order(), seen.Order());
    }

    [Fact]
    public async Task Deadline_sort_of_ended_disputes_falls_back_to_age()
    {
        var name = "Clos " + Guid.NewGuid().ToString("N")[..6];
        var customer = await NewCustomerAsync(name);
        var recent = await NewDisputeAsync(DisputeStatus.Closed, customerAccountId: customer, submittedAt: DateTimeOffset.UtcNow.AddDays(-2));
        var oldest = await NewDisputeAsync(DisputeStatus.Closed, customerAccountId: customer, submittedAt: DateTimeOffset.UtcNow.AddDays(-30));
        var middle = await NewDisputeAsync(DisputeStatus.Closed, customerAccountId: customer, submittedAt: DateTimeOffset.UtcNow.AddDays(-10));
        var agent = await StaffAsync(Agent);

        // No deadline runs on an ended dispute: by deadline they would all drop out; they come oldest first instead.
        Assert.Equal([oldest, middle, recent], await RowsAsync(agent, "/Disputes?status=Closed&sort=Deadline&customer=" + Uri.EscapeDataString(name)));
    }

    [Fact]
    public async Task Bulk_assignment_assigns_each_row_and_reports_each_refusal()
    {
        var name = "Lot " + Guid.NewGuid().ToString("N")[..6];
        var customer = await NewCustomerAsync(name);
        var fresh = await NewDisputeAsync(DisputeStatus.Submitted, customerAccountId: customer);
        var stale = await NewDisputeAsync(DisputeStatus.InReview, customerAccountId: customer);
        var ended = await NewDisputeAsync(DisputeStatus.Rejected, customerAccountId: customer);
        var creditId = await UserIdAsync(CreditManager);
        var agent = await StaffAsync(Agent);
        var url = "/Disputes?customer=" + Uri.EscapeDataString(name);
        var page = await agent.GetPageAsync(url);
        await ColleagueNotesAsync(stale);
        var endedRow = await Fixture.WithDbAsync(db => db.Disputes.Where(d => d.Id == ended).Select(d => $"{d.Id}:{d.Version}:{d.HistoryCount}").SingleAsync());

        // Tick the two rows shown, and (as a list left open would) the one that has ended meanwhile.
        var form = page.QuerySelector<IHtmlFormElement>("form[action*='handler=Assign']")!;
        var values = new List<KeyValuePair<string, string>>
        {
            new("__RequestVerificationToken", form.QuerySelector<IHtmlInputElement>("input[name=__RequestVerificationToken]")!.Value),
            new("AssignTo", creditId),
            new("Selected", endedRow),
        };
        values.AddRange(form.QuerySelectorAll<IHtmlInputElement>("input[name=Selected]").Select(box => new KeyValuePair<string, string>("Selected", box.Value)));
        var response = await agent.Client.PostAsync(new Uri(WebUtility.HtmlDecode(form.GetAttribute("action")!), UriKind.Relative), new FormUrlEncodedContent(values));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var result = await agent.GetPageAsync(response.Headers.Location!.ToString());
        Assert.Contains("1 litige(s) attribué(s) à Claire Crédit.", Browser.Text(result), StringComparison.Ordinal);
        var refusals = result.QuerySelectorAll("[data-testid=bulk-refusals] li").Select(li => li.TextContent).ToList();
        Assert.Equal(2, refusals.Count);
        var staleReference = (await LoadAsync(stale)).Reference;
        var endedReference = (await LoadAsync(ended)).Reference;
        Assert.Contains(refusals, r => r.StartsWith(staleReference, StringComparison.Ordinal) && r.Contains("a modifié ce litige", StringComparison.Ordinal));
        Assert.Contains(refusals, r => r.StartsWith(endedReference, StringComparison.Ordinal) && r.Contains("Action impossible", StringComparison.Ordinal));

        Assert.Equal(creditId, (await LoadAsync(fresh)).OwnerUserId);
        Assert.Null((await LoadAsync(stale)).OwnerUserId);
        Assert.Null((await LoadAsync(ended)).OwnerUserId);
        var freshReference = (await LoadAsync(fresh)).Reference;
        Assert.True(await Fixture.WithDbAsync(db => db.Outbox.AnyAsync(m => m.Kind == "DisputeAssigned" && m.Recipient == CreditManager && m.Subject.Contains(freshReference))));
    }

    [Fact]
    public async Task Only_agents_and_credit_managers_get_the_bulk_assignment()
    {
        foreach (var (email, offered) in new[] { (Agent, true), (CreditManager, true), (Finance, false), (Resolver, false) })
        {
            var browser = await StaffAsync(email);
            var page = await browser.GetPageAsync("/Disputes?status=Submitted");
            Assert.Equal(offered, page.QuerySelector("form[action*='handler=Assign']") is not null && page.QuerySelector("input[name=Selected]") is not null);
        }
    }

    [Fact]
    public async Task Resolver_queue_holds_their_department_and_the_disputes_of_their_tasks()
    {
        var name = "Service " + Guid.NewGuid().ToString("N")[..6];
        var customer = await NewCustomerAsync(name);
        var billing = await DepartmentIdAsync(ReferenceData.Departments.Billing);
        var resolverId = await UserIdAsync(Resolver);
        var billingDispute = await NewDisputeAsync(DisputeStatus.InReview, "FAC", customerAccountId: customer);
        var deliveryForBilling = await NewDisputeAsync(DisputeStatus.InReview, "LIV", customerAccountId: customer, then: (d, at) => d.OpenTask(SeedAgent, "Vérifier la facture", billing, null, null, Litiges.Deadlines.BusinessDate.Of(DateTimeOffset.UtcNow).AddDays(3), 10m, at));
        var deliveryForHim = await NewDisputeAsync(DisputeStatus.InReview, "TEC", customerAccountId: customer, then: (d, at) => d.OpenTask(SeedAgent, "Avis technique", null, resolverId, "Rémi Résolveur", Litiges.Deadlines.BusinessDate.Of(DateTimeOffset.UtcNow).AddDays(3), 10m, at));
        var other = await NewDisputeAsync(DisputeStatus.InReview, "LIV", customerAccountId: customer);
        var resolver = await StaffAsync(Resolver);

        var rows = await RowsAsync(resolver, "/Disputes?sort=Age&customer=" + Uri.EscapeDataString(name));

        Assert.Equal([billingDispute, deliveryForBilling, deliveryForHim], rows);
        Assert.Equal(HttpStatusCode.NotFound, (await resolver.GetAsync(Url(other))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await resolver.GetAsync(Url(deliveryForHim))).StatusCode);
    }

    private static IEnumerable<int> Ids(IDocument page) =>
        page.QuerySelectorAll("table tbody tr[data-reference] td a[href*='/Disputes/Details/']")
            .Select(a => int.Parse(a.GetAttribute("href")!.Split('/').Last(), CultureInfo.InvariantCulture));

    private static async Task<IReadOnlyList<int>> RowsAsync(Browser browser, string url) =>
        Ids(await browser.GetPageAsync(url)).ToList();

    /// <summary>Disputes with many equal amounts and equal submission instants, so that only the id breaks ties.</summary>
    private async Task<List<int>> ManyDisputesAsync(int customerId, int count)
    {
        var start = DateTimeOffset.UtcNow.AddDays(-1);
        var references = await Fixture.TakeReferencesAsync(Enumerable.Range(0, count).Select(i => start.AddHours(-(i % 9)).Year));
        return await Fixture.WithDbAsync(async db =>
        {
            var reason = await db.ReasonCodes.SingleAsync(r => r.Code == "FAC");
            var customer = new Actor("seed-customer", "Client", ActorRole.Customer, customerId);
            var disputes = new List<Dispute>();
            for (var i = 0; i < count; i++)
            {
                var invoice = new Invoice("FP-" + Guid.NewGuid().ToString("N")[..12], customerId, Litiges.Deadlines.BusinessDate.Of(start).AddDays(-5), Litiges.Deadlines.BusinessDate.Of(start).AddDays(25));
                invoice.AddLine("Article", 1, 1000m, 0.20m);
                db.Invoices.Add(invoice);
                var at = start.AddHours(-(i % 9));
                var dispute = Dispute.Open(references[i], customerId, reason, "Écart de prix", DesiredOutcome.CreditNote, [new DisputeClaim(invoice, null, 100m + (i % 7 * 10m))], DisputeSource.CustomerPortal, customer, at);
                if (i % 4 == 0)
                {
                    dispute.Acknowledge(SeedAgent, at.AddMinutes(5));
                }

                db.Disputes.Add(dispute);
                disputes.Add(dispute);
            }

            await db.SaveChangesAsync();
            return disputes.Select(d => d.Id).ToList();
        });
    }
}

public sealed class SqliteQueueTests(SqliteFixture fixture) : QueueTests<SqliteFixture>(fixture);

public sealed class PostgreSqlQueueTests(PostgreSqlFixture fixture) : QueueTests<PostgreSqlFixture>(fixture);
