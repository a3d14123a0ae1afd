using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Litiges.Data;

public enum DatabaseProvider
{
    Sqlite,
    PostgreSql,
    SqlServer,
}

public static class DatabaseSetup
{
    /// <summary>
    /// Contexts are pooled, and their options built once: a request leases a context whose EF
    /// services are already built (building options, creating a context and EF's look-up of its
    /// internal services were a tenth of a signed-in page's CPU, see bench/Pages); EF resets it
    /// (tracked entities, connection, command timeout) when it goes back. The interceptors are
    /// singletons or stateless, so one options instance serves every context.
    /// </summary>
    private const int PoolSize = 256;

    /// <summary>
    /// Registers <see cref="LitigesDbContext"/> for the provider named by <c>Database:Provider</c>
    /// (Sqlite by default) and the connection string <c>ConnectionStrings:Litiges</c>. Without a
    /// connection string, SQLite uses litiges.db in the data folder.
    /// </summary>
    public static IServiceCollection AddLitigesDatabase(this IServiceCollection services, IConfiguration configuration, string dataFolder)
    {
        var provider = configuration.GetValue("Database:Provider", DatabaseProvider.Sqlite);
        var connectionString = configuration.GetConnectionString("Litiges");

        // The server providers retry transient failures (a fail-over, a dropped connection). With a
        // retrying strategy an explicit transaction must run inside the strategy, or EF refuses it;
        // PostgreSQL retries like SQL Server so that the tests, which run on PostgreSQL, catch a bare
        // transaction that SQL Server would refuse in production.
        var retry = configuration.GetValue("Database:RetryOnFailure", true);

        // A person waits on the answer: a few quick retries ride out a dropped connection or a short
        // fail-over, then the page says the database does not answer (503) instead of hanging.
        var retries = configuration.GetValue("Database:MaxRetryCount", 3);
        var retryDelay = TimeSpan.FromSeconds(configuration.GetValue("Database:MaxRetryDelaySeconds", 5));
        switch (provider)
        {
            case DatabaseProvider.Sqlite:
                Directory.CreateDirectory(dataFolder);
                connectionString = string.IsNullOrWhiteSpace(connectionString)
                    ? $"Data Source={Path.Combine(dataFolder, "litiges.db")};Default Timeout=30"
                    : connectionString;
                services.AddDbContextPool<LitigesDbContext, SqliteLitigesDbContext>((s, o) => UseProvider(Audited(s, o)), PoolSize);
                break;
            case DatabaseProvider.PostgreSql:
                services.AddDbContextPool<LitigesDbContext, PostgreSqlLitigesDbContext>((s, o) => UseProvider(Audited(s, o)), PoolSize);
                break;
            case DatabaseProvider.SqlServer:
                services.AddDbContextPool<LitigesDbContext, SqlServerLitigesDbContext>((s, o) => UseProvider(Audited(s, o)), PoolSize);
                break;
            default:
                throw new InvalidOperationException($"Unknown Database:Provider '{provider}'.");
        }

        // The Data Protection keys, read at start-up, through a context that maps only their table.
        services.AddDbContext<KeyRingContext>(o => UseProvider(o));

        services.AddHttpContextAccessor();

        // Reference data shown on every back-office view (30 s) and the queue's counts per status (10 s),
        // emptied by this instance's saves.
        services.AddMemoryCache();
        services.AddSingleton<ReferenceDataCache>();
        services.AddSingleton<QueueCountsCache>();
        services.AddSingleton<CacheEviction>();
        services.AddSingleton(s => new Audit.AuditRecorder(s.GetRequiredService<Microsoft.AspNetCore.Http.IHttpContextAccessor>(), s.GetService<TimeProvider>() ?? TimeProvider.System));
        services.AddSingleton(_ => Audit.HistoryKeys.FromConfiguration(configuration));
        services.AddSingleton<Audit.HistoryAuthenticator>();
        return services;

        DbContextOptionsBuilder UseProvider(DbContextOptionsBuilder options) => provider switch
        {
            DatabaseProvider.Sqlite => options.UseSqlite(connectionString),
            DatabaseProvider.PostgreSql => options.UseNpgsql(PostgreSqlConnection(Required(connectionString)), npgsql =>
            {
                if (retry)
                {
                    npgsql.EnableRetryOnFailure(retries, retryDelay, errorCodesToAdd: null);
                }
            }),
            _ => options.UseSqlServer(Required(connectionString), sql =>
            {
                if (retry)
                {
                    sql.EnableRetryOnFailure(retries, retryDelay, errorNumbersToAdd: null);
                }
            }),
        };
    }

    // Role and API-key changes write their audit lines in the same save, whoever makes them; new
    // dispute history entries are authenticated with the history key in the save that writes them;
    // the acts on disputes become their notices in the save that stores them.
    private static DbContextOptionsBuilder Audited(IServiceProvider services, DbContextOptionsBuilder options) =>
        options.AddInterceptors(
            services.GetRequiredService<Audit.AuditRecorder>(),
            services.GetRequiredService<Audit.HistoryAuthenticator>(),
            services.GetRequiredService<CacheEviction>(),
            new Notifications.DisputeNotices(services.GetService<Notifications.PublicLinks>()),

            // After the notices: the e-mails they queue are what the SMS alerts go beside.
            new Notifications.SmsAlerts(services.GetService<Notifications.PublicLinks>(), services.GetService<Microsoft.Extensions.Options.IOptions<Notifications.SmsOptions>>()?.Value));

    /// <summary>
    /// Two Npgsql settings on unless the connection string sets them (see bench/Pages): a connection
    /// returned to the pool is not reset (the reset ran several statements on the server before the
    /// next query, and a page makes up to a dozen queries, each taking a pooled connection); nothing
    /// here changes a session's state (no SET, temporary table, LISTEN or advisory lock), and an open
    /// transaction is still rolled back on close. Statements run often are prepared on the server
    /// once per connection, so that their plan is not made again at each request.
    /// </summary>
    internal static string PostgreSqlConnection(string connectionString)
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        if (!Mentions(connectionString, "No Reset On Close", "NoResetOnClose"))
        {
            builder.NoResetOnClose = true;
        }

        if (!Mentions(connectionString, "Max Auto Prepare", "MaxAutoPrepare"))
        {
            builder.MaxAutoPrepare = 64;
        }

        return builder.ConnectionString;
    }

    private static bool Mentions(string connectionString, params string[] keys) =>
        connectionString.Split(';').Select(part => part.Split('=')[0].Trim())
            .Any(key => keys.Contains(key, StringComparer.OrdinalIgnoreCase));

    private static string Required(string? connectionString) =>
        string.IsNullOrWhiteSpace(connectionString)
            ? throw new InvalidOperationException("ConnectionStrings:Litiges is required for this Database:Provider.")
            : connectionString;
}
