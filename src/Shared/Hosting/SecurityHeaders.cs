using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Litiges.Hosting;

/// <summary>The rate-limit policies pages and endpoints opt into.</summary>
public static class RateLimits
{
    public const string SignIn = "sign-in";
    public const string PasswordReset = "password-reset";
    public const string Filing = "filing";
    public const string Upload = "upload";

    /// <summary>
    /// Per client address, fixed windows of a minute; limits from <c>Security:RateLimits:*PerMinute</c>,
    /// counted across instances in the database on PostgreSQL and SQL Server (<see cref="RateLimitStore"/>).
    /// A refused request gets 429 with Retry-After, and the page it came from is not run.
    /// </summary>
    public static IServiceCollection AddLitigesRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection("Security:RateLimits");
        var shared = RateLimitStore.IsShared(configuration);
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = (context, _) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
                context.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                return ValueTask.CompletedTask;
            };
            Add(options, shared, SignIn, section.GetValue("SignInPerMinute", 10));
            Add(options, shared, PasswordReset, section.GetValue("PasswordResetPerMinute", 5));
            Add(options, shared, Filing, section.GetValue("FilingPerMinute", 20));
            Add(options, shared, Upload, section.GetValue("UploadPerMinute", 60));
        });
        return services;
    }

    // Only submissions count: showing a form again is harmless. Shared: counted in the database,
    // so that a client gets the limit once whichever instances its requests reach (RateLimitStore).
    private static void Add(RateLimiterOptions options, bool shared, string policy, int permitsPerMinute) =>
        options.AddPolicy(policy, context => HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method)
            ? RateLimitPartition.GetNoLimiter(policy)
            : RateLimitStore.Partition(context, shared, $"{policy}:{context.Connection.RemoteIpAddress}", permitsPerMinute));
}

/// <summary>
/// Headers on every response: a Content-Security-Policy that allows no inline script and no
/// framing, no MIME sniffing, no referrer leaking paths to other sites. A response that set its
/// own policy (a download's <c>sandbox</c>, <see cref="PrivateDownloads"/>) keeps it.
/// </summary>
public static class SecurityHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
        "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                if (!headers.ContainsKey(Microsoft.Net.Http.Headers.HeaderNames.ContentSecurityPolicy))
                {
                    headers.ContentSecurityPolicy = ContentSecurityPolicy;
                }

                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
                headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()";
                headers["Cross-Origin-Opener-Policy"] = "same-origin";
                return Task.CompletedTask;
            });
            await next(context);
        });
}
