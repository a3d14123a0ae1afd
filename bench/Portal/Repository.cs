namespace Litiges.Bench.Portal;

internal static class Repository
{
    /// <summary>The folder that holds Portal.sln, found from the running benchmark.</summary>
    public static string Root
    {
        get
        {
            var folder = AppContext.BaseDirectory;
            while (!File.Exists(Path.Combine(folder, "Portal.sln")))
            {
                folder = Path.GetDirectoryName(folder) ?? throw new InvalidOperationException("Portal.sln not found above the benchmark.");
            }

            return folder;
        }
    }

    /// <summary>The portal as built by `dotnet run -c Release --project bench/Portal` (a project reference builds it too).</summary>
    public static string PortalAssembly(string configuration)
    {
        var path = Path.Combine(Root, "src", "CustomerPortal", "bin", configuration, "net10.0", "Litiges.CustomerPortal.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"Build the portal first ({configuration}).", path);
    }
}
