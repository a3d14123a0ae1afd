using System.Globalization;
using System.Net;
using System.Text;
using AngleSharp.Dom;
using Litiges.IntegrationTests.BackOffice;
using Litiges.Kpis;
using Litiges.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Litiges.IntegrationTests.Kpis;

/// <summary>The dashboard page, its drill-down into the queue, its CSV files, and the scheduled report with its PDF.</summary>
public abstract class DashboardPageTests<TFixture>(TFixture fixture) : BackOfficeScenario<TFixture>(fixture), IClassFixture<TFixture>
    where TFixture : KpiFixture
{
    private const string QuarterUrl = "/Dashboard?from=2025-01-01&to=2025-03-31&interval=Month";

    [Fact]
    public async Task Only_credit_managers_and_administrators_open_the_dashboard()
    {
        foreach (var (email, allowed) in new[] { (CreditManager, true), (Admin, true), (Agent, false), (Finance, false), (Resolver, false) })
        {
            var browser = await StaffAsync(email);
            var response = await browser.GetAsync(QuarterUrl);
            Assert.Equal(allowed, response.StatusCode == HttpStatusCode.OK);
            Assert.Equal(!allowed, IsAccessDenied(response));
            var home = await browser.GetPageAsync(allowed ? QuarterUrl : "/Disputes");
            Assert.Equal(allowed, home.QuerySelector("a.nav-link[href='/Dashboard']") is not null);
        }

        var anonymous = await Fixture.BackOffice.CreateClient(NoRedirects).GetAsync(new Uri(QuarterUrl, UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
    }

    [Fact]
    public async Task Each_figure_is_defined_drawn_and_tabled()
    {
        var page = await (await StaffAsync(CreditManager)).GetPageAsync(QuarterUrl);

        foreach (var key in new[] { "Summary", "Ageing", "Trend", "Resolution", "Sla", "Reasons", "RootCauses", "Customers", "Repeated" })
        {
            var section = page.QuerySelector($"section[data-kpi={key}]");
            Assert.NotNull(section);
            Assert.False(string.IsNullOrWhiteSpace(section.QuerySelector("p")!.TextContent));
            Assert.NotNull(section.QuerySelector("table"));
        }

        var trend = page.QuerySelector("section[data-kpi=Trend] table tbody")!;
        Assert.Equal(["5", "2", "2"], trend.QuerySelectorAll("tr").Select(r => r.QuerySelectorAll("td")[0].TextContent.Trim()));
        Assert.NotNull(page.QuerySelector("svg[data-chart=Trend][role=group] title"));
        Assert.Contains(page.QuerySelectorAll("svg[data-chart=Trend] text"), t => t.TextContent == "janvier 2025");
        Assert.Contains(page.QuerySelectorAll("svg[data-chart=Trend] text"), t => t.TextContent == "5");
        Assert.Equal(6, page.QuerySelectorAll("svg[data-chart=Trend] a rect").Length); // three months, new and decided, none empty
        Assert.Empty(page.QuerySelectorAll("script:not([src])"));
    }

    [Fact]
    public async Task Every_drill_down_lists_exactly_the_disputes_counted()
    {
        var browser = await StaffAsync(CreditManager);
        var page = await browser.GetPageAsync(QuarterUrl);
        var links = page.QuerySelectorAll("a[data-drilldown]").ToList();
        Assert.True(links.Count > 40, $"only {links.Count} drill-down links");

        var checkedCounts = 0;
        foreach (var link in links)
        {
            var shown = link.TextContent.Trim();
            var references = await QueueReferencesAsync(browser, link.GetAttribute("href")!);
            if (int.TryParse(shown.Replace("\u202f", string.Empty, StringComparison.Ordinal), NumberStyles.Integer, CultureInfo.InvariantCulture, out var count))
            {
                Assert.True(count == references.Count, $"{link.GetAttribute("data-drilldown")}: {count} counted, {references.Count} listed");
                checkedCounts++;
            }
        }

        Assert.True(checkedCounts > 25);

        var late = page.QuerySelectorAll("section[data-kpi=Sla] tbody tr")[1].QuerySelector("a")!;
        Assert.Equal(await ReferencesAsync(2, 5), await QueueReferencesAsync(browser, late.GetAttribute("href")!));
        var bar = page.QuerySelector("svg[data-chart=RootCauses] a")!;
        Assert.Equal(await ReferencesAsync(1, 3), await QueueReferencesAsync(browser, bar.GetAttribute("href")!));
    }

    [Fact]
    public async Task Administrators_see_figures_without_disputes()
    {
        var page = await (await StaffAsync(Admin)).GetPageAsync(QuarterUrl);

        Assert.NotNull(page.QuerySelector("section[data-kpi=Trend] table"));
        Assert.Empty(page.QuerySelectorAll("a[data-drilldown]"));
        Assert.Empty(page.QuerySelectorAll("svg a"));
    }

    [Fact]
    public async Task Each_table_exports_as_csv()
    {
        var browser = await StaffAsync(CreditManager);
        var page = await browser.GetPageAsync(QuarterUrl);
        var href = page.QuerySelector("a[data-csv=Trend]")!.GetAttribute("href")!;

        var response = await browser.GetAsync(WebUtility.HtmlDecode(href));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("kpi-Trend-2025-01-01-2025-03-31.csv", response.Content.Headers.ContentDisposition!.ToString(), StringComparison.Ordinal);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(Encoding.UTF8.GetPreamble(), bytes[..3]);
        var lines = Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("Période;Nouveaux;Montant des nouveaux;Décidés;Montant des décidés;Retirés", lines[0]);
        Assert.Equal(["janvier 2025;5;6300,00;1;300,00;0", "février 2025;2;600,00;1;100,00;1", "mars 2025;2;1300,00;3;4000,00;0"], lines[1..]);

        foreach (var key in new[] { "Summary", "Ageing", "Resolution", "Sla", "Reasons", "RootCauses", "Customers", "Repeated" })
        {
            var csv = await browser.GetAsync(WebUtility.HtmlDecode(page.QuerySelector($"a[data-csv={key}]")!.GetAttribute("href")!));
            Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync("/Dashboard?handler=Csv&table=Nothing")).StatusCode);
        Assert.True(IsAccessDenied(await (await StaffAsync(Agent)).GetAsync(WebUtility.HtmlDecode(href))));
    }

    [Fact]
    public async Task A_reversed_period_or_an_unknown_customer_is_explained()
    {
        var browser = await StaffAsync(CreditManager);

        var reversed = await browser.GetPageAsync("/Dashboard?from=2025-03-31&to=2025-01-01");
        Assert.Contains("La fin de la période précède son début.", Browser.Text(reversed), StringComparison.Ordinal);
        Assert.Null(reversed.QuerySelector("section[data-kpi]"));

        var unknown = await browser.GetPageAsync("/Dashboard?customer=C-NOBODY");
        Assert.Contains("Aucun client ne porte le numéro « C-NOBODY ».", Browser.Text(unknown), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Filters_narrow_the_page_and_its_links()
    {
        var browser = await StaffAsync(CreditManager);
        var page = await browser.GetPageAsync(QuarterUrl + "&customer=C-KPI-2");

        var trend = page.QuerySelector("section[data-kpi=Trend] table tbody")!;
        Assert.Equal(["1", "1", "0"], trend.QuerySelectorAll("tr").Select(r => r.QuerySelectorAll("td")[0].TextContent.Trim()));
        var january = trend.QuerySelector("tr a")!.GetAttribute("href")!;
        Assert.Equal(await ReferencesAsync(3), await QueueReferencesAsync(browser, january));
    }

    [Fact]
    public async Task The_weekly_report_is_sent_once_with_its_pdf_for_credit_managers()
    {
        // Monday 7 April 2025, 08:00 in Paris: the week of 31 March to 6 April is due.
        var monday = new DateTimeOffset(2025, 4, 7, 6, 0, 0, TimeSpan.Zero);
        var mailers = Enumerable.Range(0, 2).Select(_ => NewMailer()).ToList();

        var sent = await Task.WhenAll(mailers.Select(m => m.RunOnceAsync(monday)));
        Assert.Equal(1, sent.Sum());
        Assert.Equal(0, await mailers[0].RunOnceAsync(monday.AddHours(3)));

        var mail = await Fixture.WithDbAsync(db => db.Outbox.AsNoTracking().SingleAsync(m => m.Kind == "KpiReport"));
        Assert.Equal(CreditManager, mail.Recipient);
        Assert.Equal("Rapport des litiges, du 31/03/2025 au 06/04/2025", mail.Subject);
        Assert.Contains("Litiges ouverts : 4 pour 4\u202f000,00 €\nEncours bloqué : 3\u202f700,00 €\nNouveaux litiges : 2 — décidés : 1\nDécidés dans les délais : 0,0 %\nDélai moyen de résolution : 70,0 jours", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains("/Dashboard/Report?period=2025-w14&language=fr", mail.TextBody, StringComparison.Ordinal);

        var manager = await StaffAsync(CreditManager);
        var pdf = await manager.GetAsync("/Dashboard/Report?period=2025-w14&language=fr");
        Assert.Equal(HttpStatusCode.OK, pdf.StatusCode);
        Assert.Equal("application/pdf", pdf.Content.Headers.ContentType!.MediaType);
        var report = await pdf.Content.ReadAsByteArrayAsync();
        Assert.Equal("%PDF"u8.ToArray(), report[..4]);

        // Tagged like every composed PDF (TaggedPdfTests checks the structure itself), in the report's language.
        var raw = Encoding.Latin1.GetString(report);
        Assert.Contains("/StructTreeRoot", raw, StringComparison.Ordinal);
        Assert.Contains("/Lang (fr-FR)", raw, StringComparison.Ordinal);

        // The same week on the dashboard, as it stood when the report was made (open disputes are counted on that day).
        using (var thatMonday = Fixture.BackOffice.WithWebHostBuilder(builder => builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(new FakeTimeProvider(monday)))))
        {
            var browser = new Browser(thatMonday.CreateClient(NoRedirects));
            Assert.Equal(HttpStatusCode.Redirect, (await browser.SignInAsync(CreditManager)).StatusCode);
            await AssertSameFiguresAsync(browser, report, "/Dashboard?from=2025-03-31&to=2025-04-06");
        }

        Assert.Equal(HttpStatusCode.NotFound, (await manager.GetAsync("/Dashboard/Report?period=2025-w15&language=fr")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await manager.GetAsync("/Dashboard/Report?period=../../x&language=fr")).StatusCode);
        Assert.True(IsAccessDenied(await (await StaffAsync(Admin)).GetAsync("/Dashboard/Report?period=2025-w14&language=fr")));

        // Before 07:00 on the Monday after, the next week is not due yet.
        Assert.Equal(0, await mailers[0].RunOnceAsync(new DateTimeOffset(2025, 4, 14, 4, 0, 0, TimeSpan.Zero)));
        Assert.Equal(1, await mailers[0].RunOnceAsync(new DateTimeOffset(2025, 4, 14, 6, 0, 0, TimeSpan.Zero)));

        // A credit manager who turned the weekly report off on the preferences page gets none.
        await SetMutedAsync(CreditManager, [Litiges.Notifications.NotificationKinds.WeeklyReport]);
        try
        {
            Assert.Equal(0, await mailers[0].RunOnceAsync(new DateTimeOffset(2025, 4, 21, 6, 0, 0, TimeSpan.Zero)));
            Assert.Equal(2, await Fixture.WithDbAsync(db => db.Outbox.CountAsync(m => m.Kind == "KpiReport")));
        }
        finally
        {
            await SetMutedAsync(CreditManager, []);
        }
    }

    // The PDF, read back, prints every table the dashboard shows for the same week, in the same order, and in each
    // table every figure of every row (a long label wraps inside its cell, so within a table words are not ordered).
    private static async Task AssertSameFiguresAsync(Browser browser, byte[] pdf, string dashboardUrl)
    {
        Assert.Equal("%PDF"u8.ToArray(), pdf[..4]);
        using var document = UglyToad.PdfPig.PdfDocument.Open(pdf);
        var printed = string.Concat(document.GetPages().SelectMany(p => p.GetWords()).Select(w => Compact(w.Text)));
        var dashboard = await browser.GetPageAsync(dashboardUrl);
        var sections = dashboard.QuerySelectorAll("section[data-kpi]").ToList();
        Assert.NotEmpty(sections);
        var titles = sections.Select(s => Compact(s.QuerySelector("h2")!.TextContent)).ToList();
        var starts = new List<int>();
        foreach (var title in titles)
        {
            var start = printed.IndexOf(title, starts.Count == 0 ? 0 : starts[^1] + 1, StringComparison.Ordinal);
            Assert.True(start >= 0, $"The table « {title} » of the dashboard is not in the PDF, or not in the same order.");
            starts.Add(start);
        }

        var rows = 0;
        for (var s = 0; s < sections.Count; s++)
        {
            var table = printed[starts[s]..(s + 1 < starts.Count ? starts[s + 1] : printed.Length)];
            foreach (var row in sections[s].QuerySelectorAll("tbody tr"))
            {
                var cells = row.QuerySelectorAll("th, td").Select(c => c.TextContent.Trim()).ToList();
                foreach (var word in cells.SelectMany(c => c.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).Select(Compact).Where(w => w.Length > 0))
                {
                    Assert.True(table.Contains(word, StringComparison.Ordinal), $"{titles[s]}, row « {string.Join(" | ", cells)} »: « {word} » is on the dashboard, not in that table of the PDF.");
                }

                rows++;
            }
        }

        Assert.True(rows > 0, "The dashboard shows no figures to compare.");
    }

    private static string Compact(string text) => string.Concat(text.Where(c => !char.IsWhiteSpace(c) && c != '\u202F' && c != '\u00A0'));

    private Task SetMutedAsync(string email, string[] kinds) =>
        Fixture.WithDbAsync(async db =>
        {
            var user = await db.Users.SingleAsync(u => u.Email == email);
            user.MuteNotifications(kinds);
            await db.SaveChangesAsync();
        });

    [Fact]
    public void Monthly_reports_cover_the_month_just_ended()
    {
        var period = KpiReportPeriod.LastDue(new DateTimeOffset(2025, 3, 1, 8, 0, 0, TimeSpan.Zero), KpiReportFrequency.Monthly, 7)!;
        Assert.Equal(("2025-m02", new DateOnly(2025, 2, 1), new DateOnly(2025, 2, 28)), (period.Key, period.From, period.To));
        Assert.Null(KpiReportPeriod.LastDue(new DateTimeOffset(2025, 3, 1, 5, 0, 0, TimeSpan.Zero), KpiReportFrequency.Monthly, 7));
    }

    private KpiReportMailer NewMailer()
    {
        var services = Fixture.BackOffice.Services;
        return new KpiReportMailer(
            services.GetRequiredService<IServiceScopeFactory>(),
            TimeProvider.System,
            services.GetRequiredService<Litiges.Notifications.PublicLinks>(),
            Options.Create(new KpiReportOptions()),
            NullLogger<KpiReportMailer>.Instance);
    }

    private Task<List<string>> ReferencesAsync(params int[] disputes) =>
        Fixture.WithDbAsync(db =>
        {
            var ids = disputes.Select(Fixture.Kpi.D).ToList();
            return db.Disputes.Where(d => ids.Contains(d.Id)).Select(d => d.Reference).OrderBy(r => r).ToListAsync();
        });

    /// <summary>Every reference the queue lists at <paramref name="url"/>, page after page.</summary>
    private static async Task<List<string>> QueueReferencesAsync(Browser browser, string url)
    {
        var references = new List<string>();
        string? next = WebUtility.HtmlDecode(url);
        while (next is not null)
        {
            var page = await browser.GetPageAsync(next);
            Assert.NotNull(page.QuerySelector("[data-testid=dashboard-selection]"));
            references.AddRange(page.QuerySelectorAll("table tbody tr[data-reference]").Select(r => r.GetAttribute("data-reference")!));
            next = page.QuerySelector("a[rel=next]")?.GetAttribute("href") is { } href ? WebUtility.HtmlDecode(href) : null;
        }

        return references.Order(StringComparer.Ordinal).ToList();
    }
}

public sealed class SqliteDashboardPageTests(KpiSqliteFixture fixture) : DashboardPageTests<KpiSqliteFixture>(fixture);

public sealed class PostgreSqlDashboardPageTests(KpiPostgreSqlFixture fixture) : DashboardPageTests<KpiPostgreSqlFixture>(fixture);
