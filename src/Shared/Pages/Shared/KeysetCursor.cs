using System.Globalization;

namespace Litiges.Pages.Shared;

/// <summary>The key of the last row shown, as "ticks.id", read back leniently: a bad cursor starts over.</summary>
public static class KeysetCursor
{
    public static string Encode(long sortKey, int id) =>
        string.Create(CultureInfo.InvariantCulture, $"{sortKey}.{id}");

    public static bool TryDecode(string? cursor, out long sortKey, out int id)
    {
        sortKey = 0;
        id = 0;
        var parts = cursor?.Split('.');
        return parts is { Length: 2 }
            && long.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out sortKey)
            && int.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out id);
    }
}
