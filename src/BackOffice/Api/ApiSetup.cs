using System.Globalization;
using System.Text.Json.Serialization;
using System.Threading.RateLimiting;
using Litiges.Accounts;
using Litiges.Hosting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Routing.Template;
using Microsoft.Extensions.Localization;
using Microsoft.OpenApi;

namespace Litiges.BackOffice.Api;

/// <summary>
/// The integration API (<c>/api/v1</c>) for the ERP and CRM, and who may open the integration
/// pages: API clients and webhooks for administrators, the CSV import for the credit manager,
/// finance and administrators.
/// </summary>
public static class ApiSetup
{
    public const string ReadPolicy = "ApiRead";
    public const string WritePolicy = "ApiWrite";
    public const string RateLimitPolicy = "api";

    /// <summary>The API clients and webhooks pages.</summary>
    public const string IntegrationPolicy = "Integration";

    /// <summary>The CSV import of invoices.</summary>
    public const string ImportsPolicy = "Imports";

    public static IServiceCollection AddIntegrationApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddAuthentication().AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, ApiKeyHandler>(ApiKeyHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(ReadPolicy, policy => policy.AddAuthenticationSchemes(ApiKeyHandler.SchemeName).RequireClaim(ApiClaims.Scope, ApiClaims.ReadScope))
            .AddPolicy(WritePolicy, policy => policy.AddAuthenticationSchemes(ApiKeyHandler.SchemeName).RequireClaim(ApiClaims.Scope, ApiClaims.WriteScope))
            .AddPolicy(IntegrationPolicy, policy => Staff(policy).RequireRole(StaffRoles.Admin))
            .AddPolicy(ImportsPolicy, policy => Staff(policy).RequireRole(StaffRoles.CreditManager, StaffRoles.Finance, StaffRoles.Admin));
        services.Configure<RazorPagesOptions>(options =>
        {
            options.Conventions.AuthorizeFolder("/Integration", IntegrationPolicy);
            options.Conventions.AuthorizeFolder("/Imports", ImportsPolicy);
        });

        services.AddScoped<WriteFilter>();
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        services.Configure<InvoicePdfOptions>(configuration.GetSection(InvoicePdfOptions.Section));
        services.ConfigureHttpJsonOptions(options =>
        {
            options.SerializerOptions.Converters.Add(new JsonStringEnumConverter());

            // The web defaults read "12.50" as a number: an amount sent as a string is refused (400 naming the field).
            options.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
        });
        var permits = configuration.GetValue("Api:RateLimit:PermitsPerMinute", 600);
        services.AddRateLimiter(options => options.AddPolicy(RateLimitPolicy, new ApiRateLimitPolicy(permits, RateLimitStore.IsShared(configuration))));
        services.AddOpenApi("v1", options =>
        {
            options.ShouldInclude = description => description.RelativePath?.StartsWith("api/", StringComparison.Ordinal) == true;
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "Litiges integration API",
                    Version = "v1",
                    Description = "Customers, invoices and payments in; disputes, dunning blocks and credit notes out. "
                        + "Authenticate with `Authorization: Bearer <key>` (or `X-Api-Key`); writes accept an `Idempotency-Key`; errors are RFC 9457 problem details.",
                };
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[ApiKeyHandler.SchemeName] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    Description = "The client's API key, shown once when an administrator creates it.",
                };
                document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeyHandler.SchemeName, document)] = [] }];
                return Task.CompletedTask;
            });
            options.AddOperationTransformer((operation, context, _) =>
            {
                // What every operation may answer, and the idempotency key that every write accepts.
                operation.Responses ??= [];
                operation.Responses.TryAdd("401", new OpenApiResponse { Description = "Missing, unknown or revoked API key (problem details)." });
                operation.Responses.TryAdd("403", new OpenApiResponse { Description = "The key lacks the scope this operation needs (problem details)." });
                operation.Responses.TryAdd("429", new OpenApiResponse { Description = "Rate limit of the key reached; see Retry-After (problem details)." });
                var isWrite = context.Description.ActionDescriptor.EndpointMetadata.OfType<IAuthorizeData>().Any(a => a.Policy == WritePolicy);
                if (isWrite)
                {
                    operation.Parameters ??= [];
                    operation.Parameters.Add(new OpenApiParameter
                    {
                        Name = WriteFilter.KeyHeader,
                        In = ParameterLocation.Header,
                        Required = false,
                        Description = "A unique key per intended change (a UUID): a replay returns the first answer and changes nothing; the same key with another request is refused (422).",
                        Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 200 },
                    });
                    operation.Responses.TryAdd("400", new OpenApiResponse { Description = "Invalid fields, each named in `errors` (validation problem details); nothing changed." });
                }

                return Task.CompletedTask;
            });
        });
        return services;
    }

    public static WebApplication MapIntegrationApi(this WebApplication app)
    {
        app.UseWhen(http => http.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase), api => api.Use(ApiMiddleware));
        app.MapOpenApi("/api/{documentName}/openapi.json").AllowAnonymous();

        var api = app.MapGroup("/api/v1").RequireRateLimiting(RateLimitPolicy);
        var reads = api.MapGroup(string.Empty).RequireAuthorization(ReadPolicy);
        var writes = api.MapGroup(string.Empty).RequireAuthorization(WritePolicy).AddEndpointFilter<WriteFilter>();
        CustomerEndpoints.Map(reads, writes);
        CustomerUserEndpoints.Map(reads, writes);
        InvoiceEndpoints.Map(reads, writes);
        InvoicePdfEndpoints.Map(reads, writes);
        PaymentEndpoints.Map(writes);
        DisputeEndpoints.Map(reads, writes);
        DunningBlockEndpoints.Map(reads);
        CreditNoteEndpoints.Map(reads);
        EInvoicingEndpoints.Map(api);

        // An unknown route under /api is a 404 problem, not the sign-in page of the staff site; a known
        // route asked with another method is a 405 with Allow, with a body that is not JSON a 415 (the fallback takes
        // every method and content type, so routing cannot say it).
        // A request delegate, not a handler for the Request Delegate Generator: generated, this fallback
        // lost its pattern and caught every unknown route of the staff site (EndpointAccessTests).
        app.MapFallback("/api/{**path}", http =>
            {
                var t = http.RequestServices.GetRequiredService<IStringLocalizer>();
                var allowed = AllowedMethods(http.RequestServices.GetRequiredService<EndpointDataSource>(), http.Request.Path);
                if (allowed.Count == 0)
                {
                    return ApiProblems.NotFound(t, t["Integration.Problem.NoRoute"]).ExecuteAsync(http);
                }

                // The route takes this method: routing passed it over for its body's content type.
                if (allowed.Contains(http.Request.Method, StringComparer.OrdinalIgnoreCase))
                {
                    return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: t["Integration.Problem.Invalid"], detail: t["Integration.Problem.JsonOnly"]).ExecuteAsync(http);
                }

                http.Response.Headers.Allow = string.Join(", ", allowed);
                return TypedResults.Problem(statusCode: StatusCodes.Status405MethodNotAllowed, title: t["Integration.Problem.Invalid"], detail: t["Integration.Problem.MethodNotAllowed", http.Request.Method, string.Join(", ", allowed)]).ExecuteAsync(http);
            })
            .AllowAnonymous()
            .ExcludeFromDescription();
        return app;
    }

    private static List<string> AllowedMethods(EndpointDataSource endpoints, PathString path) =>
        [.. endpoints.Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/v1", StringComparison.Ordinal) == true
                && new TemplateMatcher(new RouteTemplate(e.RoutePattern), new RouteValueDictionary()).TryMatch(path, new RouteValueDictionary()))
            .SelectMany(e => e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [])
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Order(StringComparer.Ordinal)];

    private static AuthorizationPolicyBuilder Staff(AuthorizationPolicyBuilder policy) =>
        policy.RequireAuthenticatedUser().RequireClaim(LitigesClaims.Kind, nameof(UserKind.Staff));

    /// <summary>
    /// Everything under /api answers problem details, never the HTML error pages: a body that is
    /// not valid JSON, an unknown route, an unexpected failure. Writes with an idempotency key keep
    /// their body re-readable, so that it can be hashed once bound.
    /// </summary>
    private static async Task ApiMiddleware(HttpContext http, RequestDelegate next)
    {
        ApiCulture.Apply(http);
        if (http.Features.Get<IStatusCodePagesFeature>() is { } statusPages)
        {
            statusPages.Enabled = false;
        }

        if (http.Request.Headers.ContainsKey(WriteFilter.KeyHeader))
        {
            http.Request.EnableBuffering();
        }

        var t = http.RequestServices.GetRequiredService<IStringLocalizer>();
        try
        {
            await next(http);
        }
        catch (BadHttpRequestException bad) when (bad.StatusCode == StatusCodes.Status415UnsupportedMediaType && !http.Response.HasStarted)
        {
            http.Response.Clear();
            await Results.Problem(statusCode: bad.StatusCode, title: t["Integration.Problem.Invalid"], detail: t["Integration.Problem.JsonOnly"]).ExecuteAsync(http);
            return;
        }
        catch (BadHttpRequestException bad) when (!http.Response.HasStarted)
        {
            var errors = new FieldErrors(t);
            var path = (bad.InnerException as System.Text.Json.JsonException)?.Path;
            errors.Add(string.IsNullOrEmpty(path) ? "$" : path, "Integration.Validation.Unreadable");
            http.Response.Clear();
            var problem = ApiProblems.WithErrors(bad.StatusCode, t["Integration.Problem.Invalid"], t["Integration.Problem.Unreadable"], errors);
            await problem.ExecuteAsync(http);
            return;
        }
        catch (Exception failure) when (failure is not OperationCanceledException && !http.Response.HasStarted)
        {
            http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Litiges.Api").LogError(failure, "API request {Path} failed.", http.Request.Path);
            http.Response.Clear();
            await Results.Problem(statusCode: StatusCodes.Status500InternalServerError, title: t["Integration.Problem.Unexpected"]).ExecuteAsync(http);
            return;
        }

        if (!http.Response.HasStarted && http.Response.StatusCode >= 400 && http.Response.ContentLength is null && string.IsNullOrEmpty(http.Response.ContentType))
        {
            var title = http.Response.StatusCode == StatusCodes.Status404NotFound ? t["Integration.Problem.NotFound"] : t["Integration.Problem.Invalid"];
            await Results.Problem(statusCode: http.Response.StatusCode, title: title).ExecuteAsync(http);
        }
    }
}

/// <summary>
/// A fixed window of a minute per API client (<c>Api:RateLimit:PermitsPerMinute</c>), counted across
/// instances like the pages' limits (<see cref="RateLimitStore"/>); a refused
/// request gets 429 with <c>Retry-After</c> and problem details. Runs after authorization, so
/// the client is known; a request without a valid key was already answered 401.
/// </summary>
internal sealed class ApiRateLimitPolicy(int permitsPerMinute, bool shared) : IRateLimiterPolicy<string>
{
    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected => async (context, _) =>
    {
        var http = context.HttpContext;
        ApiCulture.Apply(http);
        var wait = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromMinutes(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var t = http.RequestServices.GetRequiredService<IStringLocalizer>();
        await Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: t["Integration.Problem.TooManyRequests"], detail: t["Integration.Problem.RetryAfter", seconds]).ExecuteAsync(http);
    };

    public RateLimitPartition<string> GetPartition(HttpContext httpContext) =>
        RateLimitStore.Partition(httpContext, shared, "api:" + (httpContext.User.FindFirst(ApiClaims.ClientId)?.Value ?? "anonymous"), permitsPerMinute);
}
