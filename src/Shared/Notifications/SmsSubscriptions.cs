using Litiges.Data;
using Microsoft.EntityFrameworkCore;

namespace Litiges.Notifications;

/// <summary>What a text sent to our number asks.</summary>
public enum SmsKeyword
{
    None,
    Stop,
    Start,
}

/// <summary>
/// A phone that answers STOP (ARRET, STOPALL, UNSUBSCRIBE...) gets no SMS from us any more, whoever
/// holds that number, until it answers START; so does one the provider reports as unsubscribed.
/// Each is one statement on the users with that number, with a new concurrency stamp, so that a
/// page saving older values of such a user fails instead of undoing it.
/// </summary>
public static class SmsSubscriptions
{
    private static readonly HashSet<string> StopWords = new(["STOP", "STOPALL", "ARRET", "ARRÊT", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"], StringComparer.OrdinalIgnoreCase);

    private static readonly HashSet<string> StartWords = new(["START", "UNSTOP", "YES"], StringComparer.OrdinalIgnoreCase);

    /// <summary>The keyword of a text: the whole text, any case, spaces and final punctuation aside.</summary>
    public static SmsKeyword Read(string? body)
    {
        var word = (body ?? string.Empty).Trim().TrimEnd('.', '!');
        return StopWords.Contains(word) ? SmsKeyword.Stop : StartWords.Contains(word) ? SmsKeyword.Start : SmsKeyword.None;
    }

    /// <summary>Stops every SMS to <paramref name="number"/>; how many users it concerns.</summary>
    public static Task<int> StopAsync(LitigesDbContext db, string number, DateTimeOffset at, CancellationToken cancellationToken) =>
        db.Users.Where(u => u.PhoneNumber == number && u.SmsStoppedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.SmsStoppedAt, at).SetProperty(u => u.ConcurrencyStamp, Guid.NewGuid().ToString()), cancellationToken);

    /// <summary>SMS to <paramref name="number"/> may leave again; how many users it concerns.</summary>
    public static Task<int> ResumeAsync(LitigesDbContext db, string number, CancellationToken cancellationToken) =>
        db.Users.Where(u => u.PhoneNumber == number && u.SmsStoppedAt != null)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.SmsStoppedAt, (DateTimeOffset?)null).SetProperty(u => u.ConcurrencyStamp, Guid.NewGuid().ToString()), cancellationToken);
}
