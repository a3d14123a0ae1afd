using System.Net;
using AngleSharp.Dom;
using Litiges.Disputes;
using Litiges.Testing;
using Microsoft.EntityFrameworkCore;

namespace Litiges.IntegrationTests.Portal;

/// <summary>A customer of one company never reaches another company's invoices, disputes or files, not even by guessing ids.</summary>
public abstract class AccessTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : LitigesFixture
{
    [Fact]
    public async Task A_customer_gets_not_found_for_another_company_dispute_invoice_and_evidence()
    {
        var bob = await PortalBrowser.SignInAsync(fixture.Portal, "bob@beta.test");
        var (alphaDisputeId, alphaReference) = fixture.Data.AlphaDispute;
        var alphaInvoiceId = fixture.Data.AlphaInvoices[0].Id;
        await TestData.ActAsync(fixture, alphaDisputeId, (dispute, agent, now) =>
            dispute.AttachEvidence(agent, new StoredFile("evidence/2026/01/" + Guid.NewGuid().ToString("N"), "bl.pdf", "application/pdf", 10, new string('0', 64)), EvidenceVisibility.Shared, long.MaxValue, now));
        var evidenceId = await fixture.WithDbAsync(db => db.Evidence.Where(e => e.DisputeId == alphaDisputeId).Select(e => e.Id).FirstAsync());

        foreach (var url in new[]
        {
            $"/Disputes/Details/{alphaDisputeId}",
            $"/Disputes/Details/{alphaReference}",
            $"/Disputes/Submitted/{alphaDisputeId}",
            $"/Disputes/Evidence/{evidenceId}",
            $"/Invoices/Details/{alphaInvoiceId}",
            $"/Disputes/New?invoice={alphaInvoiceId}",
        })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await bob.GetAsync(url)).StatusCode);
        }

        // Acts on the dispute are refused the same way, with Bob's own valid antiforgery token.
        foreach (var handler in new[] { "Withdraw", "Reply", "Accept", "Decline" })
        {
            var own = await bob.GetPageAsync($"/Disputes/Details/{fixture.Data.BetaDispute.Id}");
            var form = PortalBrowser.Form(own, "Reply");
            form.SetAttribute("action", $"/Disputes/Details/{alphaDisputeId}?handler={handler}");
            form.SetAttribute("enctype", "application/x-www-form-urlencoded");
            var response = await bob.SubmitAsync(form, "/", new Dictionary<string, string?> { ["Input.Text"] = "Intrusion", ["Input.Confirm"] = "true" });
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }

        var status = await fixture.WithDbAsync(db => db.Disputes.Where(d => d.Id == alphaDisputeId).Select(d => d.Status).SingleAsync());
        Assert.Equal(DisputeStatus.Submitted, status);
    }

    [Fact]
    public async Task A_form_posted_without_its_antiforgery_token_is_refused()
    {
        var (id, _, _) = await TestData.NewDisputeAsync(fixture, fixture.Data.AlphaId);
        var alice = await PortalBrowser.SignInAsync(fixture.Portal, "alice@alpha.test");
        var page = await alice.GetPageAsync($"/Disputes/Details/{id}");
        var version = page.QuerySelector<AngleSharp.Html.Dom.IHtmlInputElement>("input[name='Input.Version']")!.Value;

        var forged = await alice.Client.PostAsync(
            new Uri($"/Disputes/Details/{id}?handler=Withdraw", UriKind.Relative),
            new FormUrlEncodedContent(new Dictionary<string, string> { ["Input.Version"] = version, ["Input.Seen"] = "1" }));

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        var status = await fixture.WithDbAsync(db => db.Disputes.Where(d => d.Id == id).Select(d => d.Status).SingleAsync());
        Assert.Equal(DisputeStatus.Submitted, status);
    }

    [Fact]
    public async Task Guessing_ids_reveals_nothing_of_another_company()
    {
        var bob = await PortalBrowser.SignInAsync(fixture.Portal, "bob@beta.test");
        var alphaNumbers = fixture.Data.AlphaInvoices.Select(i => i.Number).ToList();
        var betaInvoiceIds = fixture.Data.BetaInvoices.Select(i => i.Id).ToHashSet();
        var maxInvoice = await fixture.WithDbAsync(db => db.Invoices.MaxAsync(i => i.Id));
        var maxDispute = await fixture.WithDbAsync(db => db.Disputes.MaxAsync(d => d.Id));
        var betaDisputes = await fixture.WithDbAsync(db => db.Disputes.Where(d => d.CustomerAccountId == fixture.Data.BetaId).Select(d => d.Id).ToListAsync());

        for (var id = 1; id <= maxInvoice + 2; id++)
        {
            var response = await bob.GetAsync($"/Invoices/Details/{id}");
            Assert.Equal(betaInvoiceIds.Contains(id) ? HttpStatusCode.OK : HttpStatusCode.NotFound, response.StatusCode);
            var body = await response.Content.ReadAsStringAsync();
            Assert.DoesNotContain(alphaNumbers, number => body.Contains(number, StringComparison.Ordinal));
        }

        for (var id = 1; id <= maxDispute + 2; id++)
        {
            var response = await bob.GetAsync($"/Disputes/Details/{id}");
            Assert.Equal(betaDisputes.Contains(id) ? HttpStatusCode.OK : HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await bob.GetAsync($"/Disputes/Evidence/{id}")).StatusCode);
        }
    }

    [Fact]
    public async Task Every_colleague_sees_all_the_company_disputes()
    {
        var carol = await PortalBrowser.SignInAsync(fixture.Portal, "carol@alpha.test");
        var (id, reference, _) = await TestData.NewDisputeAsync(fixture, fixture.Data.AlphaId);

        var list = await carol.GetPageAsync("/Disputes");
        Assert.Contains(reference, list.QuerySelector("tbody")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await carol.GetAsync($"/Disputes/Details/{id}")).StatusCode);
    }

    [Fact]
    public async Task Pages_show_no_untranslated_text_in_either_language()
    {
        var alice = await PortalBrowser.SignInAsync(fixture.Portal, "alice@alpha.test");
        var bob = await PortalBrowser.SignInAsync(fixture.Portal, "bob@beta.test");
        foreach (var (browser, dispute, invoice) in new[] { (alice, fixture.Data.AlphaDispute.Id, fixture.Data.AlphaInvoices[0].Id), (bob, fixture.Data.BetaDispute.Id, fixture.Data.BetaInvoices[0].Id) })
        {
            foreach (var url in new[] { "/Invoices", $"/Invoices/Details/{invoice}", "/Disputes", $"/Disputes/Details/{dispute}", $"/Disputes/Details/{dispute}?confirm=withdraw", $"/Disputes/New?invoice={invoice}", $"/Disputes/Submitted/{dispute}", "/Company/Users" })
            {
                var text = (await browser.GetPageAsync(url)).DocumentElement.OuterHtml;
                Assert.DoesNotMatch(@"\b(Portal|Error|Email|Upload)\.[A-Z][A-Za-z]+", text);
            }
        }
    }
}

public sealed class SqliteAccessTests(SqliteFixture fixture) : AccessTests<SqliteFixture>(fixture);

public sealed class PostgreSqlAccessTests(PostgreSqlFixture fixture) : AccessTests<PostgreSqlFixture>(fixture);
