namespace Litiges.Numbering;

/// <summary>A counter per prefix and year ("LIT-2026", "AV-2026"); a row updated under a concurrency check.</summary>
public sealed class DocumentSequence : IVersioned
{
    private DocumentSequence()
    {
        Key = string.Empty;
    }

    internal DocumentSequence(string key) => Key = key;

    public string Key { get; private set; }

    public long LastValue { get; private set; }

    public int Version { get; private set; }

    void IVersioned.IncrementVersion() => Version++;

    internal long Advance() => Reserve(1);

    /// <summary>Takes <paramref name="count"/> numbers at once; returns the first.</summary>
    internal long Reserve(int count)
    {
        var first = LastValue + 1;
        LastValue += count;
        return first;
    }

    public static string Format(string prefix, int year, long value) =>
        FormattableString.Invariant($"{prefix}-{year}-{value:000000}");
}
