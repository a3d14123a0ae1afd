namespace Litiges.Documents;

/// <summary>
/// The one rule for a cell of every CSV the apps write (dashboard tables, case-file manifest).
/// Text may come from users (a customer's name, a file name): a spreadsheet would run a cell
/// that starts with <c>=</c>, <c>-</c>, <c>+</c>, <c>@</c>, a tab or a carriage return as a
/// formula, so such text gets a leading apostrophe (shown as text, never run). Numbers the app
/// formats itself are not user text: they are written as they are, so that -12.50 stays a number.
/// </summary>
public static class CsvCells
{
    public static string Text(string value, char separator) =>
        Quoted(value.Length > 0 && value[0] is '=' or '-' or '+' or '@' or '\t' or '\r' ? "'" + value : value, separator);

    public static string Number(string value, char separator) => Quoted(value, separator);

    private static string Quoted(string value, char separator) =>
        value.IndexOfAny([separator, '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
}
