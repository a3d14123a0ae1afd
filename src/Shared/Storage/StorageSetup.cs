using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Litiges.Storage;

public static class StorageSetup
{
    /// <summary>
    /// Chooses the blob store by <c>Storage:Provider</c>: <c>Local</c> (default; the <c>blobs</c>
    /// folder of the data folder, or <c>Storage:Local:Folder</c>) or <c>AzureBlob</c>
    /// (<c>Storage:AzureBlob:ConnectionString</c>, <c>Storage:AzureBlob:Container</c>, created
    /// when missing). Evidence limits come from the <c>Evidence</c> section.
    /// </summary>
    public static IServiceCollection AddLitigesStorage(this IServiceCollection services, IConfiguration configuration, string dataFolder)
    {
        var section = configuration.GetSection("Storage");
        var provider = section["Provider"] ?? "Local";
        switch (provider)
        {
            case "Local":
                services.AddSingleton<IBlobStore>(new LocalFolderBlobStore(section["Local:Folder"] ?? Path.Combine(dataFolder, "blobs")));
                break;
            case "AzureBlob":
                var connectionString = section["AzureBlob:ConnectionString"];
                if (string.IsNullOrWhiteSpace(connectionString))
                {
                    throw new InvalidOperationException("Storage:AzureBlob:ConnectionString is required when Storage:Provider is AzureBlob.");
                }

                var clientOptions = new BlobClientOptions();
                clientOptions.Retry.MaxRetries = section.GetValue("AzureBlob:MaxRetries", 3);
                var container = new BlobContainerClient(connectionString, section["AzureBlob:Container"] ?? "litiges", clientOptions);
                services.AddSingleton<IBlobStore>(new AzureBlobStore(container));
                break;
            default:
                throw new InvalidOperationException($"Unknown Storage:Provider '{provider}'.");
        }

        services.AddOptions<EvidenceOptions>().Bind(configuration.GetSection("Evidence"));
        services.AddOptions<ClamAvOptions>().Bind(configuration.GetSection("Evidence:ClamAv"));
        services.AddSingleton<ClamAvScanner>();
        services.AddScoped<EvidenceIntake>();
        services.AddScoped<StagedEvidence>();
        return services;
    }
}
