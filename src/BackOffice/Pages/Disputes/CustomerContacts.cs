using Litiges.Accounts;
using Litiges.Data;
using Microsoft.EntityFrameworkCore;

namespace Litiges.BackOffice.Pages.Disputes;

/// <summary>
/// The people staff act for when they open a dispute or record an answer on a customer's behalf:
/// the company's active portal users, or <see cref="Other"/>, someone named by hand.
/// </summary>
public static class CustomerContacts
{
    /// <summary>The value of the contact choice for someone who has no portal user.</summary>
    public const string Other = "other";

    public static Task<List<ContactView>> OfAsync(LitigesDbContext db, int customerAccountId, CancellationToken cancellationToken) =>
        db.Users.AsNoTracking()
            .Where(u => u.Kind == UserKind.Customer && u.CustomerAccountId == customerAccountId && u.IsActive)
            .OrderBy(u => u.DisplayName).ThenBy(u => u.Id)
            .Select(u => new ContactView(u.Id, u.DisplayName, u.Email!))
            .ToListAsync(cancellationToken);
}

public sealed record ContactView(string UserId, string Name, string Email);
