using Litiges.Disputes;
using Litiges.Storage;

namespace Litiges.CustomerPortal.Uploads;

/// <summary>What an upload script is told about one file (JSON).</summary>
public sealed record UploadResult(bool Ok, string Name, string? Size, string? Ticket, string? Message, string? Url)
{
    public static UploadResult Stored(StoredFile file, string? ticket, string? url = null) =>
        new(true, file.FileName, new FileSize(file.Length).ToString(), ticket, null, url);

    public static UploadResult Refused(string name, string message) => new(false, name, null, null, message, null);
}
