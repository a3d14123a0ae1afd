using Litiges.Accounts;
using Litiges.BackOffice;
using Litiges.Data;
using Litiges.Hosting;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Litiges.BackOffice;

/// <summary>
/// The back office for staff, and the one place that migrates the database:
/// <c>Litiges.BackOffice migrate [--demo-data]</c> applies migrations (and loads the demo) then exits.
/// </summary>
public sealed class Program
{
    public static async Task<int> Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args.Where(a => a is not "migrate" and not "--demo-data").ToArray());
        builder.AddLitigesWeb(UserKind.Staff);
        builder.Services.Configure<RazorPagesOptions>(options =>
            options.Conventions.AddFolderApplicationModelConvention("/", model => model.Filters.Add(new RequireStaffTwoFactorFilter())));
        var app = builder.Build();

        if (args.Contains("migrate"))
        {
            await DatabaseMigrator.MigrateAsync(app.Services, demoData: args.Contains("--demo-data"));
            Console.WriteLine("Database is up to date.");
            return 0;
        }

        app.UseLitigesWeb();
        await app.RunAsync();
        return 0;
    }
}
