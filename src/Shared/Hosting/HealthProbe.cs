using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Litiges.Hosting;

/// <summary>
/// <c>dotnet Litiges.*.dll healthcheck</c>: asks the app running in the same container for
/// GET /health and exits 0 when it answers 200, 1 otherwise. The aspnet runtime image has no curl
/// or wget, so the container health check uses the app's own binary.
/// </summary>
public static class HealthProbe
{
    public const string Command = "healthcheck";

    public static async Task<int> RunAsync()
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
            .AddEnvironmentVariables()
            .Build();

        // The port the image listens on (ASPNETCORE_HTTP_PORTS, 8080 in the Dockerfiles).
        var port = (configuration["ASPNETCORE_HTTP_PORTS"] ?? "8080").Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "8080";
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/health")));

        // Host filtering (AllowedHosts) answers 400 to a host it does not know, 127.0.0.1 included:
        // the probe presents the first host the app accepts.
        if (AllowedHost(configuration["AllowedHosts"]) is { } host)
        {
            request.Headers.Host = host;
        }

        try
        {
            using var response = await client.SendAsync(request);
            Console.WriteLine($"GET /health: {(int)response.StatusCode}");
            return response.StatusCode == System.Net.HttpStatusCode.OK ? 0 : 1;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            Console.WriteLine($"GET /health: {ex.Message}");
            return 1;
        }
    }

    private static string? AllowedHost(string? allowedHosts)
    {
        var first = (allowedHosts ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        return first switch
        {
            null or "*" => null,
            _ when first.StartsWith("*.", StringComparison.Ordinal) => "health" + first[1..],
            _ => first,
        };
    }
}
