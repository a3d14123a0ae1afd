using Litiges.Data;
using Microsoft.EntityFrameworkCore;

namespace Litiges.Jobs;

/// <summary>
/// Which instance runs a job that must run on one instance at a time (reading a mailbox), and
/// until when: a crashed instance's lease runs out and another takes over.
/// </summary>
public sealed class JobLease
{
    private JobLease()
    {
        Name = Owner = string.Empty;
    }

    private JobLease(string name, string owner, DateTimeOffset until)
    {
        Name = name;
        Owner = owner;
        Until = until;
    }

    public string Name { get; private set; }

    public string Owner { get; private set; }

    public DateTimeOffset Until { get; private set; }

    /// <summary>Takes (or extends) the lease for <paramref name="owner"/>; false when another instance holds it.</summary>
    public static async Task<bool> TryTakeAsync(LitigesDbContext db, string name, string owner, DateTimeOffset now, TimeSpan length, CancellationToken cancellationToken)
    {
        var until = now + length;
        if (await db.JobLeases.Where(l => l.Name == name && (l.Until < now || l.Owner == owner))
                .ExecuteUpdateAsync(s => s.SetProperty(l => l.Owner, owner).SetProperty(l => l.Until, until), cancellationToken) > 0)
        {
            return true;
        }

        if (await db.JobLeases.AnyAsync(l => l.Name == name, cancellationToken))
        {
            return false;
        }

        var lease = new JobLease(name, owner, until);
        db.JobLeases.Add(lease);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException)
        {
            // Another instance created it first.
            return false;
        }
        finally
        {
            db.Entry(lease).State = EntityState.Detached;
        }
    }

    /// <summary>Gives the lease back at once, for the next pass of whichever instance comes first.</summary>
    public static Task ReleaseAsync(LitigesDbContext db, string name, string owner, DateTimeOffset now) =>
        db.JobLeases.Where(l => l.Name == name && l.Owner == owner).ExecuteUpdateAsync(s => s.SetProperty(l => l.Until, now), CancellationToken.None);
}
