using Litiges.Localization;

namespace Litiges.Disputes;

/// <summary>Where the problem really came from, recorded at closing (separate from the reason code).</summary>
public sealed class RootCause
{
    private RootCause()
    {
        Code = string.Empty;
        Label = new LocalizedText(string.Empty, string.Empty);
    }

    public RootCause(string code, LocalizedText label)
    {
        Code = code;
        Label = label;
        IsActive = true;
    }

    public int Id { get; private set; }

    public string Code { get; private set; }

    public LocalizedText Label { get; private set; }

    public bool IsActive { get; private set; }

    public void Relabel(LocalizedText label) => Label = label;

    public void Deactivate() => IsActive = false;

    public void Activate() => IsActive = true;
}
