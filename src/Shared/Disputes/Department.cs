using Litiges.Localization;

namespace Litiges.Disputes;

/// <summary>A department that resolves disputes: billing, logistics, quality, sales, technical, customer service.</summary>
public sealed class Department
{
    private Department()
    {
        Code = string.Empty;
        Name = new LocalizedText(string.Empty, string.Empty);
    }

    public Department(string code, LocalizedText name)
    {
        Code = code;
        Name = name;
    }

    public int Id { get; private set; }

    public string Code { get; private set; }

    public LocalizedText Name { get; private set; }

    public void Rename(LocalizedText name) => Name = name;
}
