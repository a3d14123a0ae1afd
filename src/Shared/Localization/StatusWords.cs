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
    public static string Key(DisputeStatus status, bool forCustomer) =>
        forCustomer && TextCatalog.Instance.Keys.Contains(CustomerKey(status)) ? CustomerKey(status) : $"DisputeStatus.{status}";

    private static string CustomerKey(DisputeStatus status) => $"DisputeStatus.ForCustomer.{status}";
}
