using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Litiges.Data;
using Litiges.Integration;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace Litiges.BackOffice.Api;

/// <summary>
/// Authenticates an API client by its key, sent as <c>Authorization: Bearer &lt;key&gt;</c> or
/// <c>X-Api-Key</c>. The key's prefix finds the client through a unique index; the key is then
/// compared with the stored hash in constant time. A missing, unknown or revoked key gets 401, a
/// key without the scope an endpoint needs gets 403, both as problem details.
/// </summary>
internal sealed class ApiKeyHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    LitigesDbContext db,
    TimeProvider clock,
    IStringLocalizer t) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string KeyHeader = "X-Api-Key";

    // Last use is a hint for the admin page, not an audit: written at most once a minute per client.
    private static readonly TimeSpan LastUseResolution = TimeSpan.FromMinutes(1);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var key = ReadKey(Request);
        if (key is null)
        {
            return AuthenticateResult.NoResult();
        }

        if (key.Length <= ApiClient.PrefixLength)
        {
            return AuthenticateResult.Fail("Malformed API key.");
        }

        var prefix = key[..ApiClient.PrefixLength];
        var client = await db.ApiClients.AsNoTracking().SingleOrDefaultAsync(c => c.KeyPrefix == prefix, Context.RequestAborted);
        if (client is null || !client.Matches(key))
        {
            return AuthenticateResult.Fail("Unknown or revoked API key.");
        }

        var now = clock.GetUtcNow();
        if (client.LastUsedAt is not { } last || now - last > LastUseResolution)
        {
            await db.ApiClients.Where(c => c.Id == client.Id).ExecuteUpdateAsync(s => s.SetProperty(c => c.LastUsedAt, now), Context.RequestAborted);
        }

        var claims = new List<Claim>
        {
            new(ApiClaims.ClientId, client.Id.ToString(CultureInfo.InvariantCulture)),
            new(ClaimTypes.Name, client.Name),
        };
        if (client.Allows(ApiScopes.Read))
        {
            claims.Add(new Claim(ApiClaims.Scope, ApiClaims.ReadScope));
        }

        if (client.Allows(ApiScopes.Write))
        {
            claims.Add(new Claim(ApiClaims.Scope, ApiClaims.WriteScope));
        }

        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        ApiCulture.Apply(Context);
        Response.Headers.WWWAuthenticate = "Bearer";
        var detail = ReadKey(Request) is null ? t["Integration.Problem.KeyMissing"] : t["Integration.Problem.KeyInvalid"];
        return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: t["Integration.Problem.Unauthorized"], detail: detail).ExecuteAsync(Context);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        ApiCulture.Apply(Context);
        return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: t["Integration.Problem.Forbidden"], detail: t["Integration.Problem.ScopeMissing"]).ExecuteAsync(Context);
    }

    private static string? ReadKey(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return authorization["Bearer ".Length..].Trim() is { Length: > 0 } bearer ? bearer : null;
        }

        return request.Headers[KeyHeader].ToString().Trim() is { Length: > 0 } header ? header : null;
    }
}

/// <summary>The claims of an authenticated API client, and the scopes the policies ask for.</summary>
public static class ApiClaims
{
    public const string ClientId = "api_client";
    public const string Scope = "scope";
    public const string ReadScope = "read";
    public const string WriteScope = "write";

    public static int ApiClientId(this ClaimsPrincipal user) =>
        int.Parse(user.FindFirstValue(ClientId) ?? throw new InvalidOperationException("Not an API client."), CultureInfo.InvariantCulture);

    public static string ApiClientName(this ClaimsPrincipal user) => user.FindFirstValue(ClaimTypes.Name) ?? string.Empty;
}

/// <summary>API answers speak the caller's <c>Accept-Language</c> (fr or en), French by default.</summary>
internal static class ApiCulture
{
    public static void Apply(HttpContext http)
    {
        var wanted = http.Request.Headers.AcceptLanguage.ToString();
        if (wanted.Length == 0)
        {
            return;
        }

        var culture = wanted.StartsWith("en", StringComparison.OrdinalIgnoreCase) ? Localization.Cultures.English
            : wanted.StartsWith("fr", StringComparison.OrdinalIgnoreCase) ? Localization.Cultures.French
            : null;
        if (culture is not null)
        {
            CultureInfo.CurrentCulture = culture;
            CultureInfo.CurrentUICulture = culture;
        }
    }
}
