using System.Text;
using Litiges.Documents;
using Litiges.Kpis;

namespace Litiges.UnitTests.Documents;

public class CsvCellsTests
{
    [Theory]
    [InlineData("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0")]
    [InlineData("=HYPERLINK(\"http://evil\")", "\"'=HYPERLINK(\"\"http://evil\"\")\"")]
    [InlineData("+33 1 23", "'+33 1 23")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("\tcmd", "'\tcmd")]
    [InlineData("\rcmd", "\"'\rcmd\"")]
    [InlineData("-12", "'-12")]
    [InlineData("Alpha; Industries", "\"Alpha; Industries\"")]
    [InlineData("Alpha Industries", "Alpha Industries")]
    public void Text_that_a_spreadsheet_would_run_as_a_formula_is_written_as_text(string value, string written) =>
        Assert.Equal(written, CsvCells.Text(value, ';'));

    [Theory]
    [InlineData("-12,50", "-12,50")]
    [InlineData("-3", "-3")]
    [InlineData("1234.5", "1234.5")]
    public void Numbers_the_app_formats_stay_numbers(string value, string written) =>
        Assert.Equal(written, CsvCells.Number(value, ';'));

    [Fact]
    public void Kpi_export_neutralises_a_customer_name_and_keeps_a_negative_amount()
    {
        var bytes = KpiCsv.Write(["Client", "Montant"], [[new KpiCell("-2+3+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0"), new KpiCell("-12,50 €", "-12,50", Numeric: true)]]);
        var lines = Encoding.UTF8.GetString(bytes).TrimStart('\uFEFF').Split("\r\n");
        Assert.Equal("Client;Montant", lines[0]);
        Assert.Equal("'-2+3+cmd|' /C calc'!A0;-12,50", lines[1]);
    }
}
