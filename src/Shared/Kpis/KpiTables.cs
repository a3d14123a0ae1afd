using System.Globalization;
using System.Text;
using Litiges.Documents;
using Litiges.Finance;
using Litiges.Localization;

namespace Litiges.Kpis;

/// <summary>A cell of a dashboard table: as shown, as written to CSV, and the disputes behind it.</summary>
public sealed record KpiCell(string Text, string Csv, DisputeSelection? Disputes = null, bool Numeric = false);

/// <summary>
/// One table of the dashboard. The page shows it under its chart, exports it as CSV, and the weekly
/// report prints it: the same rows everywhere. <see cref="Chart"/> is the column drawn, if any.
/// </summary>
public sealed record KpiTable(string Key, string Title, string Definition, IReadOnlyList<string> Headers, IReadOnlyList<IReadOnlyList<KpiCell>> Rows, IReadOnlyList<KpiSeries> Chart);

/// <summary>A column of a table drawn as bars: its header and, per row, the value.</summary>
public sealed record KpiSeries(int Column, IReadOnlyList<decimal> Values);

/// <summary>Turns a <see cref="KpiReport"/> into the dashboard's tables, in a given language.</summary>
public sealed class KpiTables(CultureInfo culture, IReadOnlyDictionary<string, LocalizedText> reasons, IReadOnlyDictionary<int, LocalizedText> rootCauses)
{
    public CultureInfo Culture => culture;

    public IReadOnlyList<KpiTable> Of(KpiReport report) =>
    [
        Summary(report),
        Ageing(report.Open),
        Trend(report.Trend, report.Filter.EffectiveInterval),
        Resolution(report.Resolution),
        Sla(report.Sla),
        ByReason(report.ByReason),
        ByRootCause(report.ByRootCause),
        TopCustomers(report.TopCustomers),
        Repeated(report.Recurring),
    ];

    public string Text(string key, params object[] arguments)
    {
        if (!TextCatalog.Instance.TryGet(key, culture, out var text))
        {
            throw new InvalidOperationException($"Missing text '{key}'.");
        }

        return arguments.Length == 0 ? text : string.Format(culture, text, arguments);
    }

    public KpiCell Count(int value, DisputeSelection? disputes = null) => new(value.ToString("N0", culture), value.ToString(CultureInfo.InvariantCulture), disputes, Numeric: true);

    public KpiCell Amount(decimal value, DisputeSelection? disputes = null) => new(Money.Euros(value).Format(culture), value.ToString("0.00", culture), disputes, Numeric: true);

    public KpiCell Days(decimal? value) => value is { } days ? new(days.ToString("N1", culture), days.ToString("0.##", culture), Numeric: true) : None();

    public KpiCell Share(decimal? value) => value is { } share ? new(share.ToString("P1", culture), Math.Round(share * 100, 1).ToString("0.0", culture), Numeric: true) : None();

    public KpiCell Label(string text) => new(text, text);

    public string Day(DateOnly day) => day.ToString("d", culture);

    private static KpiCell None() => new("—", string.Empty, Numeric: true);

    private KpiTable Table(string key, IReadOnlyList<string> headers, IReadOnlyList<IReadOnlyList<KpiCell>> rows, params KpiSeries[] chart) =>
        new(key, Text($"Kpis.{key}.Title"), Text($"Kpis.{key}.Definition"), headers, rows, chart);

    private KpiTable Summary(KpiReport report)
    {
        var invoices = report.DisputedInvoices;
        var resolution = report.Resolution.All;
        KpiCell Ratio(int part, int whole, decimal? share, DisputeSelection? disputes = null) =>
            new(Text("Kpis.Ratio", part.ToString("N0", culture), whole.ToString("N0", culture), share?.ToString("P1", culture) ?? "—"), share is null ? string.Empty : Math.Round(share.Value * 100, 1).ToString("0.0", culture), disputes, Numeric: true);

        IReadOnlyList<KpiCell>[] rows =
        [
            [Label(Text("Kpis.Summary.OpenCount")), Count(report.Open.Total.Count, report.Open.Total.Disputes)],
            [Label(Text("Kpis.Summary.OpenAmount")), Amount(report.Open.Total.Amount, report.Open.Total.Disputes)],
            [Label(Text("Kpis.Summary.Blocked")), Amount(report.Blocked.Amount, report.Blocked.Disputes)],
            [Label(Text("Kpis.Summary.DisputedInvoices")), Ratio(invoices.DisputedCount, invoices.IssuedCount, invoices.CountRate, invoices.Disputes)],
            [Label(Text("Kpis.Summary.DisputedAmount")), new(Text("Kpis.AmountRatio", Money.Euros(invoices.DisputedAmount).Format(culture), Money.Euros(invoices.IssuedAmount).Format(culture), invoices.AmountRate?.ToString("P1", culture) ?? "—"), invoices.AmountRate is { } rate ? Math.Round(rate * 100, 1).ToString("0.0", culture) : string.Empty, invoices.Disputes, Numeric: true)],
            [Label(Text("Kpis.Summary.AverageDays")), Days(resolution.AverageDays)],
            [Label(Text("Kpis.Summary.MedianDays")), Days(resolution.MedianDays)],
            [Label(Text("Kpis.Summary.WithinSla")), Ratio(report.Sla.Within.Count, report.Sla.Decided.Count, report.Sla.Share, report.Sla.Within.Disputes)],
            [Label(Text("Kpis.Summary.Recurring")), Ratio(report.Recurring.RepeatCustomers, report.Recurring.Customers, report.Recurring.Share)],
            [Label(Text("Kpis.Summary.Dso")), Days(report.Dso.Dso)],
            [Label(Text("Kpis.Summary.DsoExcludingDisputed")), Days(report.Dso.DsoExcludingDisputed)],
        ];
        return Table("Summary", [Text("Kpis.Column.Indicator"), Text("Kpis.Column.Value")], rows);
    }

    private KpiTable Ageing(OpenDisputes open) =>
        Table(
            "Ageing",
            [Text("Kpis.Column.Age"), Text("Kpis.Column.Count"), Text("Kpis.Column.Amount")],
            open.Ageing.Select(a => (IReadOnlyList<KpiCell>)[Label(Text("Kpis.Age." + a.Bucket)), Count(a.Figure.Count, a.Figure.Disputes), Amount(a.Figure.Amount, a.Figure.Disputes)]).ToList(),
            new KpiSeries(1, open.Ageing.Select(a => (decimal)a.Figure.Count).ToList()));

    private KpiTable Trend(IReadOnlyList<TrendPoint> trend, KpiInterval interval) =>
        Table(
            "Trend",
            [Text("Kpis.Column.Period"), Text("Kpis.Column.New"), Text("Kpis.Column.NewAmount"), Text("Kpis.Column.Resolved"), Text("Kpis.Column.ResolvedAmount"), Text("Kpis.Column.Withdrawn")],
            trend.Select(p => (IReadOnlyList<KpiCell>)
            [
                Label(interval == KpiInterval.Month
                    ? p.Start.ToString("MMMM yyyy", culture)
                    : Text("Kpis.Week", ISOWeek.GetWeekOfYear(p.Start.ToDateTime(TimeOnly.MinValue)), p.Start.ToString("d", culture), p.End.ToString("d", culture))),
                Count(p.New.Count, p.New.Disputes),
                Amount(p.New.Amount, p.New.Disputes),
                Count(p.Resolved.Count, p.Resolved.Disputes),
                Amount(p.Resolved.Amount, p.Resolved.Disputes),
                Count(p.Withdrawn.Count, p.Withdrawn.Disputes),
            ]).ToList(),
            new KpiSeries(1, trend.Select(p => (decimal)p.New.Count).ToList()),
            new KpiSeries(3, trend.Select(p => (decimal)p.Resolved.Count).ToList()));

    private KpiTable Resolution(ResolutionTimes resolution) =>
        Table(
            "Resolution",
            [Text("Kpis.Column.Reason"), Text("Kpis.Column.Decided"), Text("Kpis.Column.AverageDays"), Text("Kpis.Column.MedianDays")],
            [
                .. resolution.ByReason.Select(r => (IReadOnlyList<KpiCell>)[Label(ReasonLabel(r.ReasonCode!)), Count(r.Count, r.Disputes), Days(r.AverageDays), Days(r.MedianDays)]),
                [Label(Text("Kpis.AllReasons")), Count(resolution.All.Count, resolution.All.Disputes), Days(resolution.All.AverageDays), Days(resolution.All.MedianDays)],
            ],
            new KpiSeries(2, [.. resolution.ByReason.Select(r => r.AverageDays ?? 0m), resolution.All.AverageDays ?? 0m]));

    private KpiTable Sla(SlaCompliance sla) =>
        Table(
            "Sla",
            [Text("Kpis.Column.Outcome"), Text("Kpis.Column.Count")],
            [
                [Label(Text("Kpis.Sla.Within")), Count(sla.Within.Count, sla.Within.Disputes)],
                [Label(Text("Kpis.Sla.Late")), Count(sla.Late.Count, sla.Late.Disputes)],
                .. sla.Breaches.Select(b => (IReadOnlyList<KpiCell>)[Label(Text("Kpis.Sla.Breach", Text("DeadlineKind." + b.Step))), Count(b.Count, b.Disputes)]),
            ],
            new KpiSeries(1, [sla.Within.Count, sla.Late.Count, .. sla.Breaches.Select(b => (decimal)b.Count)]));

    private KpiTable ByReason(IReadOnlyList<ReasonFigure> figures) =>
        Table(
            "Reasons",
            [Text("Kpis.Column.Reason"), Text("Kpis.Column.Count"), Text("Kpis.Column.Amount")],
            figures.Select(r => (IReadOnlyList<KpiCell>)[Label(ReasonLabel(r.ReasonCode)), Count(r.Figure.Count, r.Figure.Disputes), Amount(r.Figure.Amount, r.Figure.Disputes)]).ToList(),
            new KpiSeries(2, figures.Select(r => r.Figure.Amount).ToList()));

    private KpiTable ByRootCause(IReadOnlyList<RootCauseFigure> figures) =>
        Table(
            "RootCauses",
            [Text("Kpis.Column.RootCause"), Text("Kpis.Column.Count"), Text("Kpis.Column.Amount")],
            figures.Select(r => (IReadOnlyList<KpiCell>)[Label(rootCauses.TryGetValue(r.RootCauseId, out var label) ? label.For(culture) : r.Code), Count(r.Figure.Count, r.Figure.Disputes), Amount(r.Figure.Amount, r.Figure.Disputes)]).ToList(),
            new KpiSeries(1, figures.Select(r => (decimal)r.Figure.Count).ToList()),
            new KpiSeries(2, figures.Select(r => r.Figure.Amount).ToList()));

    private KpiTable TopCustomers(IReadOnlyList<CustomerFigure> figures) =>
        Table(
            "Customers",
            [Text("Kpis.Column.Customer"), Text("Kpis.Column.Count"), Text("Kpis.Column.Amount")],
            figures.Select(c => (IReadOnlyList<KpiCell>)[Label(c.Customer), Count(c.Figure.Count, c.Figure.Disputes), Amount(c.Figure.Amount, c.Figure.Disputes)]).ToList(),
            new KpiSeries(2, figures.Select(c => c.Figure.Amount).ToList()));

    private KpiTable Repeated(RecurringDisputes recurring) =>
        Table(
            "Repeated",
            [Text("Kpis.Column.Customer"), Text("Kpis.Column.Reason"), Text("Kpis.Column.Count")],
            recurring.RepeatedReasons.Select(r => (IReadOnlyList<KpiCell>)[Label(r.Customer), Label(ReasonLabel(r.ReasonCode)), Count(r.Count, r.Disputes)]).ToList());

    private string ReasonLabel(string code) => reasons.TryGetValue(code, out var label) ? $"{code} — {label.For(culture)}" : code;
}

/// <summary>CSV as French spreadsheets open it: UTF-8 with a byte-order mark, semicolons, each cell by <see cref="CsvCells"/>.</summary>
public static class KpiCsv
{
    private const char Separator = ';';

    public static byte[] Write(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<KpiCell>> rows)
    {
        var text = new StringBuilder();
        Line(headers.Select(h => CsvCells.Text(h, Separator)));
        foreach (var row in rows)
        {
            Line(row.Select(c => c.Numeric ? CsvCells.Number(c.Csv, Separator) : CsvCells.Text(c.Csv, Separator)));
        }

        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text.ToString())];

        void Line(IEnumerable<string> fields)
        {
            text.Append(string.Join(Separator, fields)).Append("\r\n");
        }
    }
}
