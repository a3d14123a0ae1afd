using Litiges.Integration;

namespace Litiges.IntegrationTests.Api;

/// <summary>The CSV reader of the invoice import: the header's separator, quoted fields, and the line where each record starts.</summary>
public sealed class CsvRecordsTests
{
    [Fact]
    public void Quoted_fields_keep_separators_quotes_and_line_breaks()
    {
        var csv = new CsvRecords(new StringReader("a;b;c\r\n1;\"x; \"\"y\"\"\";3\n\n2;\"multi\nline\";4\n5;;\n"));

        var records = Read(csv);

        Assert.Equal([1, 2, 4, 6], records.Select(r => r.LineNumber));
        Assert.Equal(["1", "x; \"y\"", "3"], records[1].Fields);
        Assert.Equal(["2", "multi\nline", "4"], records[2].Fields);
        Assert.Equal(["5", string.Empty, string.Empty], records[3].Fields);
    }

    [Fact]
    public void The_header_decides_the_separator()
    {
        var records = Read(new CsvRecords(new StringReader("a,b\n1;5,2\n")));

        Assert.Equal(["1;5", "2"], records[1].Fields);
    }

    [Fact]
    public void A_runaway_field_is_refused_rather_than_held_in_memory()
    {
        var csv = new CsvRecords(new StringReader("a;b\n\"" + new string('x', CsvRecords.MaxFieldLength + 1)));

        csv.Read();
        Assert.Throws<InvalidDataException>(() => csv.Read());
    }

    private static List<CsvRecord> Read(CsvRecords csv)
    {
        var records = new List<CsvRecord>();
        while (csv.Read() is { } record)
        {
            records.Add(record);
        }

        return records;
    }
}
