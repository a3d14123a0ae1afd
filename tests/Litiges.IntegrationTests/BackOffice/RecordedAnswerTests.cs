using System.IO.Compression;
using System.Net;
using System.Text.Json;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Litiges.CreditNotes;
using Litiges.Deadlines;
using Litiges.Disputes;
using Litiges.Documents;
using Litiges.Invoices;
using Litiges.IntegrationTests.Portal;
using Litiges.Numbering;
using Litiges.Settlements;
using Litiges.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Litiges.IntegrationTests.BackOffice;

/// <summary>
/// Staff record the customer's answer to a proposal received by phone, e-mail or letter, on the
/// customer's behalf: the history and the case file say so, and a dispute the ERP opened (no
/// portal user ever saw it) can then be settled: the accepted credit note goes to finance and is issued.
/// </summary>
public abstract class RecordedAnswerTests<TFixture>(TFixture fixture) : BackOfficeScenario<TFixture>(fixture), IClassFixture<TFixture>
    where TFixture : LitigesFixture
{
    private static readonly Actor Erp = Actor.SystemActor("ERP Sage X3");

    private static string AnswerUrl(int id) => $"/Disputes/{id}/RecordAnswer";

    [Fact]
    public async Task A_recorded_acceptance_by_letter_is_explicit_in_history_and_case_file_and_the_credit_note_is_then_issued()
    {
        var id = await ProposedByErpAsync();
        var agent = await StaffAsync(Agent);
        var details = await agent.GetPageAsync(SettlementUrl(id));
        Assert.NotNull(details.QuerySelector($"a[href='{AnswerUrl(id)}']"));
        var page = await agent.GetPageAsync(AnswerUrl(id));
        Assert.Empty(page.QuerySelectorAll("input[type=radio]:checked"));

        var response = await PostAsync(agent, page, id, Answer("Accept", "Letter"), ("courrier-acceptation.pdf", TestData.Pdf("x.pdf").Content));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var dispute = await LoadAsync(id);
        Assert.Equal(DisputeStatus.Accepted, dispute.Status);
        var entry = dispute.History[^1];
        Assert.Equal((DisputeAction.SettlementAccepted, ActorRole.Agent, "Agnès Agent"), (entry.Action, entry.ActorRole, entry.ActorName));
        Assert.Equal($"Réponse du client enregistrée par Agnès Agent pour le compte de Jean Dupont <jean.dupont@alpha.test>, reçue par courrier le {Today:dd/MM/yyyy}.\nD'accord pour l'avoir.", entry.Text);
        Assert.Equal("courrier-acceptation.pdf", Assert.Single(dispute.Evidence).FileName);
        Assert.Equal(EvidenceVisibility.Shared, dispute.Evidence[0].Visibility);
        var proposal = await Fixture.WithDbAsync(db => db.SettlementProposals.AsNoTracking().SingleAsync(p => p.DisputeId == id));
        Assert.Equal(("Jean Dupont", AnswerChannel.Letter, Today, "Agnès Agent"), (proposal.RespondedByName, proposal.AnswerChannel, proposal.AnswerReceivedOn, proposal.AnswerRecordedByName));
        var shown = await agent.GetPageAsync(SettlementUrl(id));
        Assert.Contains("Réponse enregistrée par Agnès Agent pour le compte de Jean Dupont, reçue par courrier", shown.QuerySelector("[data-testid=customer-answer]")!.TextContent, StringComparison.Ordinal);

        // The case file carries the record explicitly.
        var zip = await agent.Client.GetAsync(new Uri($"/Disputes/Export/{id}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, zip.StatusCode);
        using (var archive = new ZipArchive(await zip.Content.ReadAsStreamAsync()))
        {
            using var json = JsonDocument.Parse(await new StreamReader(archive.GetEntry(CaseFileArchive.AcceptanceName)!.Open()).ReadToEndAsync());
            var answer = json.RootElement.GetProperty("answers")[0];
            Assert.Equal("Agnès Agent", answer.GetProperty("recordedByStaff").GetString());
            Assert.Equal("Letter", answer.GetProperty("receivedBy").GetString());
            Assert.Equal(Today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), answer.GetProperty("receivedOn").GetString());
            Assert.Equal("Jean Dupont", answer.GetProperty("by").GetString());
            Assert.True(answer.GetProperty("accepted").GetBoolean());
        }

        // Finance issues the credit note of the recorded acceptance: the dispute is resolved.
        using (var scope = Fixture.BackOffice.Services.CreateScope())
        {
            var notes = await scope.ServiceProvider.GetRequiredService<CreditNoteIssuer>().IssueForDisputeAsync(id, new Actor("finance", "Fanny Finance", ActorRole.Finance));
            Assert.Equal(60m, Assert.Single(notes).TotalGross);
        }

        Assert.Equal(DisputeStatus.Resolved, (await LoadAsync(id)).Status);
        Assert.Equal(1, await Fixture.WithDbAsync(db => db.CreditNotes.CountAsync(n => n.DisputeId == id)));
    }

    [Fact]
    public async Task A_recorded_decline_by_phone_sends_the_dispute_back_to_review()
    {
        var id = await ProposedByErpAsync();
        var carol = await UserIdAsync("carol@alpha.test");
        var manager = await StaffAsync(CreditManager);
        var page = await manager.GetPageAsync(AnswerUrl(id));
        var fields = Answer("Decline", "Phone");
        fields["Input.Contact"] = carol;
        fields["Input.Comment"] = "Nous attendions l'avoir de toute la facture.";

        var response = await PostAsync(manager, page, id, fields);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var dispute = await LoadAsync(id);
        Assert.Equal(DisputeStatus.InReview, dispute.Status);
        Assert.Equal(DisputeAction.SettlementDeclined, dispute.History[^1].Action);
        Assert.StartsWith("Réponse du client enregistrée par Claire Crédit pour le compte de Carol Alpha <carol@alpha.test>, reçue par téléphone le", dispute.History[^1].Text, StringComparison.Ordinal);
        var proposal = await Fixture.WithDbAsync(db => db.SettlementProposals.AsNoTracking().SingleAsync(p => p.DisputeId == id));
        Assert.Equal((ProposalStatus.Declined, carol), (proposal.Status, proposal.RespondedByUserId));
    }

    [Fact]
    public async Task A_written_answer_without_its_file_or_with_a_future_date_is_refused_and_keeps_what_was_typed()
    {
        var id = await ProposedByErpAsync();
        var agent = await StaffAsync(Agent);
        var page = await agent.GetPageAsync(AnswerUrl(id));

        var withoutFile = await PostAsync(agent, page, id, Answer("Accept", "Email"));
        Assert.Equal(HttpStatusCode.OK, withoutFile.StatusCode);
        var shown = await Browser.ParseAsync(withoutFile);
        Assert.Contains("Joignez le courrier ou l'e-mail du client", shown.QuerySelector("#error-summary")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("D'accord pour l'avoir.", shown.QuerySelector<IHtmlTextAreaElement>("#comment")!.Value);
        Assert.Equal("Jean Dupont", shown.QuerySelector<IHtmlInputElement>("#contact-name")!.Value);
        Assert.True(shown.QuerySelector<IHtmlInputElement>("#channel-Email")!.IsChecked);

        var future = Answer("Accept", "Phone");
        future["Input.ReceivedOn"] = Today.AddDays(2).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var refused = await PostAsync(agent, page, id, future);
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("La date de réception doit se situer entre la proposition", await TextOfAsync(refused), StringComparison.Ordinal);

        var dispute = await LoadAsync(id);
        Assert.Equal(DisputeStatus.SettlementProposed, dispute.Status);
        Assert.Empty(dispute.Evidence);
    }

    [Fact]
    public async Task Without_a_proposal_waiting_the_page_says_so_and_a_post_changes_nothing()
    {
        var id = await NewDisputeAsync(DisputeStatus.InReview);
        var agent = await StaffAsync(Agent);
        var page = await agent.GetPageAsync(AnswerUrl(id));
        Assert.NotNull(page.QuerySelector("#nothing-to-answer"));

        var before = await LoadAsync(id);
        Assert.Null(page.QuerySelector("form#record-answer"));
        var other = await agent.GetPageAsync(Url(id));
        var forged = await MultipartForms.PostAsync(agent, other, AnswerUrl(id), "main form[method=post]", Answer("Accept", "Phone"));
        Assert.True(forged.StatusCode is HttpStatusCode.OK or HttpStatusCode.BadRequest, $"answered {(int)forged.StatusCode}");
        Assert.Equal(before.HistoryCount, (await LoadAsync(id)).HistoryCount);
    }

    private static DateOnly Today => BusinessDate.Of(DateTimeOffset.UtcNow);

    private static Dictionary<string, string> Answer(string decision, string channel) => new()
    {
        ["Input.Decision"] = decision,
        ["Input.Contact"] = "other",
        ["Input.ContactName"] = "Jean Dupont",
        ["Input.ContactEmail"] = "jean.dupont@alpha.test",
        ["Input.Channel"] = channel,
        ["Input.ReceivedOn"] = Today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        ["Input.Comment"] = "D'accord pour l'avoir.",
    };

    private static Task<HttpResponseMessage> PostAsync(Browser browser, IDocument page, int id, Dictionary<string, string> fields, params (string Name, byte[] Content)[] files) =>
        MultipartForms.PostAsync(browser, page, AnswerUrl(id), "form#record-answer", fields, files);

    /// <summary>A dispute the ERP opened through the API on a fresh invoice (no portal user involved), a credit note of 60 € proposed to the customer.</summary>
    private Task<int> ProposedByErpAsync() =>
        Fixture.WithDbAsync(async db =>
        {
            var now = DateTimeOffset.UtcNow.AddMinutes(-10);
            var today = Litiges.Deadlines.BusinessDate.Of(now);
            var invoice = new Invoice("FE-" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant(), Fixture.Data.AlphaId, today.AddDays(-30), today.AddDays(-5));
            invoice.AddLine("Palettes", 10, 100m, 0.20m);
            db.Invoices.Add(invoice);
            await db.SaveChangesAsync();
            var reason = await db.ReasonCodes.SingleAsync(r => r.Code == "FAC");
            var reference = await SequenceNumbers.NextAsync(db, "LIT", now.Year);
            var dispute = Dispute.Open(reference, Fixture.Data.AlphaId, reason, "Écart de prix signalé par l'ERP", DesiredOutcome.CreditNote, [new DisputeClaim(invoice, null, 120m)], DisputeSource.Api, Erp, now);
            db.Disputes.Add(dispute);
            dispute.Acknowledge(SeedAgent, now.AddMinutes(1));
            var draft = new SettlementDraft(SettlementKind.CreditNote, "Avoir de 60,00 € TTC sur le prix des palettes")
            {
                Credits = [new ProposedCredit(invoice.Id, null, "Écart de prix", 1, 50m, 0.20m)],
            };
            dispute.ProposeSettlement(SeedAgent, draft, new DelegationLimits(DelegationLimit.Defaults()), 50m, now.AddMinutes(2));
            await db.SaveChangesAsync();
            return dispute.Id;
        });
}

public sealed class SqliteRecordedAnswerTests(SqliteFixture fixture) : RecordedAnswerTests<SqliteFixture>(fixture);

public sealed class PostgreSqlRecordedAnswerTests(PostgreSqlFixture fixture) : RecordedAnswerTests<PostgreSqlFixture>(fixture);
