using System.Collections.Frozen;
using Litiges.Disputes;

namespace Litiges.Localization;

/// <summary>
/// A dispute's status in the words of the one reading it: a customer reads "Awaiting your answer"
/// where staff read "Awaiting customer". The catalogue holds the staff's words under
/// <c>DisputeStatus.{Status}</c>, and the customer's where they differ under
/// <c>DisputeStatus.ForCustomer.{Status}</c>.
/// </summary>
public static class StatusWords
{
    // Worked out once per status: a list shows a badge per row (the catalogue's key list is not
    // a set, and searching it took a scan of every text per badge).
    private static readonly FrozenDictionary<DisputeStatus, string> StaffKeys =
        Enum.GetValues<DisputeStatus>().ToFrozenDictionary(s => s, StaffKey);

    private static readonly FrozenDictionary<DisputeStatus, string> CustomerKeys =
        Enum.GetValues<DisputeStatus>().ToFrozenDictionary(s => s, s => TextCatalog.Instance.Has(CustomerKey(s)) ? CustomerKey(s) : StaffKey(s));

    public static string Key(DisputeStatus status, bool forCustomer) =>
        (forCustomer ? CustomerKeys : StaffKeys).TryGetValue(status, out var key) ? key : StaffKey(status);

    private static string StaffKey(DisputeStatus status) => $"DisputeStatus.{status}";

    private static string CustomerKey(DisputeStatus status) => $"DisputeStatus.ForCustomer.{status}";
}
