using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Litiges.Accounts;
using Litiges.Data;
using Litiges.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Litiges.Bench.Portal;

/// <summary>The portal's services (database, accounts...) without serving requests: to migrate, fill and query a database.</summary>
internal static class BenchHost
{
    public static WebApplication Build(string dataFolder, DatabaseProvider provider, string connectionString)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production", ContentRootPath = dataFolder, Args = [] });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["DataFolder"] = dataFolder,
            ["Database:Provider"] = provider.ToString(),
            ["ConnectionStrings:Litiges"] = connectionString,
            ["Email:Outbox:Enabled"] = "false",
        });
        builder.Logging.ClearProviders();
        builder.AddLitigesWeb(UserKind.Customer);
        return builder.Build();
    }
}
