using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Litiges.Storage;

/// <summary>
/// Looks inside an Office document once it is whole (a temporary copy made as it streamed to
/// storage, never the whole file in memory): an OOXML file (docx, xlsx, pptx) must be a real
/// package with its <c>[Content_Types].xml</c>, an ODF file (odt, ods) a real package with its
/// <c>mimetype</c>; neither may carry macros or programs (a VBA project, ActiveX controls, ODF
/// Basic or scripts, an .exe, .dll, .js... entry). Legacy OLE2 files (doc, xls, msg) are accepted
/// only without a VBA project. Macro-enabled formats (docm, xlsm...) are not accepted at all
/// (their extensions are unknown); this catches the same content under an accepted name.
/// </summary>
public static class OfficeContainers
{
    // Entries that run code, by extension: programs, scripts and installers.
    private static readonly string[] ExecutableExtensions =
        [".exe", ".dll", ".com", ".scr", ".msi", ".js", ".jse", ".vbs", ".vbe", ".wsf", ".wsh", ".hta", ".bat", ".cmd", ".ps1", ".jar", ".cpl", ".lnk", ".sh"];

    // The OLE2 storages and streams in which Word, Excel and Outlook keep a VBA project.
    private static readonly string[] OleMacroNames = ["_VBA_PROJECT_CUR", "_VBA_PROJECT", "VBA", "Macros"];

    private const long MaxContentTypesBytes = 1024 * 1024;

    /// <summary>Whether files of this type are looked into once whole.</summary>
    public static bool Inspects(FileType type) =>
        type.Signature is FileSignature.OfficeOpenXml or FileSignature.OpenDocument or FileSignature.OleCompound;

    /// <summary>
    /// What is wrong with the whole file <paramref name="file"/> (seekable, read from its start),
    /// or null when it is a clean document of its type.
    /// </summary>
    public static UploadProblem? Inspect(FileType type, Stream file)
    {
        try
        {
            return type.Signature switch
            {
                FileSignature.OfficeOpenXml => InspectPackage(file, openXml: true),
                FileSignature.OpenDocument => InspectPackage(file, openXml: false),
                FileSignature.OleCompound => HasOleMacros(file) ? UploadProblem.ActiveContent : null,
                _ => null,
            };
        }
        catch (InvalidDataException)
        {
            return UploadProblem.ContentMismatch;
        }
    }

    private static UploadProblem? InspectPackage(Stream file, bool openXml)
    {
        using var zip = new ZipArchive(file, ZipArchiveMode.Read, leaveOpen: true);
        var required = openXml ? "[Content_Types].xml" : "mimetype";
        ZipArchiveEntry? marker = null;
        foreach (var entry in zip.Entries)
        {
            var name = entry.FullName.Replace('\\', '/');
            if (string.Equals(name, required, StringComparison.Ordinal))
            {
                marker = entry;
            }

            if (IsActive(name, openXml))
            {
                return UploadProblem.ActiveContent;
            }
        }

        if (marker is null)
        {
            return UploadProblem.ContentMismatch;
        }

        // A macro-enabled document renamed .docx says so in its content types, even with its VBA part renamed.
        return openXml && DeclaresMacros(marker) ? UploadProblem.ActiveContent : null;
    }

    private static bool IsActive(string name, bool openXml)
    {
        var fileName = name[(name.LastIndexOf('/') + 1)..];
        if (ExecutableExtensions.Any(extension => fileName.EndsWith(extension, StringComparison.OrdinalIgnoreCase)))
        {
            return true;
        }

        return openXml
            ? fileName.Equals("vbaProject.bin", StringComparison.OrdinalIgnoreCase)
                || fileName.Equals("vbaData.xml", StringComparison.OrdinalIgnoreCase)
                || name.Contains("/activeX/", StringComparison.OrdinalIgnoreCase)
            : name.StartsWith("Basic/", StringComparison.OrdinalIgnoreCase)
                || name.StartsWith("Scripts/", StringComparison.OrdinalIgnoreCase);
    }

    private static bool DeclaresMacros(ZipArchiveEntry contentTypes)
    {
        if (contentTypes.Length > MaxContentTypesBytes)
        {
            throw new InvalidDataException("[Content_Types].xml is too large.");
        }

        using var reader = new StreamReader(contentTypes.Open(), Encoding.UTF8);
        var text = reader.ReadToEnd();
        return text.Contains("macroEnabled", StringComparison.OrdinalIgnoreCase) || text.Contains("vbaProject", StringComparison.OrdinalIgnoreCase);
    }

    // A compound file's directory entries are 128 bytes long and start on 128-byte boundaries of
    // the file (sectors are 512 or 4,096 bytes); each names its storage or stream in UTF-16.
    // Every such slot is looked at, so that a VBA storage is found wherever the directory lies,
    // also in a message's attached document.
    private static bool HasOleMacros(Stream file)
    {
        var slot = new byte[128];
        file.Position = 512;
        while (ReadSlot(file, slot))
        {
            var nameBytes = BinaryPrimitives.ReadUInt16LittleEndian(slot.AsSpan(64));
            var kind = slot[66];
            if (nameBytes is < 4 or > 64 || nameBytes % 2 != 0 || kind is not (1 or 2))
            {
                continue;
            }

            var name = Encoding.Unicode.GetString(slot, 0, nameBytes - 2);
            if (OleMacroNames.Any(macro => string.Equals(name, macro, StringComparison.OrdinalIgnoreCase)))
            {
                return true;
            }
        }

        return false;
    }

    private static bool ReadSlot(Stream file, byte[] slot)
    {
        var length = 0;
        int read;
        while (length < slot.Length && (read = file.Read(slot, length, slot.Length - length)) > 0)
        {
            length += read;
        }

        return length == slot.Length;
    }
}
