using Litiges.Accounts;

namespace Litiges.Notifications;

/// <summary>
/// The absolute links that e-mails carry, always on the configured public addresses
/// (<c>Email:PortalUrl</c>, <c>Email:BackOfficeUrl</c>) and never on the request's Host header:
/// a forged Host would otherwise send a victim a reset link to the attacker's site.
/// </summary>
public sealed class PublicLinks(MailSettings mail)
{
    /// <summary>A page of the customer portal, <paramref name="path"/> being e.g. <c>Url.Page(...)</c> without a protocol.</summary>
    public string Portal(string path) => Join(mail.PublicPortalUrl, path);

    public string BackOffice(string path) => Join(mail.PublicBackOfficeUrl, path);

    /// <summary>A dispute's page on the portal, by its reference (what the customer reads in every e-mail).</summary>
    public string PortalDispute(string reference) => Portal("/Disputes/Details/" + Uri.EscapeDataString(reference));

    /// <summary>
    /// The short link of a dispute for an SMS, on the app <paramref name="kind"/> of user signs in
    /// to: it leads to the dispute's page once signed in, and only for whoever may see it.
    /// </summary>
    public string ShortDispute(UserKind kind, string reference) => For(kind, "/d/" + Uri.EscapeDataString(reference));

    /// <summary>A dispute's file in the back office, by its id.</summary>
    public string BackOfficeDispute(int disputeId) => BackOffice(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"/Disputes/Details/{disputeId}"));

    /// <summary>The queue of proposals waiting for an approval.</summary>
    public string BackOfficeApprovals() => BackOffice("/Settlements/Approvals");

    /// <summary>The tasks of the staff member who opens it.</summary>
    public string BackOfficeTasks() => BackOffice("/Tasks");

    /// <summary>A page of the app that <paramref name="kind"/> of user signs in to.</summary>
    public string For(UserKind kind, string path) => kind == UserKind.Customer ? Portal(path) : BackOffice(path);

    private static string Join(string baseUrl, string path) => baseUrl.TrimEnd('/') + "/" + path.TrimStart('/');
}
