using System.Text;
using Litiges.Disputes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Litiges.EndToEndTests;

/// <summary>A customer files a dispute on two lines with two files, follows it, and withdraws another.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class FilingJourneyTests(Chromium chromium, LoopbackApps apps, ITestOutputHelper output) : BrowserScenario(chromium, output)
{
    [Fact]
    public async Task Customer_files_a_dispute_on_two_lines_with_two_files_then_withdraws_another()
    {
        var other = await OpenDisputeToWithdrawAsync();
        var invoice = await apps.NewInvoiceAsync(apps.Data.AlphaId, ("Pompe à chaleur", 1, 4890m, 0.055m), ("Pose", 1, 600m, 0.10m));

        await InBrowserAsync(apps.PortalUrl, async page =>
        {
            // The deep link of a reminder e-mail survives the sign-in.
            await page.GotoAsync($"/Disputes/New?invoice={invoice.Id}");
            await SignInAsync(page, "alice@alpha.test");
            await Expect(page.GetByText(invoice.Number).First).ToBeVisibleAsync();

            await page.GetByLabel("Seulement certaines lignes :").CheckAsync();
            await page.GetByLabel("Contester la ligne 1 (Pompe à chaleur)").CheckAsync();
            await page.GetByLabel("Montant contesté sur la ligne 1").FillAsync("100,00");
            await page.GetByLabel("Contester la ligne 2 (Pose)").CheckAsync();
            await page.GetByLabel("Montant contesté sur la ligne 2").FillAsync("50,00");
            await Next(page);

            await page.GetByLabel("Erreur de facturation").CheckAsync();
            await page.GetByLabel("Description", new PageGetByLabelOptions { Exact = true }).FillAsync("Le prix unitaire de la pompe et la pose ne correspondent pas au devis signé.");
            await page.GetByLabel("Ce que vous attendez").SelectOptionAsync("CreditNote");
            await Next(page);

            // Each file gets its own progress bar, removed once the file is in: count them as they come,
            // since small files on loopback may be in before a look at the page would find the bars.
            await page.EvaluateAsync("() => { window.progressBars = 0; new MutationObserver(changes => changes.forEach(c => c.addedNodes.forEach(n => { if (n.nodeType === 1 && (n.matches('progress') || n.querySelector('progress'))) window.progressBars++; }))).observe(document.body, { childList: true, subtree: true }); }");
            await page.GetByLabel("Choisir des fichiers").SetInputFilesAsync(
            [
                new FilePayload { Name = "devis-signe.pdf", MimeType = "application/pdf", Buffer = Pdf("Devis signe") },
                new FilePayload { Name = "bon-de-livraison.pdf", MimeType = "application/pdf", Buffer = Pdf("Bon de livraison") },
            ]);
            await Expect(page.GetByText("Ajouté", new PageGetByTextOptions { Exact = true })).ToHaveCountAsync(2);
            Assert.Equal(2, await page.EvaluateAsync<int>("() => window.progressBars"));
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Artifacts.File("screenshots", "Filing_with_progress_bars.png"), FullPage = true });
            await Next(page);

            await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Envoyer le litige", Exact = true }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = "Votre litige est enregistré" })).ToBeVisibleAsync();
            await Expect(page.GetByText(new System.Text.RegularExpressions.Regex(@"LIT-\d{4}-\d{6}")).First).ToBeVisibleAsync();
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Artifacts.File("screenshots", "Filing_confirmation.png"), FullPage = true });

            // Follow it: add a message on the dispute page.
            var filed = await apps.WithDbAsync(db => db.Disputes.Where(d => d.Items.Any(i => i.InvoiceId == invoice.Id && i.InvoiceLineId != null)).OrderByDescending(d => d.Id).Select(d => new { d.Id, d.DisputedAmount, Evidence = d.Evidence.Count }).FirstAsync());
            Assert.Equal(150m, filed.DisputedAmount);
            Assert.Equal(2, filed.Evidence);
            await page.GotoAsync($"/Disputes/Details/{filed.Id}");
            await page.GetByRole(AriaRole.Textbox, new PageGetByRoleOptions { Name = "Votre message" }).FillAsync("Le devis signé est en pièce jointe.");
            await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Envoyer", Exact = true }).ClickAsync();
            await Expect(page.GetByText("Le devis signé est en pièce jointe.").First).ToBeVisibleAsync();

            // Withdraw the other dispute, with confirmation.
            await page.GotoAsync($"/Disputes/Details/{other}");
            await page.GetByText("Retirer le litige").First.ClickAsync();
            await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Oui, retirer le litige", Exact = true }).ClickAsync();
            await Expect(page.GetByText("Retiré").First).ToBeVisibleAsync();
        });

        var status = await apps.WithDbAsync(db => db.Disputes.Where(d => d.Id == other).Select(d => d.Status).SingleAsync());
        Assert.Equal(DisputeStatus.Withdrawn, status);
    }

    private static Task Next(IPage page) =>
        page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Suivant", Exact = true }).Last.ClickAsync();

    private static byte[] Pdf(string text) =>
        Encoding.ASCII.GetBytes($"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% {text}\ntrailer << /Root 1 0 R >>\n%%EOF\n");

    private async Task<int> OpenDisputeToWithdrawAsync()
    {
        var own = await apps.NewInvoiceAsync(apps.Data.AlphaId, ("Ouvrage technique", 3, 19.99m, 0.055m));
        return await apps.WithDbAsync(async db =>
        {
            var invoice = await db.Invoices.Include(i => i.Lines).Include(i => i.DunningBlocks).SingleAsync(i => i.Id == own.Id);
            var reason = await db.ReasonCodes.SingleAsync(r => r.Code == "LIV");
            var dispute = Dispute.Open(await Numbering.SequenceNumbers.NextAsync(db, "LIT", DateTimeOffset.UtcNow.Year), apps.Data.AlphaId, reason, "Colis en retard", DesiredOutcome.Other, [new DisputeClaim(invoice, null, 5m)], DisputeSource.CustomerPortal, new Actor("c", "Client", ActorRole.Customer, apps.Data.AlphaId), DateTimeOffset.UtcNow);
            db.Disputes.Add(dispute);
            await db.SaveChangesAsync();
            return dispute.Id;
        });
    }
}
