using System.Globalization;
using Litiges.Disputes;
using Microsoft.Extensions.Localization;

namespace Litiges.Localization;

/// <summary>Turns a refused business rule into a sentence in the user's language.</summary>
public static class DomainErrors
{
    public static string Message(this IStringLocalizer t, DomainException error)
    {
        var arguments = error.Arguments.Select(argument => argument switch
        {
            DisputeStatus status => t["DisputeStatus." + status].Value,
            DisputeAction action => t["DisputeAction." + action].Value,
            ActorRole role => t["ActorRole." + role].Value,
            decimal amount => amount.ToString("N2", CultureInfo.CurrentCulture),
            _ => argument,
        }).ToArray();
        var message = t["Error." + error.Code, arguments];
        return message.ResourceNotFound ? t["Error.Domain.Unknown"] : message;
    }
}
