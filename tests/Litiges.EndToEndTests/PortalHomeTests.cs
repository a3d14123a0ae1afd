using Litiges.Accounts;
using Litiges.Disputes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Litiges.EndToEndTests;

/// <summary>
/// The portal's home and its lists on a 390 px phone, in both languages: summary cards, the
/// "action needed" box, lists shown as cards (number, amount, status, main action) with no
/// sideways scrolling and 44 px touch targets, helpful empty states; axe finds nothing serious on
/// any of them, and a screenshot of each page is kept.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class PortalHomeTests(Chromium chromium, LoopbackApps apps, ITestOutputHelper output) : JourneyScenario(chromium, apps, output)
{
    private const int PhoneWidth = 390;

    [Theory]
    [InlineData("fr")]
    [InlineData("en")]
    public async Task Home_and_lists_read_as_cards_on_a_phone(string language)
    {
        var words = new Words(language);
        var company = await Apps.NewCompanyAsync("Téléphone " + language);
        var email = Testing.LitigesFixture.UniqueEmail("phone", "phone.test");
        await Apps.NewUserAsync(AppUser.NewCustomer(email, "Paula Phone", company.Id, isAdmin: true, language));

        // An invoice overdue by 12 days (1 000 € + 20 %), another with a dispute waiting for the customer.
        var overdue = await Apps.NewInvoiceAsync(company.Id, ("Chaudière à condensation", 1, 1000m, 0.20m));
        await Apps.WithDbAsync(async db =>
        {
            await db.Database.ExecuteSqlInterpolatedAsync($"UPDATE Invoices SET IssueDate = {Litiges.Deadlines.BusinessDate.Of(DateTimeOffset.UtcNow).AddDays(-42)}, DueDate = {Litiges.Deadlines.BusinessDate.Of(DateTimeOffset.UtcNow).AddDays(-12)} WHERE Id = {overdue.Id}");
        });
        var disputed = await NewInvoiceAsync(company.Id, "Entretien annuel", 250m, 0.20m);
        var (disputeId, reference) = await AcknowledgedDisputeAsync(disputed, 300m, email, "Intervention non réalisée.");
        await Apps.WithDbAsync(async db =>
        {
            var dispute = await db.Disputes.Include(d => d.Pauses).SingleAsync(d => d.Id == disputeId);
            dispute.RequestInformation(new Actor("agent", "Agnès Agent", ActorRole.Agent), "Pouvez-vous préciser la date ?", DateTimeOffset.UtcNow);
            await db.SaveChangesAsync();
        });

        await InBrowserAsync(
            Apps.PortalUrl,
            async page =>
            {
                await SignedInAsync(page, "/", email, words);

                // Home: four cards and the dispute waiting for an answer, first.
                await Expect(page.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = words["Home.Title"], Level = 1 })).ToBeVisibleAsync();
                await Expect(page.Locator("[data-card]")).ToHaveCountAsync(4);
                await Expect(page.Locator("#action-needed")).ToContainTextAsync(reference);
                await Expect(page.Locator("[data-card='awaiting'] .summary-card-value")).ToHaveTextAsync("1");
                await CheckPageAsync(page, "home", language);

                // The answer button is a 44 px target and leads to the dispute.
                var answer = page.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = words["Home.AnswerOf", reference] });
                await AssertTouchTargetAsync(answer);

                // Invoices: each a card with its number, amount, status and action; the overdue one says by how much.
                await page.GotoAsync("/Invoices");
                var card = page.Locator($"tr[data-invoice='{overdue.Number}']");
                await Expect(card).ToContainTextAsync(overdue.Number);
                await Expect(card).ToContainTextAsync(words["Design.Deadline.OverdueBy", 12]);
                await Expect(card.Locator(".money").First).ToBeVisibleAsync();
                Assert.Equal("block", await card.EvaluateAsync<string>("e => getComputedStyle(e).display"));
                await AssertTouchTargetAsync(card.GetByRole(AriaRole.Link, new LocatorGetByRoleOptions { Name = words["Portal.Invoices.ContestOne", overdue.Number] }));
                await CheckPageAsync(page, "invoices", language);

                // Disputes: the one waiting for the customer offers "Answer".
                await page.GotoAsync("/Disputes");
                var row = page.Locator($"tr[data-dispute='{reference}']");
                Assert.Equal("block", await row.EvaluateAsync<string>("e => getComputedStyle(e).display"));
                await AssertTouchTargetAsync(row.GetByRole(AriaRole.Link, new LocatorGetByRoleOptions { Name = words["Home.AnswerOf", reference] }));
                await CheckPageAsync(page, "disputes", language);

                // Credit notes: none yet, said as such with a way on.
                await page.GotoAsync("/CreditNotes");
                await Expect(page.Locator(".empty-state")).ToContainTextAsync(words["Design.CreditNotes.NoneTitle"]);
                await CheckPageAsync(page, "credit-notes", language);

                // An empty search says what to do.
                await page.GotoAsync("/Invoices?search=NOTHING-MATCHES");
                await Expect(page.Locator(".empty-state")).ToContainTextAsync(words["Design.Invoices.EmptyTitle"]);
                await CheckPageAsync(page, "invoices-empty", language);

                // The filing form's lines are cards too.
                await page.GotoAsync($"/Disputes/New?invoice={overdue.Id}");
                await CheckPageAsync(page, "filing", language);
            },
            new BrowserNewContextOptions
            {
                ViewportSize = new ViewportSize { Width = PhoneWidth, Height = 844 },
                IsMobile = true,
                HasTouch = true,
            });
    }

    [Fact]
    public async Task Home_on_a_desktop_shows_the_cards_side_by_side()
    {
        var words = new Words("en");
        await InBrowserAsync(Apps.PortalUrl, async page =>
        {
            await SignedInAsync(page, "/", "carol@alpha.test", words);
            var first = await page.Locator("[data-card='outstanding']").BoundingBoxAsync();
            var second = await page.Locator("[data-card='overdue']").BoundingBoxAsync();
            Assert.Equal(first!.Y, second!.Y);

            // The bar on one line: the language switch beside the sign-out button, not under it.
            var signOut = await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = words["Account.SignOut"], Exact = true }).BoundingBoxAsync();
            var language = await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Français", Exact = true }).BoundingBoxAsync();
            Assert.True(Math.Abs(signOut!.Y - language!.Y) < 8, $"The language switch is on another line ({language.Y}px against {signOut.Y}px).");
            await AuditAsync(page);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Artifacts.File("screenshots", "portal-home-desktop-en.png"), FullPage = true });
        });
    }

    private async Task CheckPageAsync(IPage page, string name, string language)
    {
        await AuditAsync(page);
        var width = await page.EvaluateAsync<int>("() => document.scrollingElement.scrollWidth");
        Assert.True(width <= PhoneWidth + 2, $"{name} is {width}px wide on a {PhoneWidth}px phone.");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Artifacts.File("screenshots", $"portal-{name}-phone-{language}.png"), FullPage = true });
    }

    private static async Task AssertTouchTargetAsync(ILocator target)
    {
        var box = await target.BoundingBoxAsync();
        Assert.NotNull(box);
        Assert.True(box.Height >= 44, $"A touch target is {box.Height}px high.");
    }
}
