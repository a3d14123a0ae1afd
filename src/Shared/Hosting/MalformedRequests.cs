using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Litiges.Hosting;

/// <summary>
/// A request body that cannot be read is the sender's fault, not ours: a multipart form without
/// its closing boundary, a boundary longer than RFC 2046 allows (70), a field over 64 KB, too many
/// fields, a body over the size limit. Whoever reads it (the framework's form reader, the portal's
/// streamed uploads, the CSV import) throws; this answers 400 (or the reader's own 4xx, e.g. 413)
/// instead of 500, and the status page says in the user's language that nothing was saved.
/// </summary>
public static class MalformedRequests
{
    /// <summary>The same limits for the framework's forms as for the streamed uploads.</summary>
    public const int MaxFieldLength = 64 * 1024;
    public const int MaxBoundaryLength = 70;

    public static IServiceCollection AddMalformedRequestLimits(this IServiceCollection services) =>
        services.Configure<FormOptions>(options =>
        {
            options.ValueLengthLimit = MaxFieldLength;
            options.MultipartBoundaryLengthLimit = MaxBoundaryLength;
        });

    /// <summary>Inside the status pages, so that the 400 gets its page.</summary>
    public static IApplicationBuilder UseMalformedRequestsAsBadRequest(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            try
            {
                await next(context);
            }
            catch (Exception failure) when (!context.Response.HasStarted && StatusFor(failure) is { } status)
            {
                context.Response.Clear();
                context.Response.StatusCode = status;
            }
        });

    private static int? StatusFor(Exception failure)
    {
        for (var current = failure; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                case BadHttpRequestException bad:
                    return bad.StatusCode;
                case InvalidDataException:
                    return StatusCodes.Status400BadRequest;

                // The multipart and form readers say "unexpected end of stream" with a plain IOException;
                // one thrown elsewhere (a disk, a network share) is a fault of ours and stays a 500.
                case IOException when current.TargetSite?.DeclaringType?.Namespace == "Microsoft.AspNetCore.WebUtilities":
                    return StatusCodes.Status400BadRequest;
            }
        }

        return null;
    }
}
