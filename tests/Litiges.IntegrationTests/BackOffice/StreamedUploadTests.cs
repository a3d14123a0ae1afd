using System.Net;
using System.Text;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Litiges.Disputes;
using Litiges.Testing;
using Microsoft.EntityFrameworkCore;

namespace Litiges.IntegrationTests.BackOffice;

/// <summary>
/// The back office's uploads (evidence on the dispute page, files of a staff filing, the letter of a
/// recorded answer) are read as a stream, like the portal's: a file is stored as it arrives; one
/// over the size limit is refused with its reason and the form shown back as it was typed; a body
/// that cannot be read is a 400, never a 500; a post without its antiforgery token is refused
/// before any file is read. The back office here takes files of 64 KB at most.
/// </summary>
public abstract class StreamedUploadTests<TFixture>(TFixture fixture) : BackOfficeScenario<TFixture>(fixture), IClassFixture<TFixture>
    where TFixture : LitigesFixture
{
    private const int MaxFileBytes = 64 * 1024;
    private const string TooLarge = "dépasse la taille maximale";
    private const string Unreadable = "La demande envoyée n'a pas pu être lue";

    private static readonly byte[] Pdf = Encoding.ASCII.GetBytes("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");

    /// <summary>A PDF past the limit: its header, then padding.</summary>
    private static readonly byte[] Oversized = [.. Pdf, .. Enumerable.Repeat((byte)' ', MaxFileBytes + 1024)];

    [Fact]
    public async Task Evidence_on_the_dispute_page_is_streamed_and_refusals_keep_the_choice_made()
    {
        await using var app = SmallFiles();
        var agent = await StaffAsync(Agent, app);
        var id = await NewDisputeAsync(DisputeStatus.InReview);
        Task<HttpResponseMessage> Upload(Tampering tampering, (string, byte[]) file, bool share = false) =>
            UploadAsync(agent, id, tampering, share, file);

        var stored = await Upload(Tampering.None, ("bon de livraison.pdf", Pdf), share: true);
        Assert.Equal(HttpStatusCode.Redirect, stored.StatusCode);
        var evidence = Assert.Single((await LoadAsync(id)).Evidence);
        Assert.Equal(("bon de livraison.pdf", Pdf.Length, EvidenceVisibility.Shared), (evidence.FileName, evidence.Length, evidence.Visibility));

        var refused = await Upload(Tampering.None, ("scan.pdf", Oversized), share: true);
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        var shown = await Browser.ParseAsync(refused);
        Assert.Contains($"« scan.pdf » {TooLarge}", Browser.Text(shown), StringComparison.Ordinal);
        Assert.True(shown.QuerySelector<IHtmlInputElement>("#share")!.IsChecked);

        await AssertUnreadableAsync(await Upload(Tampering.CutShort, ("coupé.pdf", Oversized)));
        Assert.Equal(HttpStatusCode.BadRequest, (await Upload(Tampering.WithoutToken, ("sans jeton.pdf", Pdf))).StatusCode);
        Assert.Single((await LoadAsync(id)).Evidence);
    }

    [Fact]
    public async Task Files_of_a_staff_filing_are_streamed_and_refusals_keep_what_was_typed()
    {
        await using var app = SmallFiles();
        var agent = await StaffAsync(Agent, app);
        var invoiceId = await Fixture.WithDbAsync(async db =>
        {
            var invoice = new Litiges.Invoices.Invoice("FS-" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant(), Fixture.Data.AlphaId, Litiges.Deadlines.BusinessDate.Of(DateTimeOffset.UtcNow).AddDays(-20), Litiges.Deadlines.BusinessDate.Of(DateTimeOffset.UtcNow).AddDays(10));
            invoice.AddLine("Palettes", 10, 100m, 0.20m);
            db.Invoices.Add(invoice);
            await db.SaveChangesAsync();
            return invoice.Id;
        });
        var page = await agent.GetPageAsync($"/Disputes/New?customer={Fixture.Data.AlphaId}");
        Task<HttpResponseMessage> Post(IDocument from, Tampering tampering, (string, byte[]) file) =>
            MultipartForms.PostAsync(agent, from, "/Disputes/New", "form#staff-filing", tampering, new() { ["Go"] = $"AddInvoice-{invoiceId}", ["Input.Description"] = "Remise promise non appliquée" }, file);

        var staged = await Browser.ParseAsync(await Post(page, Tampering.None, ("bon de livraison.pdf", Pdf)));
        Assert.Contains("bon de livraison.pdf", staged.QuerySelector("#staged-files")!.TextContent, StringComparison.Ordinal);
        Assert.Single(staged.QuerySelectorAll("input[name='Input.Files']"));

        var refused = await Post(staged, Tampering.None, ("scan.pdf", Oversized));
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        var shown = await Browser.ParseAsync(refused);
        Assert.Contains($"« scan.pdf » {TooLarge}", shown.QuerySelector("#file-errors")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("Remise promise non appliquée", shown.QuerySelector<IHtmlTextAreaElement>("#description")!.Value);
        Assert.Contains("bon de livraison.pdf", shown.QuerySelector("#staged-files")!.TextContent, StringComparison.Ordinal);

        await AssertUnreadableAsync(await Post(shown, Tampering.CutShort, ("coupé.pdf", Oversized)));
        Assert.Equal(HttpStatusCode.BadRequest, (await Post(shown, Tampering.WithoutToken, ("sans jeton.pdf", Pdf))).StatusCode);
        Assert.Equal(0, await Fixture.WithDbAsync(db => db.DisputedItems.CountAsync(i => i.InvoiceId == invoiceId)));
    }

    [Fact]
    public async Task The_letter_of_a_recorded_answer_is_streamed_and_refusals_keep_what_was_typed()
    {
        await using var app = SmallFiles();
        var agent = await StaffAsync(Agent, app);
        var id = await NewDisputeAsync(DisputeStatus.SettlementProposed);
        var url = $"/Disputes/{id}/RecordAnswer";
        var page = await agent.GetPageAsync(url);
        Task<HttpResponseMessage> Post(Tampering tampering, (string, byte[]) file) =>
            MultipartForms.PostAsync(agent, page, url, "form#record-answer", tampering, Answer(), file);

        var refused = await Post(Tampering.None, ("courrier.pdf", Oversized));
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        var shown = await Browser.ParseAsync(refused);
        Assert.Contains($"« courrier.pdf » {TooLarge}", Browser.Text(shown), StringComparison.Ordinal);
        Assert.Equal("D'accord pour le geste.", shown.QuerySelector<IHtmlTextAreaElement>("#comment")!.Value);
        Assert.Equal("Jean Dupont", shown.QuerySelector<IHtmlInputElement>("#contact-name")!.Value);
        Assert.True(shown.QuerySelector<IHtmlInputElement>("#channel-Letter")!.IsChecked);

        await AssertUnreadableAsync(await Post(Tampering.CutShort, ("coupé.pdf", Oversized)));
        Assert.Equal(HttpStatusCode.BadRequest, (await Post(Tampering.WithoutToken, ("sans jeton.pdf", Pdf))).StatusCode);
        var untouched = await LoadAsync(id);
        Assert.Equal((DisputeStatus.SettlementProposed, 0), (untouched.Status, untouched.Evidence.Count));

        var recorded = await Post(Tampering.None, ("courrier.pdf", Pdf));
        Assert.Equal(HttpStatusCode.Redirect, recorded.StatusCode);
        var dispute = await LoadAsync(id);
        Assert.Equal(DisputeStatus.Accepted, dispute.Status);
        Assert.Equal(("courrier.pdf", EvidenceVisibility.Shared), (Assert.Single(dispute.Evidence).FileName, dispute.Evidence[0].Visibility));
    }

    private static Dictionary<string, string> Answer() => new()
    {
        ["Input.Decision"] = "Accept",
        ["Input.Contact"] = "other",
        ["Input.ContactName"] = "Jean Dupont",
        ["Input.ContactEmail"] = "jean.dupont@alpha.test",
        ["Input.Channel"] = "Letter",
        ["Input.ReceivedOn"] = Litiges.Deadlines.BusinessDate.Of(DateTimeOffset.UtcNow).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        ["Input.Comment"] = "D'accord pour le geste.",
    };

    private static async Task AssertUnreadableAsync(HttpResponseMessage response)
    {
        var text = Browser.Text(await Browser.ParseAsync(response));
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest && text.Contains(Unreadable, StringComparison.Ordinal), $"{(int)response.StatusCode}: {text}");
    }

    private static async Task<HttpResponseMessage> UploadAsync(Browser agent, int id, Tampering tampering, bool share, (string Name, byte[] Content) file)
    {
        var page = await agent.GetPageAsync(Url(id));
        var fields = share ? new Dictionary<string, string> { ["ShareWithCustomer"] = "true" } : new Dictionary<string, string>();
        return await MultipartForms.PostAsync(agent, page, Url(id), "form[action*='handler=Upload']", tampering, fields, file);
    }

    private AppFactory<Litiges.BackOffice.Program> SmallFiles() =>
        new(Fixture.Database, Fixture.DataFolder, new Dictionary<string, string?> { ["Evidence:MaxFileBytes"] = MaxFileBytes.ToString(System.Globalization.CultureInfo.InvariantCulture) });
}

public sealed class SqliteStreamedUploadTests(SqliteFixture fixture) : StreamedUploadTests<SqliteFixture>(fixture);

public sealed class PostgreSqlStreamedUploadTests(PostgreSqlFixture fixture) : StreamedUploadTests<PostgreSqlFixture>(fixture);
