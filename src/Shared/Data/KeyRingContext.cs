using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Litiges.Data;

/// <summary>
/// The Data Protection keys (cookies, antiforgery tokens, staged uploads), read through a context
/// that maps only their table. The keys are read when an app starts, before it answers anything:
/// through <see cref="LitigesDbContext"/> that read waited for EF to build the whole model, about a
/// second of a cold start (bench/Pages). The table belongs to <see cref="LitigesDbContext"/>'s model
/// and migrations (its <c>DataProtectionKeys</c>); this context is never migrated.
/// </summary>
public sealed class KeyRingContext(DbContextOptions<KeyRingContext> options) : DbContext(options), IDataProtectionKeyContext
{
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
}
