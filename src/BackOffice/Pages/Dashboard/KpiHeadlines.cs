using System.Globalization;
using Litiges.Finance;
using Litiges.Kpis;
using Microsoft.Extensions.Localization;

namespace Litiges.BackOffice.Pages.Dashboard;

/// <summary>How a change reads for the business: fewer new disputes is better, a longer delay worse.</summary>
public enum KpiTone
{
    Better,
    Worse,
    Same,
}

/// <summary>A headline figure's change against the previous period of the same length: its text and tone.</summary>
public sealed record KpiChange(string Text, KpiTone Tone);

/// <summary>
/// One headline card of the dashboard's first screen: the figure, what it covers, the disputes
/// behind it (for the queue link), and its change against the previous period when the figure
/// belongs to a period (figures of today have none: nobody kept yesterday's snapshot).
/// </summary>
public sealed record KpiHeadline(string Key, string Label, string Value, string Detail, DisputeSelection? Disputes, KpiChange? Change, string Definition);

/// <summary>The headline cards of a report, compared with the report of the previous period.</summary>
public sealed class KpiHeadlines(IStringLocalizer t, CultureInfo culture)
{
    public IReadOnlyList<KpiHeadline> Of(KpiReport report, KpiReport? previous)
    {
        var newCount = report.Trend.Sum(p => p.New.Count);
        var newAmount = report.Trend.Sum(p => p.New.Amount);
        var sla = report.Sla;
        var average = report.Resolution.All.AverageDays;
        return
        [
            new("Open", t["Kpis.Headline.Open"], Count(report.Open.Total.Count), t["Kpis.Headline.OpenDetail", Euros(report.Open.Total.Amount)], report.Open.Total.Disputes, null, t["Kpis.Headline.Open.Definition"]),
            new("Blocked", t["Kpis.Summary.Blocked"], Euros(report.Blocked.Amount), t["Kpis.Headline.BlockedDetail", Count(report.Blocked.Invoices), Count(report.Blocked.DisputeCount)], report.Blocked.Disputes, null, t["Kpis.Headline.Blocked.Definition"]),
            new("New", t["Kpis.Headline.New"], Count(newCount), t["Kpis.Headline.NewDetail", Euros(newAmount)], null, previous is null ? null : CountChange(newCount, previous.Trend.Sum(p => p.New.Count), lowerIsBetter: true), t["Kpis.Headline.New.Definition"]),
            new("WithinSla", t["Kpis.Summary.WithinSla"], Share(sla.Share), t["Kpis.Headline.WithinSlaDetail", Count(sla.Within.Count), Count(sla.Decided.Count)], sla.Within.Disputes, previous is null ? null : PointsChange(sla.Share, previous.Sla.Share), t["Kpis.Headline.WithinSla.Definition"]),
            new("Resolution", t["Kpis.Headline.Resolution"], Days(average), t["Kpis.Headline.ResolutionDetail", Days(report.Resolution.All.MedianDays)], null, previous is null ? null : DaysChange(average, previous.Resolution.All.AverageDays), t["Kpis.Headline.Resolution.Definition"]),
            new("Dso", t["Kpis.Headline.Dso"], Days(report.Dso.Dso), t["Kpis.Headline.DsoDetail", Days(report.Dso.DsoExcludingDisputed)], null, previous is null ? null : DaysChange(report.Dso.Dso, previous.Dso.Dso), t["Kpis.Headline.Dso.Definition"]),
        ];
    }

    /// <summary>The period just before <paramref name="filter"/>'s, of the same number of days, under the same filters.</summary>
    public static KpiFilter PreviousOf(KpiFilter filter) =>
        filter with { From = filter.From.AddDays(-filter.Days), To = filter.From.AddDays(-1) };

    private string Count(int value) => value.ToString("N0", culture);

    private string Euros(decimal value) => Money.Euros(value).Format(culture);

    private string Share(decimal? value) => value?.ToString("P1", culture) ?? "—";

    private string Days(decimal? value) => value is { } days ? t["Kpis.Headline.Days", days.ToString("N1", culture)] : "—";

    private KpiChange CountChange(int now, int before, bool lowerIsBetter)
    {
        if (now == before)
        {
            return new(t["Kpis.Headline.Unchanged"], KpiTone.Same);
        }

        var difference = now - before;
        var text = before == 0
            ? Signed(difference.ToString("N0", culture), difference)
            : t["Kpis.Headline.CountChange", Signed(difference.ToString("N0", culture), difference), Signed(((decimal)Math.Abs(difference) / before).ToString("P0", culture), difference)].Value;
        return new(t["Kpis.Headline.Versus", text], Tone(difference, lowerIsBetter));
    }

    private KpiChange? PointsChange(decimal? now, decimal? before)
    {
        if (now is null || before is null)
        {
            return new(t["Kpis.Headline.NoComparison"], KpiTone.Same);
        }

        var points = Math.Round((now.Value - before.Value) * 100, 1);
        return points == 0
            ? new(t["Kpis.Headline.Unchanged"], KpiTone.Same)
            : new(t["Kpis.Headline.Versus", t["Kpis.Headline.Points", Signed(Math.Abs(points).ToString("N1", culture), points)].Value], Tone(points, lowerIsBetter: false));
    }

    private KpiChange? DaysChange(decimal? now, decimal? before)
    {
        if (now is null || before is null)
        {
            return new(t["Kpis.Headline.NoComparison"], KpiTone.Same);
        }

        var days = Math.Round(now.Value - before.Value, 1);
        return days == 0
            ? new(t["Kpis.Headline.Unchanged"], KpiTone.Same)
            : new(t["Kpis.Headline.Versus", t["Kpis.Headline.Days", Signed(Math.Abs(days).ToString("N1", culture), days)].Value], Tone(days, lowerIsBetter: true));
    }

    /// <summary>The number with its sign: a real minus sign, as typography wants it.</summary>
    private static string Signed(string magnitude, decimal direction) =>
        (direction < 0 ? "\u2212" : "+") + magnitude.TrimStart('-', '\u2212');

    private static KpiTone Tone(decimal difference, bool lowerIsBetter) =>
        difference == 0 ? KpiTone.Same : (difference < 0) == lowerIsBetter ? KpiTone.Better : KpiTone.Worse;
}
