using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Litiges.Accounts;
using Litiges.Audit;
using Litiges.Data;
using Litiges.Localization;
using Litiges.Notifications;
using Litiges.Pages.Shared;
using Litiges.Storage;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging;

namespace Litiges.Hosting;

/// <summary>What both apps set up the same way: database, accounts, languages, e-mail, health.</summary>
public static class LitigesWeb
{
    public const string AppKindPolicy = "AppKind";

    public static WebApplicationBuilder AddLitigesWeb(this WebApplicationBuilder builder, UserKind appKind)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;
        var dataFolder = DataFolder(configuration, builder.Environment);
        ProductionSettings.EnsureComplete(configuration, builder.Environment);

        // Nothing to tell a probe which server (and version) answers.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);

        // Serve the shared look (_content/Litiges.Shared) from a build output as from a published one.
        builder.WebHost.UseStaticWebAssets();

        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(new AppIdentity(appKind));
        services.AddSingleton(new VirusScanning(builder.Environment.IsProduction() && string.IsNullOrWhiteSpace(configuration["Evidence:ClamAv:Host"])));
        services.AddScoped<Disputes.DisputeCommands>();
        services.AddScoped<Disputes.DisputeEvidenceIntake>();
        services.AddScoped<Disputes.DisputeFiling>();
        services.AddScoped<Storage.StagedEvidence>();
        services.AddScoped<PersonalData>();
        services.AddScoped<UserSessions>();
        services.Configure<InvitationOptions>(configuration.GetSection("Accounts"));
        services.AddScoped<InvitationLinks>();
        services.AddScoped<CustomerOnboarding>();
        services.Configure<CreditNotes.SellerOptions>(configuration.GetSection("Seller"));
        services.Configure<CreditNotes.AutoIssueOptions>(configuration.GetSection("Settlements:AutoIssue"));
        services.Configure<Disputes.DisputeOptions>(configuration.GetSection("Disputes"));
        services.AddScoped<CreditNotes.CreditNoteIssuer>();
        services.AddLitigesDatabase(configuration, dataFolder);

        // The first hosted service: the data models before any background job's first query.
        services.AddHostedService<ModelWarmUp>();
        services.AddLitigesEmail(configuration, dataFolder);
        services.AddLitigesStorage(configuration, dataFolder);
        services.AddHistorySeals(configuration, dataFolder);

        services.AddIdentity<AppUser, Microsoft.AspNetCore.Identity.IdentityRole>(options =>
            {
                options.User.RequireUniqueEmail = true;
                options.SignIn.RequireConfirmedEmail = true;
                options.Password.RequiredLength = 10;
                options.Password.RequireNonAlphanumeric = false;
                options.Lockout.AllowedForNewUsers = true;
                options.Lockout.MaxFailedAccessAttempts = configuration.GetValue("Security:MaxFailedSignIns", 5);
                options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(configuration.GetValue("Security:LockoutMinutes", 15));
            })
            .AddEntityFrameworkStores<LitigesDbContext>()
            .AddDefaultTokenProviders()
            .AddTokenProvider<InvitationTokenProvider>(InvitationTokenProvider.ProviderName)
            .AddClaimsPrincipalFactory<LitigesClaimsFactory>()
            .AddSignInManager<Audit.AuditedSignInManager>();

        // Both apps may run on the same host name: each keeps its own cookies.
        var cookiePrefix = appKind == UserKind.Customer ? ".Litiges.Portal" : ".Litiges.BackOffice";
        services.ConfigureApplicationCookie(options =>
        {
            options.Cookie.Name = cookiePrefix;
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Lax;
            // Secure over HTTPS (production); the demo and tests run on plain loopback HTTP.
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.LoginPath = "/Account/Login";
            options.LogoutPath = "/Account/Logout";
            options.AccessDeniedPath = "/Account/AccessDenied";
            options.ExpireTimeSpan = TimeSpan.FromHours(8);
            options.SlidingExpiration = true;

            // The cookie's session must still be open in the database (sign-out ends it), then Identity's security stamp check.
            options.Events.OnValidatePrincipal = UserSessions.ValidatePrincipalAsync;
        });
        services.Configure<CookieAuthenticationOptions>(IdentityConstants.TwoFactorUserIdScheme, o => o.Cookie.Name = cookiePrefix + ".2fa");
        services.Configure<CookieAuthenticationOptions>(IdentityConstants.TwoFactorRememberMeScheme, o => o.Cookie.Name = cookiePrefix + ".2fa.remember");
        services.Configure<CookieAuthenticationOptions>(IdentityConstants.ExternalScheme, o => o.Cookie.Name = cookiePrefix + ".external");
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = cookiePrefix + ".af";

            // The framework's default would send it over plain HTTP too.
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        services.Configure<Microsoft.AspNetCore.Mvc.CookieTempDataProviderOptions>(o => o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest);
        // How soon a password change (new security stamp) signs other sessions out.
        services.Configure<SecurityStampValidatorOptions>(o =>
        {
            o.ValidationInterval = TimeSpan.FromSeconds(configuration.GetValue("Security:SessionCheckSeconds", 60));
            o.OnRefreshingPrincipal = UserSessions.KeepSessionClaim;
        });

        // In Production every cookie is Secure whatever the request says: behind a proxy that
        // did not say X-Forwarded-Proto, "same as request" would mean plain HTTP. One policy for
        // them all (session, two-factor, antiforgery, temp data, language).
        services.Configure<CookiePolicyOptions>(o => o.Secure = builder.Environment.IsProduction() ? CookieSecurePolicy.Always : CookieSecurePolicy.None);
        services.AddTrustedProxies(configuration);

        services.AddDataProtection()
            .SetApplicationName(cookiePrefix)
            .PersistKeysToDbContext<KeyRingContext>()
            .ProtectKeysWithConfiguredCertificate(configuration);

        // Signed in is not enough: the user must be of this app's kind (customer or staff).
        services.AddAuthorizationBuilder()
            .AddPolicy(AppKindPolicy, policy => policy.RequireAuthenticatedUser().RequireClaim(LitigesClaims.Kind, appKind.ToString()))
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().RequireClaim(LitigesClaims.Kind, appKind.ToString()).Build());

        services.AddLocalization();
        services.AddSingleton<IStringLocalizer, CatalogStringLocalizer>();
        services.AddSingleton<IStringLocalizerFactory, CatalogStringLocalizerFactory>();
        services.Configure<RequestLocalizationOptions>(options =>
        {
            options.DefaultRequestCulture = new RequestCulture(Cultures.French);
            options.SupportedCultures = [.. Cultures.Supported];
            options.SupportedUICultures = [.. Cultures.Supported];
            options.RequestCultureProviders =
            [
                new QueryStringRequestCultureProvider(),
                new CookieRequestCultureProvider { CookieName = cookiePrefix + ".lang" },
                new UserLanguageCultureProvider(),
            ];
        });

        services.AddRazorPages(options =>
            {
                // Not the whole /Account folder: its Manage pages are for signed-in users. The other
                // account pages (sign-in, recovery) say [AllowAnonymous] themselves; this one has no model.
                options.Conventions.AllowAnonymousToPage("/Account/AccessDenied");
                options.Conventions.AuthorizeFolder("/Account/Manage", AppKindPolicy);
            })
            .AddDataAnnotationsLocalization()
            .AddViewLocalization();

        // Pages write French as it is ("é", "€", the narrow space before "%"), not as character
        // references ("&#xE9;"): the default encoder escapes every letter outside ASCII, which made
        // each French text a new string on every view. The characters that mean something in HTML
        // (<, >, &, quotes) are escaped whatever the ranges.
        services.AddWebEncoders(o => o.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));
        services.AddSingleton<PageLinks>();

        // Compressed style sheets and scripts (Bootstrap's CSS shrinks from 230 kB to 30 kB): a phone on
        // a slow network sees the page seconds sooner. Only these: pages carry secrets (antiforgery
        // tokens) that compression over HTTPS could leak (BREACH); static files carry none.
        services.AddResponseCompression(options =>
        {
            options.EnableForHttps = true;
            options.MimeTypes = ["text/css", "text/javascript", "application/javascript"];
            options.Providers.Add<BrotliCompressionProvider>();
            options.Providers.Add<GzipCompressionProvider>();
        });
        services.AddLitigesRateLimits(configuration);
        services.AddMalformedRequestLimits();
        services.AddHsts(options =>
        {
            options.MaxAge = TimeSpan.FromDays(365);
            options.IncludeSubDomains = true;
        });
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");
        return builder;
    }

    public static WebApplication UseLitigesWeb(this WebApplication app)
    {
        // First: everything after (HSTS, cookies, rate limits, audit) sees the client's address and scheme.
        app.UseForwardedHeaders();
        app.UseCookiePolicy();
        if (app.Services.GetRequiredService<VirusScanning>().MissingInProduction)
        {
            app.Logger.LogWarning("No virus scanner: Evidence:ClamAv:Host is empty, so the files customers and staff upload are stored without being scanned.");
        }

        app.UseSecurityHeaders();
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/Error");
            app.UseHsts();
        }

        app.UseStatusCodePagesWithReExecute("/Error", "?code={0}");
        app.UseMalformedRequestsAsBadRequest();
        app.UseResponseCompression();
        app.UseStaticFiles();
        app.UseRouting();
        app.UseAuthentication();
        app.RaiseSessionCheckFailure();

        // After authentication, so that a signed-in user's own language can apply.
        app.UseRequestLocalization();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.MapHealthChecks("/health", new HealthCheckOptions()).AllowAnonymous();
        app.MapRazorPages();
        return app;
    }

    /// <summary>Where the SQLite file, local blobs and e-mail pickup folder live (<c>DataFolder</c>).</summary>
    public static string DataFolder(IConfiguration configuration, IHostEnvironment environment) =>
        Path.GetFullPath(configuration["DataFolder"] ?? Path.Combine(environment.ContentRootPath, "App_Data"));

    public static string CultureCookieName(UserKind appKind) =>
        (appKind == UserKind.Customer ? ".Litiges.Portal" : ".Litiges.BackOffice") + ".lang";
}

/// <summary>Whether Production runs without a virus scanner (no <c>Evidence:ClamAv:Host</c>): said at start-up and to administrators.</summary>
public sealed record VirusScanning(bool MissingInProduction);

/// <summary>Which kind of user this app admits.</summary>
public sealed record AppIdentity(UserKind Kind);

/// <summary>Signed-in users get their own language unless they chose another one in this browser.</summary>
internal sealed class UserLanguageCultureProvider : RequestCultureProvider
{
    public override Task<ProviderCultureResult?> DetermineProviderCultureResult(HttpContext httpContext)
    {
        var language = httpContext.User.FindFirst(LitigesClaims.Language)?.Value;
        return Task.FromResult(language is null ? null : new ProviderCultureResult(Cultures.For(language).Name));
    }
}

internal sealed class DatabaseHealthCheck(LitigesDbContext db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        await db.Database.CanConnectAsync(cancellationToken)
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("The database does not answer.");
}
