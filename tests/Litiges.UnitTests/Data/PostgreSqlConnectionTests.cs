using Litiges.Data;
using Npgsql;

namespace Litiges.UnitTests.Data;

public sealed class PostgreSqlConnectionTests
{
    [Fact]
    public void Pooled_connections_are_not_reset_and_frequent_statements_are_prepared_by_default()
    {
        var built = new NpgsqlConnectionStringBuilder(DatabaseSetup.PostgreSqlConnection("Host=db;Database=litiges;Username=app;Password=secret"));

        Assert.True(built.NoResetOnClose);
        Assert.Equal(64, built.MaxAutoPrepare);
        Assert.Equal("db", built.Host);
        Assert.Equal("litiges", built.Database);
        Assert.Equal("secret", built.Password);
    }

    [Theory]
    [InlineData("Host=db;No Reset On Close=false;Max Auto Prepare=0")]
    [InlineData("Host=db;noresetonclose=false;MAXAUTOPREPARE=0")]
    public void What_the_connection_string_sets_is_kept(string connectionString)
    {
        var built = new NpgsqlConnectionStringBuilder(DatabaseSetup.PostgreSqlConnection(connectionString));

        Assert.False(built.NoResetOnClose);
        Assert.Equal(0, built.MaxAutoPrepare);
    }
}
