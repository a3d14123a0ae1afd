using Litiges.Data;
using Microsoft.EntityFrameworkCore;

namespace Litiges.Numbering;

public static class SequenceNumbers
{
    /// <summary>
    /// Takes the next number of a yearly sequence ("LIT-2026-000124") and saves it at once, retrying
    /// when another request took a number at the same moment. Call it before making other changes
    /// in the context, since it saves.
    /// </summary>
    public static async Task<string> NextAsync(LitigesDbContext db, string prefix, int year, CancellationToken cancellationToken = default)
    {
        var key = FormattableString.Invariant($"{prefix}-{year}");
        for (var attempt = 1; ; attempt++)
        {
            var sequence = await db.DocumentSequences.FindAsync([key], cancellationToken);
            if (sequence is null)
            {
                sequence = new DocumentSequence(key);
                db.DocumentSequences.Add(sequence);
            }

            var value = sequence.Advance();
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return DocumentSequence.Format(prefix, year, value);
            }
            catch (DbUpdateException) when (attempt < 20)
            {
                // Someone else advanced (or created) the row: forget ours and read theirs.
                db.Entry(sequence).State = EntityState.Detached;
                await Task.Delay(Random.Shared.Next(5, 25 * attempt), cancellationToken);
            }
        }
    }
}
