using System.Security.Claims;
using Litiges.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Litiges.Accounts;

/// <summary>
/// One signed-in browser. The sign-in cookie names its session, and each request checks the row
/// (by primary key) is still open: signing out ends it in the database, so a copy of the cookie
/// taken earlier opens nothing, on whichever instance it is replayed.
/// </summary>
public sealed class UserSession
{
    /// <summary>How often a request in use moves <see cref="LastSeenAt"/>: not a write per request.</summary>
    public static readonly TimeSpan TouchInterval = TimeSpan.FromMinutes(5);

    private UserSession()
    {
        UserId = string.Empty;
    }

    public Guid Id { get; private set; }

    public string UserId { get; private set; }

    public DateTimeOffset StartedAt { get; private set; }

    public DateTimeOffset LastSeenAt { get; private set; }

    public DateTimeOffset? EndedAt { get; private set; }

    public static UserSession Start(string userId, DateTimeOffset now) =>
        new() { Id = Guid.NewGuid(), UserId = userId, StartedAt = now, LastSeenAt = now };
}

/// <summary>Starting, checking and ending <see cref="UserSession"/>s.</summary>
public sealed class UserSessions(LitigesDbContext db, TimeProvider clock)
{
    /// <summary>The session a principal's cookie names, if any.</summary>
    public static Guid? IdOf(ClaimsPrincipal? principal) =>
        Guid.TryParse(principal?.FindFirstValue(LitigesClaims.Session), out var id) ? id : null;

    /// <summary>Opens a session for a sign-in (saved at once) and gives the claim its cookie carries.</summary>
    public async Task<Claim> StartAsync(string userId, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        // Sessions ended or idle beyond any cookie's life are of no further use.
        var stale = now.AddDays(-30);
        await db.UserSessions.Where(s => s.UserId == userId && (s.EndedAt != null || s.LastSeenAt < stale)).ExecuteDeleteAsync(cancellationToken);

        var session = UserSession.Start(userId, now);
        db.UserSessions.Add(session);
        await db.SaveChangesAsync(cancellationToken);
        return new Claim(LitigesClaims.Session, session.Id.ToString("N"));
    }

    public Task EndAsync(Guid id, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        return db.UserSessions.Where(s => s.Id == id && s.EndedAt == null).ExecuteUpdateAsync(s => s.SetProperty(x => x.EndedAt, now), cancellationToken);
    }

    /// <summary>Signs the user out of every browser: sign out everywhere, a new password, a deactivation, an anonymisation.</summary>
    public Task EndAllAsync(string userId, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        return db.UserSessions.Where(s => s.UserId == userId && s.EndedAt == null).ExecuteUpdateAsync(s => s.SetProperty(x => x.EndedAt, now), cancellationToken);
    }

    /// <summary>The user's open sessions, newest first, for the sessions page.</summary>
    public async Task<IReadOnlyList<UserSession>> OpenAsync(string userId, CancellationToken cancellationToken = default) =>
        await db.UserSessions.AsNoTracking().Where(s => s.UserId == userId && s.EndedAt == null).OrderByDescending(s => s.StartedAt).ToListAsync(cancellationToken);

    /// <summary>
    /// The cookie's check on every request, before Identity's security stamp check: a cookie whose
    /// session was ended (or that names none) counts as signed out, and is removed.
    /// </summary>
    public static async Task ValidatePrincipalAsync(CookieValidatePrincipalContext context)
    {
        var principal = context.Principal;
        if (principal?.Identity?.IsAuthenticated != true)
        {
            return;
        }

        try
        {
            await CheckAsync(context, principal);
        }
        catch (Exception error) when (DatabaseUnavailable.Is(error))
        {
            // The database does not answer: nobody is signed in for this request (fail closed, the
            // cookie is kept for when it is back), and the failure is raised again after
            // authentication (RaiseSessionCheckFailure) so that the error page says so (503). Thrown
            // from here, the faulted authentication would fail the error page too.
            context.RejectPrincipal();
            context.HttpContext.Items[SessionCheckFailures.Key] = error;
        }
    }

    private static async Task CheckAsync(CookieValidatePrincipalContext context, ClaimsPrincipal principal)
    {
        var services = context.HttpContext.RequestServices;
        var db = services.GetRequiredService<LitigesDbContext>();
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var userId = principal.FindFirstValue(ClaimTypes.NameIdentifier);
        // The first query of a signed-in request: the page's own queries go on the same connection.
        await db.ShareOneConnectionAsync(context.HttpContext.RequestAborted);
        var session = IdOf(principal) is { } id
            ? await SessionQuery.RunAsync(db, id, context.HttpContext.RequestAborted)
            : null;
        if (session is null || session.EndedAt is not null || session.UserId != userId)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(context.Scheme.Name);
            return;
        }

        if (now - session.LastSeenAt >= UserSession.TouchInterval)
        {
            await db.UserSessions.Where(s => s.Id == session.Id && s.EndedAt == null).ExecuteUpdateAsync(s => s.SetProperty(x => x.LastSeenAt, now), context.HttpContext.RequestAborted);
        }

        // Identity checks the security stamp once per interval since the cookie was issued; asking
        // its validator on every request built a user manager and a sign-in manager for nothing.
        if (StampCheckDue(context, now))
        {
            await SecurityStampValidator.ValidatePrincipalAsync(context);
        }
    }

    /// <summary>The rule of Identity's <c>SecurityStampValidator</c>: no issue date, or older than the interval.</summary>
    private static bool StampCheckDue(CookieValidatePrincipalContext context, DateTimeOffset now)
    {
        var interval = context.HttpContext.RequestServices.GetRequiredService<IOptions<SecurityStampValidatorOptions>>().Value.ValidationInterval;
        return context.Properties.IssuedUtc is not { } issued || now - issued > interval;
    }

    /// <summary>Identity rebuilds the principal after its security stamp check: the session claim goes on to the new one.</summary>
    public static Task KeepSessionClaim(SecurityStampRefreshingPrincipalContext context)
    {
        if (context.CurrentPrincipal?.FindFirst(LitigesClaims.Session) is { } claim && context.NewPrincipal?.Identity is ClaimsIdentity identity && !identity.HasClaim(c => c.Type == LitigesClaims.Session))
        {
            identity.AddClaim(new Claim(LitigesClaims.Session, claim.Value));
        }

        return Task.CompletedTask;
    }
}

/// <summary>What the check on every request reads of a session.</summary>
internal sealed record SessionState(Guid Id, string UserId, DateTimeOffset? EndedAt, DateTimeOffset LastSeenAt);

/// <summary>The session check's query, compiled (<see cref="CompiledPerModel{TQuery}"/>): it runs on every signed-in request.</summary>
internal static class SessionQuery
{
    private static readonly CompiledPerModel<Func<LitigesDbContext, Guid, CancellationToken, Task<SessionState?>>> Query = new(() =>
        EF.CompileAsyncQuery((LitigesDbContext db, Guid id, CancellationToken cancellationToken) =>
            db.UserSessions.AsNoTracking().Where(s => s.Id == id).Select(s => new SessionState(s.Id, s.UserId, s.EndedAt, s.LastSeenAt)).SingleOrDefault()));

    public static Task<SessionState?> RunAsync(LitigesDbContext db, Guid id, CancellationToken cancellationToken) =>
        Query.For(db)(db, id, cancellationToken);
}

/// <summary>A session check that the database could not answer, raised once after authentication.</summary>
public static class SessionCheckFailures
{
    internal static readonly object Key = new();

    /// <summary>Fails the request with the database failure, so that the error page answers 503.</summary>
    public static IApplicationBuilder RaiseSessionCheckFailure(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            if (context.Items.Remove(Key, out var failure) && failure is Exception error)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(error);
            }

            await next(context);
        });
}
