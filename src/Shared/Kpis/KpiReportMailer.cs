using System.Globalization;
using Litiges.Jobs;
using Litiges.Data;
using Litiges.Deadlines;
using Litiges.Documents;
using Litiges.Finance;
using Litiges.Kpis;
using Litiges.Localization;
using Litiges.Notifications;
using Litiges.Numbering;
using Litiges.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Litiges.Kpis;

public enum KpiReportFrequency
{
    Weekly,
    Monthly,
}

public sealed class KpiReportOptions
{
    public bool Enabled { get; set; } = true;

    /// <summary>Weekly (Monday to Sunday, sent on Monday) or monthly (sent on the 1st).</summary>
    public KpiReportFrequency Frequency { get; set; } = KpiReportFrequency.Weekly;

    /// <summary>Hour of the day (Paris) from which the report of the period just ended is sent.</summary>
    public int SendAtHour { get; set; } = 7;

    /// <summary>How often the job looks whether a report is due.</summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromMinutes(30);
}

/// <summary>A period the report covers, and the name its PDF is stored under.</summary>
public sealed record KpiReportPeriod(string Key, DateOnly From, DateOnly To, string SequenceKey, int Number)
{
    public static string BlobName(string key, string language) => BlobNames.Require($"reports/kpi/{key}-{language}");

    /// <summary>The last period that ended before <paramref name="now"/> and is due (at <paramref name="hour"/> on the day after it), or null.</summary>
    public static KpiReportPeriod? LastDue(DateTimeOffset now, KpiReportFrequency frequency, int hour)
    {
        var paris = TimeZoneInfo.ConvertTime(now, FrenchBusinessCalendar.Instance.TimeZone);
        var today = DateOnly.FromDateTime(paris.DateTime);
        DateOnly from, to;
        if (frequency == KpiReportFrequency.Weekly)
        {
            var monday = today.AddDays(-(((int)today.DayOfWeek + 6) % 7));
            (from, to) = (monday.AddDays(-7), monday.AddDays(-1));
        }
        else
        {
            var first = new DateOnly(today.Year, today.Month, 1);
            (from, to) = (first.AddMonths(-1), first.AddDays(-1));
        }

        if (to.AddDays(1) == today && paris.Hour < hour)
        {
            return null;
        }

        if (frequency == KpiReportFrequency.Weekly)
        {
            var date = from.ToDateTime(TimeOnly.MinValue);
            var (year, week) = (ISOWeek.GetYear(date), ISOWeek.GetWeekOfYear(date));
            return new KpiReportPeriod(string.Create(CultureInfo.InvariantCulture, $"{year}-w{week:00}"), from, to, string.Create(CultureInfo.InvariantCulture, $"KPIW-{year}"), week);
        }

        return new KpiReportPeriod(string.Create(CultureInfo.InvariantCulture, $"{from.Year}-m{from.Month:00}"), from, to, string.Create(CultureInfo.InvariantCulture, $"KPIM-{from.Year}"), from.Month);
    }
}

/// <summary>
/// Sends the credit managers the dashboard of the week (or month) just ended: the headline
/// figures in the e-mail, the whole dashboard as a PDF to download from the back office (the
/// outbox carries no attachments). Each period is sent once whatever the number of instances:
/// the period's number is recorded in a sequence row in the same save as the e-mails, under its
/// version, so a second instance's save fails and sends nothing.
/// </summary>
public sealed class KpiReportMailer(
    IServiceScopeFactory scopes,
    TimeProvider clock,
    PublicLinks links,
    IOptions<KpiReportOptions> options,
    ILogger<KpiReportMailer> logger) : PeriodicJob(clock, logger)
{
    /// <summary>Sends the report due at <paramref name="now"/>, if any and not sent yet; returns the number of e-mails queued.</summary>
    public async Task<int> RunOnceAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        now = now.ToUniversalTime();
        var period = KpiReportPeriod.LastDue(now, options.Value.Frequency, options.Value.SendAtHour);
        if (period is null)
        {
            return 0;
        }

        using var scope = scopes.CreateScope();
        var services = scope.ServiceProvider;
        var db = services.GetRequiredService<LitigesDbContext>();
        var sequence = await db.DocumentSequences.FindAsync([period.SequenceKey], cancellationToken);
        if (sequence?.LastValue >= period.Number)
        {
            return 0;
        }

        // A credit manager who turned the report off on the preferences page gets none; the period is recorded all the same.
        var managers = (await Notices.StaffAsync(db, StaffAudience.CreditManagers, cancellationToken)).Where(m => NotificationKinds.DeliveryFor(m, "KpiReport") != NotificationDelivery.Off).ToList();
        var report = await KpiQueries.ComputeAsync(db, new KpiFilter(period.From, period.To) { Interval = KpiInterval.Week }, now, cancellationToken);
        var reasons = await db.ReasonCodes.AsNoTracking().ToDictionaryAsync(r => r.Code, r => r.Label, cancellationToken);
        var rootCauses = await db.RootCauses.AsNoTracking().ToDictionaryAsync(r => r.Id, r => r.Label, cancellationToken);
        var store = services.GetRequiredService<IBlobStore>();
        foreach (var language in managers.Select(m => m.Language).Distinct())
        {
            await StorePdfAsync(store, period, report, new KpiTables(Cultures.For(language), reasons, rootCauses), language, now, cancellationToken);
        }

        foreach (var manager in managers)
        {
            var culture = Cultures.For(manager.Language);
            var tables = new KpiTables(culture, reasons, rootCauses);
            var link = links.BackOffice($"/Dashboard/Report?period={period.Key}&language={manager.Language}");
            Notices.Queue(
                db,
                "KpiReport",
                manager,
                now,
                link,
                tables.Text("Kpis.PeriodRange", tables.Day(period.From), tables.Day(period.To)),
                report.Open.Total.Count.ToString("N0", culture),
                Money.Euros(report.Open.Total.Amount).Format(culture),
                Money.Euros(report.Blocked.Amount).Format(culture),
                report.Trend.Sum(p => p.New.Count).ToString("N0", culture),
                report.Trend.Sum(p => p.Resolved.Count).ToString("N0", culture),
                tables.Share(report.Sla.Share).Text,
                tables.Days(report.Resolution.All.AverageDays).Text,
                tables.Days(report.Dso.Dso).Text);
        }

        if (sequence is null)
        {
            sequence = new DocumentSequence(period.SequenceKey);
            db.DocumentSequences.Add(sequence);
        }

        sequence.Reserve((int)(period.Number - sequence.LastValue));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return managers.Count;
        }
        catch (DbUpdateException)
        {
            // Another instance recorded this period first (a version conflict, or the row it just
            // created): its e-mails are the ones that leave.
            return 0;
        }
    }

    protected override bool Enabled => options.Value.Enabled;

    protected override TimeSpan Interval => options.Value.CheckInterval;

    protected override string Name => "KPI report";

    protected override async Task TickAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var sent = await RunOnceAsync(now, cancellationToken);
        if (sent > 0 && logger.IsEnabled(LogLevel.Information))
        {
            logger.LogInformation("KPI report sent to {Count} credit managers.", sent);
        }
    }

    /// <summary>
    /// Writes the period's PDF in one language unless it is already stored: every instance writes
    /// the same figures, so whichever blob stays is the right one.
    /// </summary>
    private static async Task StorePdfAsync(IBlobStore store, KpiReportPeriod period, KpiReport report, KpiTables tables, string language, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var name = KpiReportPeriod.BlobName(period.Key, language);
        if (await IsStoredAsync(store, name, cancellationToken))
        {
            return;
        }

        using var buffer = new MemoryStream();
        KpiReportDocument.Write(buffer, report, tables, now);
        buffer.Position = 0;
        try
        {
            await store.WriteAsync(name, buffer, "application/pdf", cancellationToken);
        }
        catch (StorageUnavailableException)
        {
            // Another instance may have stored it at the same moment; if not, the failure stands.
            if (!await IsStoredAsync(store, name, cancellationToken))
            {
                throw;
            }
        }
    }

    /// <summary>
    /// Whether the PDF is stored. A blob another instance is still writing cannot be opened yet:
    /// wait for it (a few seconds at most) rather than take it for storage being down.
    /// </summary>
    private static async Task<bool> IsStoredAsync(IBlobStore store, string name, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var stored = await store.OpenReadAsync(name, cancellationToken);
                return stored is not null;
            }
            catch (StorageUnavailableException) when (attempt < 25)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
            }
        }
    }

}

/// <summary>The dashboard as a PDF: every table of the page with its definition, in one language.</summary>
public static class KpiReportDocument
{
    public static void Write(Stream output, KpiReport report, KpiTables tables, DateTimeOffset generatedAt)
    {
        var period = tables.Text("Kpis.PeriodRange", Day(report.Filter.From), Day(report.Filter.To));
        using var pdf = new PdfComposer(output, tables.Text("Kpis.Title"), $"{tables.Text("Kpis.Title")} — {period}", generatedAt, tables.Culture);
        pdf.Title(tables.Text("Kpis.Title"));
        pdf.Paragraph(period, bold: true);
        pdf.Paragraph(tables.Text("Kpis.PeriodShown", Day(report.Filter.From), Day(report.Filter.To), Day(report.Today)), muted: true);
        foreach (var table in tables.Of(report))
        {
            pdf.Heading(table.Title);
            pdf.Paragraph(table.Definition, muted: true);
            if (table.Rows.Count == 0)
            {
                pdf.Paragraph(tables.Text("Kpis.NoData"));
                continue;
            }

            var numeric = Enumerable.Range(1, table.Headers.Count - 1).Where(c => table.Rows[0][c].Numeric).ToHashSet();
            pdf.Table(table.Headers, [2.2f, .. Enumerable.Repeat(1f, table.Headers.Count - 1)], table.Rows.Select(r => (IReadOnlyList<string>)r.Select(c => c.Text).ToList()), numeric);
        }

        pdf.Close();

        string Day(DateOnly day) => tables.Day(day);
    }
}

public static class KpiReportSetup
{
    /// <summary>
    /// Registers the scheduled report (section <c>Kpis:Report</c>, formerly <c>Jobs:KpiReport</c>, still read: Enabled, Frequency, SendAtHour,
    /// CheckInterval) as a hosted service, and as itself so that tests can run one pass.
    /// </summary>
    public static IServiceCollection AddKpiReport(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<KpiReportOptions>(configuration.GetSection("Jobs:KpiReport"));
        services.Configure<KpiReportOptions>(configuration.GetSection("Kpis:Report"));
        services.AddSingleton<KpiReportMailer>();
        services.AddHostedService(provider => provider.GetRequiredService<KpiReportMailer>());
        return services;
    }
}
