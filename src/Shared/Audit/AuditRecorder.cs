using Litiges.Accounts;
using Litiges.Data;
using Litiges.Integration;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Litiges.Audit;

/// <summary>
/// Writes the audit lines of role changes and API-key changes into the same save as the change,
/// whichever page or job makes it: roles granted and removed (rows of AspNetUserRoles), API
/// clients created and revoked. The actor is the signed-in user of the request, else the system.
/// </summary>
public sealed class AuditRecorder(IHttpContextAccessor http, TimeProvider clock) : SaveChangesInterceptor
{
    public const string SystemName = "system";

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is LitigesDbContext db)
        {
            await RecordAsync(db, cancellationToken);
        }

        return result;
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        if (eventData.Context is LitigesDbContext db)
        {
            RecordAsync(db, CancellationToken.None).GetAwaiter().GetResult();
        }

        return result;
    }

    /// <summary>Who is acting in this request: the signed-in user, or the system.</summary>
    public (string? UserId, string Name, string? IpAddress) Actor()
    {
        var context = http.HttpContext;
        var user = context?.User;
        var ip = context?.Connection.RemoteIpAddress?.ToString();
        return user?.Identity?.IsAuthenticated == true && user.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier) is not null
            ? (user.UserId(), user.DisplayName(), ip)
            : (null, SystemName, ip);
    }

    private async Task RecordAsync(LitigesDbContext db, CancellationToken cancellationToken)
    {
        db.ChangeTracker.DetectChanges();
        var lines = new List<AuditEntry>();
        var now = clock.GetUtcNow();
        var (actorId, actorName, ip) = Actor();

        foreach (var entry in db.ChangeTracker.Entries<IdentityUserRole<string>>().Where(e => e.State is EntityState.Added or EntityState.Deleted).ToList())
        {
            var role = await db.Roles.FindAsync([entry.Entity.RoleId], cancellationToken);
            var user = await db.Users.FindAsync([entry.Entity.UserId], cancellationToken);
            lines.Add(new AuditEntry(
                now,
                entry.State == EntityState.Added ? AuditAction.RoleGranted : AuditAction.RoleRemoved,
                actorId,
                actorName,
                entry.Entity.UserId,
                user?.Email ?? entry.Entity.UserId,
                role?.Name ?? entry.Entity.RoleId,
                ip));
        }

        foreach (var entry in db.ChangeTracker.Entries<ApiClient>().ToList())
        {
            var client = entry.Entity;
            if (entry.State == EntityState.Added)
            {
                lines.Add(new AuditEntry(now, AuditAction.ApiKeyCreated, actorId, actorName, null, client.Name, $"{client.KeyPrefix}… ({client.Scopes})", ip));
            }
            else if (entry.State == EntityState.Modified && WasRevoked(entry))
            {
                lines.Add(new AuditEntry(now, AuditAction.ApiKeyRevoked, actorId, actorName, null, client.Name, $"{client.KeyPrefix}…", ip));
            }
        }

        db.AuditLog.AddRange(lines);
    }

    private static bool WasRevoked(EntityEntry<ApiClient> entry)
    {
        var revoked = entry.Property(c => c.RevokedAt);
        return revoked.IsModified && revoked.OriginalValue is null && revoked.CurrentValue is not null;
    }
}
