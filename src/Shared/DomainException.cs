namespace Litiges;

/// <summary>
/// A business rule refused an operation. <see cref="Code"/> is a stable key that pages translate
/// into a message for the user; <see cref="Arguments"/> fill the message's placeholders.
/// </summary>
public sealed class DomainException : Exception
{
    public DomainException(string code, params object[] arguments)
        : base(FormattableString.Invariant($"{code}: {string.Join(", ", arguments)}"))
    {
        Code = code;
        Arguments = arguments;
    }

    public DomainException()
        : this("Domain.Unknown")
    {
    }

    public DomainException(string message, Exception innerException)
        : base(message, innerException)
    {
        Code = "Domain.Unknown";
        Arguments = [];
    }

    public string Code { get; }

    public IReadOnlyList<object> Arguments { get; }
}
