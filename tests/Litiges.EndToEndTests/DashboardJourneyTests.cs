using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Litiges.Customers;
using Litiges.Disputes;
using Litiges.Invoices;
using Litiges.Numbering;
using Litiges.Settlements;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Litiges.EndToEndTests;

/// <summary>
/// The credit manager's dashboard in a browser: opened on its default period, narrowed to two weeks
/// and then to one reason code, each figure read back against disputes the test drove through the
/// domain on fixed dates long before any other test's data; a figure of the table and a bar of the
/// chart each lead to the queue listing exactly the disputes they count; the table downloads as CSV.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class DashboardJourneyTests(Chromium chromium, LoopbackApps apps, ITestOutputHelper output) : JourneyScenario(chromium, apps, output)
{
    private static readonly Actor Agent = new("dashboard-agent", "Agnès Agent", ActorRole.Agent);

    /// <summary>
    /// Each language has a fortnight of its own (two Mondays four weeks apart), so that both runs can
    /// share the database. The disputes, by day of that fortnight (day 0 is the first Monday):
    /// A  FAC 300 € submitted day 1, resolved day 9;   B  FAC 200 € submitted day 2, still open;
    /// C  LIV 150 € submitted day 3, withdrawn day 4;  D  FAC 500 € submitted day 8, rejected day 10;
    /// E  QUA 100 € submitted day 9, still open;       F  FAC 400 € submitted day -3 (before), resolved day 2;
    /// G  FAC 700 € submitted day 14 (after), still open.
    /// </summary>
    [Theory]
    [InlineData("fr", "2024-02-05")]
    [InlineData("en", "2024-03-04")]
    public async Task Credit_manager_narrows_the_dashboard_and_follows_its_figures_to_the_disputes(string language, string firstMonday)
    {
        var words = new Words(language);
        var monday = DateOnly.ParseExact(firstMonday, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        Assert.Equal(DayOfWeek.Monday, monday.DayOfWeek);
        var (lastDay, nextMonday) = (monday.AddDays(13), monday.AddDays(7));
        var disputes = await FortnightAsync(monday, language.ToUpperInvariant());
        var test = $"{nameof(Credit_manager_narrows_the_dashboard_and_follows_its_figures_to_the_disputes)}_{language}";

        string[] weeks = [Week(words, monday), Week(words, nextMonday)];
        var (newCount, decided) = (words["Kpis.Column.New"], words["Kpis.Column.Resolved"]);

        await InBrowserAsync(Apps.BackOfficeUrl, async page =>
        {
            // The default period: the 90 days that end today.
            await SignedInAsync(page, "/Dashboard", "credit@staff.test", words);
            await Expect(page.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = words["Kpis.Title"], Level = 1 })).ToBeVisibleAsync();
            var from = DateOnly.ParseExact(await page.GetByLabel(words["Kpis.From"], new PageGetByLabelOptions { Exact = true }).InputValueAsync(), "yyyy-MM-dd", CultureInfo.InvariantCulture);
            var to = DateOnly.ParseExact(await page.GetByLabel(words["Kpis.To"], new PageGetByLabelOptions { Exact = true }).InputValueAsync(), "yyyy-MM-dd", CultureInfo.InvariantCulture);
            Assert.Equal(89, to.DayNumber - from.DayNumber);
            Assert.DoesNotContain(await RowsAsync(page, words["Kpis.Trend.Title"]), r => weeks.Contains(r[0]));

            // The fortnight, every reason: three new disputes in the first week, two in the second.
            await ShowAsync(page, words, monday, lastDay, reason: null);
            Assert.Equal(
                [
                    [weeks[0], "3", words.Amount(650m), "1", words.Amount(400m), "1"],
                    [weeks[1], "2", words.Amount(600m), "2", words.Amount(800m), "0"],
                ],
                await RowsAsync(page, words["Kpis.Trend.Title"]));
            Assert.Equal([["FAC", "3"], ["LIV", "1"], ["QUA", "1"]], (await RowsAsync(page, words["Kpis.Reasons.Title"])).Select(r => new[] { r[0][..3], r[1] }));

            // The same fortnight, billing errors only: the delivery and quality disputes drop out.
            await ShowAsync(page, words, monday, lastDay, reason: "FAC");
            Assert.Equal(
                [
                    [weeks[0], "2", words.Amount(500m), "1", words.Amount(400m), "0"],
                    [weeks[1], "1", words.Amount(500m), "2", words.Amount(800m), "0"],
                ],
                await RowsAsync(page, words["Kpis.Trend.Title"]));
            Assert.Equal([["FAC", "3"]], (await RowsAsync(page, words["Kpis.Reasons.Title"])).Select(r => new[] { r[0][..3], r[1] }));
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Artifacts.File("screenshots", $"{test}_dashboard.png"), FullPage = true });

            // The table's "new" figure of the first week lists A and B.
            var trend = Trend(page, words);
            var figure = trend.GetByRole(AriaRole.Table).GetByRole(AriaRole.Link, new LocatorGetByRoleOptions { Name = Figure(words, weeks[0], newCount, "2"), Exact = true });
            await Expect(figure).ToHaveTextAsync("2");
            await figure.ClickAsync();
            Assert.Equal([disputes.A, disputes.B], await QueueAsync(page, words));

            // The chart's "decided" bar of the second week lists A and D.
            await page.GoBackAsync();
            var bar = Trend(page, words).Locator("svg[data-chart=Trend]").GetByRole(AriaRole.Link, new LocatorGetByRoleOptions { Name = Figure(words, weeks[1], decided, "2"), Exact = true });
            await bar.ClickAsync();
            Assert.Equal([disputes.A, disputes.D], await QueueAsync(page, words));

            // The table as CSV, under the same period and filter.
            await page.GoBackAsync();
            var csv = page.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = words["Kpis.Csv", words["Kpis.Trend.Title"]], Exact = true });
            var download = await page.RunAndWaitForDownloadAsync(() => csv.ClickAsync());
            Assert.Equal(string.Create(CultureInfo.InvariantCulture, $"kpi-Trend-{monday:yyyy-MM-dd}-{lastDay:yyyy-MM-dd}.csv"), download.SuggestedFilename);
            var bytes = await File.ReadAllBytesAsync(await download.PathAsync());
            Assert.Equal(Encoding.UTF8.GetPreamble(), bytes[..3]);
            var decimals = words.Culture.NumberFormat.NumberDecimalSeparator;
            Assert.Equal(
                [
                    string.Join(';', words["Kpis.Column.Period"], newCount, words["Kpis.Column.NewAmount"], decided, words["Kpis.Column.ResolvedAmount"], words["Kpis.Column.Withdrawn"]),
                    $"{weeks[0]};2;500{decimals}00;1;400{decimals}00;0",
                    $"{weeks[1]};1;500{decimals}00;2;800{decimals}00;0",
                ],
                Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries));
        }, test: test);
    }

    /// <summary>Sets the period and the reason in the dashboard's form, shows it, and waits for the page of that period.</summary>
    private async Task ShowAsync(IPage page, Words words, DateOnly from, DateOnly to, string? reason)
    {
        await page.GetByLabel(words["Kpis.From"], new PageGetByLabelOptions { Exact = true }).FillAsync(Iso(from));
        await page.GetByLabel(words["Kpis.To"], new PageGetByLabelOptions { Exact = true }).FillAsync(Iso(to));
        await page.GetByLabel(words["Disputes.Reason"], new PageGetByLabelOptions { Exact = true }).SelectOptionAsync(reason ?? string.Empty);
        await ClickButtonAsync(page, words["Kpis.Show"]);
        await Expect(page).ToHaveURLAsync(new Regex($"reason={reason}(&|$)"));
        await Expect(page.GetByTestId("kpi-period")).ToContainTextAsync(from.ToString("d", words.Culture));
        await AuditAsync(page);
    }

    /// <summary>The queue a figure led to: narrowed to that figure, and the references it lists.</summary>
    private async Task<string[]> QueueAsync(IPage page, Words words)
    {
        await Expect(page.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = words["Queue.Title"], Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("dashboard-selection")).ToContainTextAsync(words["Kpis.QueueSelection"]);
        await AuditAsync(page);
        var references = await page.Locator("tbody tr[data-reference]").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.reference)");
        return [.. references.Order(StringComparer.Ordinal)];
    }

    private static ILocator Trend(IPage page, Words words) =>
        page.GetByRole(AriaRole.Region, new PageGetByRoleOptions { Name = words["Kpis.Trend.Title"], Exact = true });

    /// <summary>The cells of a dashboard table, row by row, as shown.</summary>
    private static async Task<string[][]> RowsAsync(IPage page, string title)
    {
        var section = page.GetByRole(AriaRole.Region, new PageGetByRoleOptions { Name = title, Exact = true });
        await Expect(section).ToBeVisibleAsync();
        return await section.Locator("table tbody tr").EvaluateAllAsync<string[][]>("rows => rows.map(r => [...r.cells].map(c => c.textContent.trim()))");
    }

    /// <summary>A trend row's label: "S6 (05/02/2024 – 11/02/2024)".</summary>
    private static string Week(Words words, DateOnly monday) =>
        words["Kpis.Week", ISOWeek.GetWeekOfYear(monday.ToDateTime(TimeOnly.MinValue)), monday.ToString("d", words.Culture), monday.AddDays(6).ToString("d", words.Culture)];

    /// <summary>How a figure's link reads aloud: its row, its column and its value.</summary>
    private static string Figure(Words words, string row, string column, string value) =>
        $"{row} — {words["Experience.LabelValue", column, value]}";

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private Task<Fortnight> FortnightAsync(DateOnly monday, string suffix) =>
        Apps.WithDbAsync(async db =>
        {
            var customer = new CustomerAccount($"C-DASH-{suffix}", $"Tableau {suffix}", "552100554", "FR40552100554", new PostalAddress("7 rue des Indicateurs", null, "69003", "Lyon", "France"));
            db.CustomerAccounts.Add(customer);
            await db.SaveChangesAsync();
            var reasons = await db.ReasonCodes.ToDictionaryAsync(r => r.Code);
            var client = new Actor("dashboard-customer", "Client", ActorRole.Customer, customer.Id);

            // Noon in Paris (10:00 UTC) on the given day of the fortnight.
            DateTimeOffset Day(int day) => new(monday.AddDays(day).ToDateTime(new TimeOnly(10, 0)), TimeSpan.Zero);

            async Task<Dispute> OpenAsync(string reason, decimal amount, int day)
            {
                var invoice = new Invoice($"FD-{suffix}-{Guid.NewGuid().ToString("N")[..8].ToUpperInvariant()}", customer.Id, monday.AddDays(day - 10), monday.AddDays(day + 20));
                invoice.AddLine("Marchandises", 1, amount, 0.20m);
                db.Invoices.Add(invoice);
                var reference = await SequenceNumbers.NextAsync(db, "LIT", monday.Year);
                var dispute = Dispute.Open(reference, customer.Id, reasons[reason], "Écart constaté", DesiredOutcome.CreditNote, [new DisputeClaim(invoice, null, amount)], DisputeSource.Staff, Agent, Day(day), new DisputeContact("Claire Acheteuse", null, null));
                dispute.Acknowledge(Agent, Day(day).AddHours(1));
                db.Disputes.Add(dispute);
                return dispute;
            }

            void Resolve(Dispute dispute, int day)
            {
                var gesture = new SettlementDraft(SettlementKind.CommercialGesture, "Remise de 5 % sur la prochaine commande") { GesturePercent = 5m, GestureValidUntil = monday.AddDays(day + 90) };
                dispute.ProposeSettlement(Agent, gesture, new DelegationLimits(DelegationLimit.Defaults()), 50m, Day(day).AddHours(-2));
                dispute.AcceptSettlement(client, Day(day).AddHours(-1));
                dispute.CompleteSettlement(Agent, Day(day));
            }

            var a = await OpenAsync("FAC", 300m, 1);
            var b = await OpenAsync("FAC", 200m, 2);
            var c = await OpenAsync("LIV", 150m, 3);
            var d = await OpenAsync("FAC", 500m, 8);
            await OpenAsync("QUA", 100m, 9);
            var f = await OpenAsync("FAC", 400m, -3);
            await OpenAsync("FAC", 700m, 14);
            Resolve(a, 9);
            c.Withdraw(client, "Réglé entre nous", Day(4));
            d.Reject(Agent, "Prix conforme au devis", Day(10));
            Resolve(f, 2);
            await db.SaveChangesAsync();
            return new Fortnight(a.Reference, b.Reference, d.Reference);
        });

    /// <summary>The references the drill-downs must list.</summary>
    private sealed record Fortnight(string A, string B, string D);
}
