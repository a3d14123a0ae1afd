using System.Globalization;
using Litiges.Accounts;
using Litiges.Disputes;

namespace Litiges.Settlements;

/// <summary>How a customer's answer to a proposal reached customer service, when staff record it.</summary>
public enum AnswerChannel
{
    Phone,
    Email,
    Letter,
}

/// <summary>
/// A customer's answer to a settlement proposal that reached staff outside the portal: who gave it
/// (a portal user of the company, or a named contact), how, and on which day. Staff record it on
/// the contact's behalf, so that a customer without a portal user (a dispute the ERP opened) can
/// settle; the letter or e-mail itself is attached as evidence.
/// </summary>
/// <param name="ContactUserId">The portal user who answered, when it was one.</param>
public sealed record ReceivedAnswer(string ContactName, string? ContactEmail, string? ContactUserId, AnswerChannel Channel, DateOnly ReceivedOn)
{
    public const int MaxNameLength = 200;

    /// <summary>The answer, trimmed, once its facts hold: a name, a readable address, a day between the proposal and today.</summary>
    internal ReceivedAnswer Checked(DateOnly today, DateOnly proposedOn)
    {
        var name = ContactName?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > MaxNameLength)
        {
            throw new DomainException("Settlement.AnswerContactRequired");
        }

        var email = string.IsNullOrWhiteSpace(ContactEmail) ? null : ContactEmail.Trim();
        if (email is not null && !EmailAddressRule.IsValid(email))
        {
            throw new DomainException("Settlement.AnswerContactEmailInvalid");
        }

        if (!Enum.IsDefined(Channel))
        {
            throw new DomainException("Settlement.AnswerChannelRequired");
        }

        if (ReceivedOn > today || ReceivedOn < proposedOn)
        {
            throw new DomainException("Settlement.AnswerDateOutOfRange", proposedOn.ToString("d", CultureInfo.CurrentCulture), today.ToString("d", CultureInfo.CurrentCulture));
        }

        return this with { ContactName = name, ContactEmail = email };
    }

    /// <summary>
    /// The history's words for the record (the history is kept in French, the company's language,
    /// like every text the domain writes into it): who recorded it for whom, by which channel, on which day.
    /// </summary>
    internal string HistoryText(Actor staff, string? comment)
    {
        var french = CultureInfo.GetCultureInfo("fr-FR");
        var contact = ContactEmail is null ? ContactName : $"{ContactName} <{ContactEmail}>";
        var channel = Channel switch
        {
            AnswerChannel.Phone => "par téléphone",
            AnswerChannel.Email => "par e-mail",
            _ => "par courrier",
        };
        var text = $"Réponse du client enregistrée par {staff.DisplayName} pour le compte de {contact}, reçue {channel} le {ReceivedOn.ToString("dd/MM/yyyy", french)}.";
        return comment is null ? text : $"{text}\n{comment}";
    }
}
