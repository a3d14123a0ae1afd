using System.Globalization;
using Litiges.Deadlines;
using Litiges.Disputes;
using Litiges.Kpis;
using Microsoft.AspNetCore.Http;

namespace Litiges.BackOffice.Pages.Dashboard;

/// <summary>
/// A dashboard figure's <see cref="DisputeSelection"/> as the queue's query string, and back. The
/// reason code, department and owner travel in the queue's own filters; the rest in extra parameters.
/// </summary>
public static class QueueLinks
{
    /// <summary>The parameters the queue reads back with <see cref="Parse"/>, beyond its own filters.</summary>
    public static readonly IReadOnlyList<string> SelectionKeys = ["statuses", "dated", "from", "to", "rootCause", "withinSla", "breach", "blocked", "customerId"];

    public static Dictionary<string, string> ToQuery(DisputeSelection selection)
    {
        var values = new Dictionary<string, string?>
        {
            ["statuses"] = selection.Statuses is { } statuses ? string.Join(',', statuses) : null,
            ["reason"] = selection.ReasonCode,
            ["department"] = selection.DepartmentId?.ToString(CultureInfo.InvariantCulture),
            ["owner"] = selection.OwnerUserId,
            ["customerId"] = selection.CustomerAccountId?.ToString(CultureInfo.InvariantCulture),
            ["dated"] = selection.Dated?.ToString(),
            ["from"] = selection.From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["to"] = selection.To?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["rootCause"] = selection.RootCauseId?.ToString(CultureInfo.InvariantCulture),
            ["withinSla"] = selection.WithinSla is { } within ? (within ? "true" : "false") : null,
            ["breach"] = selection.Breach?.ToString(),
            ["blocked"] = selection.Blocked is { } blocked ? (blocked ? "true" : "false") : null,

            // Ended disputes have no deadline left to sort on: list by age.
            ["sort"] = "Age",
        };
        return values.Where(v => !string.IsNullOrEmpty(v.Value)).ToDictionary(v => v.Key, v => v.Value!);
    }

    /// <summary>The selection the query carries, without the queue's own filters; null when it carries none.</summary>
    public static DisputeSelection? Parse(IQueryCollection query)
    {
        if (!SelectionKeys.Any(query.ContainsKey))
        {
            return null;
        }

        return new DisputeSelection
        {
            Statuses = query.TryGetValue("statuses", out var statuses) && !string.IsNullOrEmpty(statuses)
                ? statuses.ToString().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s => Enum.TryParse<DisputeStatus>(s, out var status) ? status : (DisputeStatus?)null).OfType<DisputeStatus>().Distinct().ToList()
                : null,
            CustomerAccountId = Int(query, "customerId"),
            Dated = Enum.TryParse<DisputeDate>(query["dated"], out var dated) ? dated : null,
            From = DateOnly.TryParseExact(query["from"], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var from) ? from : null,
            To = DateOnly.TryParseExact(query["to"], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var to) ? to : null,
            RootCauseId = Int(query, "rootCause"),
            WithinSla = bool.TryParse(query["withinSla"], out var within) ? within : null,
            Breach = Enum.TryParse<DeadlineKind>(query["breach"], out var breach) ? breach : null,
            Blocked = bool.TryParse(query["blocked"], out var blocked) ? blocked : null,
        };
    }

    /// <summary>The selection's own parameters as they came, for the queue's links and forms to keep.</summary>
    public static Dictionary<string, string> Kept(IQueryCollection query) =>
        SelectionKeys.Where(k => !string.IsNullOrEmpty(query[k])).ToDictionary(k => k, k => query[k].ToString());

    private static int? Int(IQueryCollection query, string key) =>
        int.TryParse(query[key], NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;
}
