using System.Net;
using AngleSharp.Html.Dom;
using Litiges.Disputes;
using Litiges.Testing;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;

namespace Litiges.IntegrationTests.BackOffice;

/// <summary>Acting on a dispute from its page: each act is a domain operation; a stale page is told what changed.</summary>
public abstract class DisputeFileTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : LitigesFixture
{
    private static readonly WebApplicationFactoryClientOptions NoRedirects = new() { AllowAutoRedirect = false };

    private async Task<Browser> StaffAsync(string email)
    {
        var browser = new Browser(fixture.BackOffice.CreateClient(NoRedirects));
        await browser.SignInAsync(email);
        return browser;
    }

    [Fact]
    public async Task Second_agent_acting_on_a_stale_page_is_told_what_changed_and_nothing_is_lost()
    {
        var id = await NewDisputeAsync();
        var url = $"/Disputes/Details/{id}";
        var first = await StaffAsync("agent@staff.test");
        var second = await StaffAsync("credit@staff.test");
        var firstPage = await first.GetPageAsync(url);
        var secondPage = await second.GetPageAsync(url);

        var acknowledged = await first.PostFormAsync(Form(firstPage, "Acknowledge"), url, new Dictionary<string, string>());
        Assert.Equal(HttpStatusCode.Redirect, acknowledged.StatusCode);

        var stale = await second.PostFormAsync(Form(secondPage, "AssignToMe"), url, new Dictionary<string, string>());
        Assert.Equal(HttpStatusCode.OK, stale.StatusCode);
        var text = Browser.Text(await Browser.ParseAsync(stale));
        Assert.Contains("Agnès Agent a modifié ce litige pendant que vous le consultiez", text, StringComparison.Ordinal);
        Assert.Contains("Accusé de réception", text, StringComparison.Ordinal);

        var saved = await fixture.WithDbAsync(db => db.Disputes.AsNoTracking().SingleAsync(d => d.Id == id));
        Assert.Equal(DisputeStatus.InReview, saved.Status);
        Assert.Null(saved.OwnerUserId);

        // Having seen the change, the second agent can act on the fresh page.
        var retried = await second.PostFormAsync(Form(await Browser.ParseAsync(stale), "AssignToMe"), url, new Dictionary<string, string>());
        Assert.Equal(HttpStatusCode.Redirect, retried.StatusCode);
        var owner = await fixture.WithDbAsync(db => db.Disputes.Where(d => d.Id == id).Select(d => d.OwnerName).SingleAsync());
        Assert.Equal("Claire Crédit", owner);
    }

    [Fact]
    public async Task Illegal_act_shows_a_clear_message_and_changes_nothing()
    {
        var id = await NewDisputeAsync();
        var url = $"/Disputes/Details/{id}";
        var agent = await StaffAsync("agent@staff.test");
        var page = await agent.GetPageAsync(url);
        var form = (IHtmlFormElement)Form(page, "Note").Clone(deep: true);
        form.SetAttribute("action", $"{url}?handler=Reject");

        // Reject is not possible before acknowledging: post the handler anyway, as a crafted request would.
        var response = await agent.PostFormAsync(form, url, new Dictionary<string, string> { ["Text"] = "Infondé" }, handler: "Reject");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Action impossible", Browser.Text(await Browser.ParseAsync(response)), StringComparison.Ordinal);
        var status = await fixture.WithDbAsync(db => db.Disputes.Where(d => d.Id == id).Select(d => d.Status).SingleAsync());
        Assert.Equal(DisputeStatus.Submitted, status);
    }

    [Fact]
    public async Task Internal_note_is_added_to_the_history_as_internal()
    {
        var id = await NewDisputeAsync();
        var url = $"/Disputes/Details/{id}";
        var agent = await StaffAsync("agent@staff.test");
        var response = await agent.PostFormAsync(Form(await agent.GetPageAsync(url), "Note"), url, new Dictionary<string, string> { ["Text"] = "Appeler le dépôt de Vénissieux" }, handler: "Note");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var note = await fixture.WithDbAsync(db => db.DisputeHistory.Where(h => h.DisputeId == id && h.Action == DisputeAction.InternalNoteAdded).SingleAsync());
        Assert.False(note.IsPublic);
        Assert.Equal("Appeler le dépôt de Vénissieux", note.Text);
    }

    [Fact]
    public async Task Resolver_of_another_department_gets_not_found()
    {
        var (id, reference) = await NewDisputeWithReferenceAsync("LIV");
        var resolver = await StaffAsync("resolver@staff.test");
        var response = await resolver.GetAsync($"/Disputes/Details/{id}");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain(reference, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resolver_of_the_department_sees_the_dispute()
    {
        var (id, reference) = await NewDisputeWithReferenceAsync("FAC");
        var resolver = await StaffAsync("resolver@staff.test");
        var response = await resolver.GetAsync($"/Disputes/Details/{id}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await Browser.ParseAsync(response);
        Assert.Contains(reference, page.QuerySelector("h1")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("Pose non réalisée", Browser.Text(page), StringComparison.Ordinal);
    }

    private static IHtmlFormElement Form(AngleSharp.Dom.IDocument page, string handler) =>
        page.QuerySelectorAll("form").OfType<IHtmlFormElement>().First(f =>
            (f.GetAttribute("action") ?? string.Empty).Contains("handler=" + handler, StringComparison.Ordinal)
            || f.QuerySelector($"button[formaction*='handler={handler}']") is not null);

    private async Task<int> NewDisputeAsync(string reasonCode = "FAC") => (await NewDisputeWithReferenceAsync(reasonCode)).Id;

    // On an invoice of its own: the seeded ones stay as other tests expect them.
    private async Task<(int Id, string Reference)> NewDisputeWithReferenceAsync(string reasonCode)
    {
        var (invoiceId, _) = await Portal.TestData.NewInvoiceAsync(fixture, fixture.Data.AlphaId);
        return await fixture.WithDbAsync(async db =>
        {
            var invoice = await db.Invoices.Include(i => i.Lines).Include(i => i.DunningBlocks).SingleAsync(i => i.Id == invoiceId);
            var reason = await db.ReasonCodes.SingleAsync(r => r.Code == reasonCode);
            var reference = await Litiges.Numbering.SequenceNumbers.NextAsync(db, "LIT", DateTimeOffset.UtcNow.Year);
            var customer = new Actor("c", "Client", ActorRole.Customer, fixture.Data.AlphaId);
            var dispute = Dispute.Open(reference, fixture.Data.AlphaId, reason, "Pose non réalisée", DesiredOutcome.CreditNote, [new DisputeClaim(invoice, null, 1m)], DisputeSource.CustomerPortal, customer, DateTimeOffset.UtcNow);
            db.Disputes.Add(dispute);
            await db.SaveChangesAsync();
            return (dispute.Id, dispute.Reference);
        });
    }
}

public sealed class SqliteDisputeFileTests(SqliteFixture fixture) : DisputeFileTests<SqliteFixture>(fixture);

public sealed class PostgreSqlDisputeFileTests(PostgreSqlFixture fixture) : DisputeFileTests<PostgreSqlFixture>(fixture);
