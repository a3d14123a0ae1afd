using System.Text;

namespace Litiges.Integration;

/// <summary>One record of a CSV file: its fields, and the line of the file where it starts (1 for the header).</summary>
public sealed record CsvRecord(int LineNumber, IReadOnlyList<string> Fields);

/// <summary>
/// Reads CSV records one at a time from a stream (RFC 4180: quoted fields, doubled quotes, line
/// breaks inside quotes), holding one record in memory. The separator is the header's: a
/// semicolon (as French spreadsheets write) or a comma. Fields and records are capped, so that a
/// malformed file cannot make a record grow without end.
/// </summary>
public sealed class CsvRecords(TextReader reader)
{
    public const int MaxFieldLength = 2000;
    public const int MaxFields = 64;

    private readonly StringBuilder _field = new();
    private char _separator;
    private int _line = 1;

    /// <summary>
    /// The next record, or null at the end of the file. Throws <see cref="InvalidDataException"/> on
    /// a field or record too long. Reads synchronously: give it a file (the import stages the upload
    /// in one), not a request body.
    /// </summary>
    public CsvRecord? Read()
    {
        var fields = new List<string>();
        var start = _line;
        var quoted = false;
        var any = false;
        _field.Clear();
        int next;
        while ((next = reader.Read()) >= 0)
        {
            var c = (char)next;
            any = true;
            if (quoted)
            {
                if (c == '"')
                {
                    if (reader.Peek() == '"')
                    {
                        reader.Read();
                        Append(c);
                    }
                    else
                    {
                        quoted = false;
                    }
                }
                else
                {
                    if (c == '\n')
                    {
                        _line++;
                    }

                    Append(c);
                }

                continue;
            }

            if (_separator == default && c is ';' or ',')
            {
                _separator = c; // the header's first separator decides
            }

            if (c == '"' && _field.Length == 0)
            {
                quoted = true;
            }
            else if (c == _separator)
            {
                AddField(fields);
            }
            else if (c == '\r')
            {
                continue;
            }
            else if (c == '\n')
            {
                _line++;
                AddField(fields);
                if (fields.Count == 1 && fields[0].Length == 0)
                {
                    // A blank line: skip it.
                    fields.Clear();
                    start = _line;
                    any = false;
                    continue;
                }

                return new CsvRecord(start, fields);
            }
            else
            {
                Append(c);
            }
        }

        if (!any)
        {
            return null;
        }

        AddField(fields);
        return fields.Count == 1 && fields[0].Length == 0 ? null : new CsvRecord(start, fields);
    }

    private void Append(char c)
    {
        if (_field.Length >= MaxFieldLength)
        {
            throw new InvalidDataException($"A field of the record at line {_line} is longer than {MaxFieldLength} characters.");
        }

        _field.Append(c);
    }

    private void AddField(List<string> fields)
    {
        if (fields.Count >= MaxFields)
        {
            throw new InvalidDataException($"The record at line {_line} has more than {MaxFields} fields.");
        }

        fields.Add(_field.ToString().Trim());
        _field.Clear();
    }
}
