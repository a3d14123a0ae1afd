namespace Litiges;

/// <summary>
/// An aggregate whose saves are checked for concurrent edits. The integer is incremented by the
/// DbContext on every save, which works the same on SQLite, SQL Server and PostgreSQL.
/// </summary>
public interface IVersioned
{
    int Version { get; }

    internal void IncrementVersion();
}
