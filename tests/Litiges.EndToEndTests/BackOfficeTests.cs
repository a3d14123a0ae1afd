using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Litiges.EndToEndTests;

/// <summary>The back office in Chromium: staff sign-in and the dispute queue.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class BackOfficeTests(Chromium chromium, LoopbackApps apps, ITestOutputHelper output) : BrowserScenario(chromium, output)
{
    [Fact]
    public Task Staff_signs_in_and_sees_the_dispute_queue() =>
        InBrowserAsync(apps.BackOfficeUrl, async page =>
        {
            await page.GotoAsync("/Disputes");
            await SignInAsync(page, "agent@staff.test");

            await Expect(page.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = "File des litiges" })).ToBeVisibleAsync();
            var queue = page.GetByRole(AriaRole.Table, new PageGetByRoleOptions { Name = "File des litiges" });
            foreach (var (reference, company) in new[]
                     {
                         (apps.Data.AlphaDispute.Reference, "Alpha Industries"),
                         (apps.Data.BetaDispute.Reference, "Beta Distribution"),
                     })
            {
                var row = queue.GetByRole(AriaRole.Row).Filter(new LocatorFilterOptions { HasText = reference });
                await Expect(row).ToHaveCountAsync(1);
                await Expect(row.GetByRole(AriaRole.Cell, new LocatorGetByRoleOptions { Name = company, Exact = true })).ToBeVisibleAsync();
            }
        });
}
