using Litiges.Disputes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Litiges.EndToEndTests;

/// <summary>Staff and customer at work on one dispute, each in their own browser.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class CaseWorkTests(Chromium chromium, LoopbackApps apps, ITestOutputHelper output) : BrowserScenario(chromium, output)
{
    [Fact]
    public async Task Agent_asks_the_customer_answers_and_a_resolver_completes_the_task()
    {
        var (id, reference) = await NewDisputeWithTaskAsync();
        var url = $"/Disputes/Details/{id}";

        await InBrowserAsync(apps.BackOfficeUrl, async agent =>
        {
            await agent.GotoAsync(url);
            await SignInAsync(agent, "agent@staff.test");
            await Expect(agent.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = reference })).ToBeVisibleAsync();
            await agent.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Accuser réception", Exact = true }).ClickAsync();
            await agent.GetByLabel("Question au client", new PageGetByLabelOptions { Exact = true }).FillAsync("Pouvez-vous nous envoyer le bon de livraison signé ?");
            await agent.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Demander une information au client", Exact = true }).ClickAsync();
            await Expect(agent.GetByText("Délai suspendu : en attente du client").First).ToBeVisibleAsync();

            await InBrowserAsync(
                apps.PortalUrl,
                async customer =>
                {
                    await customer.GotoAsync(url);
                    await SignInAsync(customer, "alice@alpha.test");
                    await Expect(customer.GetByText("Pouvez-vous nous envoyer le bon de livraison signé ?").First).ToBeVisibleAsync();
                    await customer.GetByRole(AriaRole.Textbox, new PageGetByRoleOptions { Name = "Votre réponse" }).FillAsync("Le bon signé est joint au colis, nous le scannons.");
                    await customer.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Envoyer ma réponse", Exact = true }).ClickAsync();
                    await Expect(customer.GetByText("Le bon signé est joint au colis, nous le scannons.").First).ToBeVisibleAsync();
                },
                test: nameof(Agent_asks_the_customer_answers_and_a_resolver_completes_the_task) + "_customer");

            await agent.ReloadAsync();
            await Expect(agent.GetByText("Le bon signé est joint au colis, nous le scannons.").First).ToBeVisibleAsync();
            await Expect(agent.GetByText("Délai suspendu : en attente du client")).ToHaveCountAsync(0);

            await InBrowserAsync(
                apps.BackOfficeUrl,
                async resolver =>
                {
                    await resolver.GotoAsync("/Tasks");
                    await SignInAsync(resolver, "resolver@staff.test");
                    var row = resolver.GetByRole(AriaRole.Row).Filter(new LocatorFilterOptions { HasText = "Émettre l'avoir de la palette cassée" });
                    await row.GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = "Marquer faite" }).ClickAsync();
                    await Expect(resolver.GetByRole(AriaRole.Row).Filter(new LocatorFilterOptions { HasText = "Émettre l'avoir de la palette cassée" })).ToHaveCountAsync(0);
                },
                test: nameof(Agent_asks_the_customer_answers_and_a_resolver_completes_the_task) + "_resolver");
        });

        var done = await apps.WithDbAsync(db => db.DisputeTasks.Where(t => t.DisputeId == id).Select(t => t.Status).SingleAsync());
        Assert.Equal(DisputeTaskStatus.Done, done);
        var status = await apps.WithDbAsync(db => db.Disputes.Where(d => d.Id == id).Select(d => d.Status).SingleAsync());
        Assert.Equal(DisputeStatus.InReview, status);
    }

    private async Task<(int Id, string Reference)> NewDisputeWithTaskAsync()
    {
        var own = await apps.NewInvoiceAsync(apps.Data.AlphaId, ("Palettes", 10, 100m, 0.20m));
        return await apps.WithDbAsync(async db =>
        {
            var invoice = await db.Invoices.Include(i => i.Lines).Include(i => i.DunningBlocks).SingleAsync(i => i.Id == own.Id);
            var reason = await db.ReasonCodes.SingleAsync(r => r.Code == "FAC");
            var now = DateTimeOffset.UtcNow;
            var reference = await Numbering.SequenceNumbers.NextAsync(db, "LIT", now.Year);
            var customer = new Actor("c", "Client", ActorRole.Customer, apps.Data.AlphaId);
            var dispute = Dispute.Open(reference, apps.Data.AlphaId, reason, "Palette livrée cassée", DesiredOutcome.CreditNote, [new DisputeClaim(invoice, null, 10m)], DisputeSource.CustomerPortal, customer, now);
            var billing = await db.Departments.Where(d => d.Code == Data.ReferenceData.Departments.Billing).Select(d => d.Id).SingleAsync();
            dispute.OpenTask(new Actor("a", "Agnès Agent", ActorRole.Agent), "Émettre l'avoir de la palette cassée", billing, null, null, Litiges.Deadlines.BusinessDate.Of(now).AddDays(3), 10m, now);
            db.Disputes.Add(dispute);
            await db.SaveChangesAsync();
            return (dispute.Id, reference);
        });
    }
}
