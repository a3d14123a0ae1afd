using Litiges.Demo;
using Litiges.Disputes;
using Litiges.Testing;
using Microsoft.EntityFrameworkCore;

namespace Litiges.IntegrationTests.Data;

/// <summary>The generator fills a provider with data the domain accepts, disputes in every state.</summary>
public abstract class DataGeneratorTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : LitigesFixture
{
    [Fact]
    public async Task Generates_customers_invoices_and_disputes_in_every_state()
    {
        var generated = await fixture.WithDbAsync(db =>
            new DataGenerator(db, TimeProvider.System).GenerateAsync(new GeneratorOptions(Customers: 4, InvoicesPerCustomer: 30, DisputedShare: 0.5) { FirstCustomerNumber = 900 }));

        Assert.Equal(4, generated.CustomerAccountIds.Count);
        Assert.Equal(120, generated.Invoices);
        Assert.True(generated.Disputes >= Enum.GetValues<DisputeStatus>().Length);

        await fixture.WithDbAsync(async db =>
        {
            var ids = generated.CustomerAccountIds.ToList();
            var states = await db.Disputes.Where(d => ids.Contains(d.CustomerAccountId)).Select(d => d.Status).Distinct().ToListAsync();
            Assert.Equal(Enum.GetValues<DisputeStatus>().OrderBy(s => s), states.OrderBy(s => s));

            // Open disputes block exactly what they claim; ended ones block nothing.
            var openStates = DisputeStatuses.Open.ToList();
            var blocked = await db.DunningBlocks.Where(b => b.LiftedAt == null && ids.Contains(b.Dispute!.CustomerAccountId)).SumAsync(b => b.Amount);
            var claimedOpen = await db.DisputedItems.Where(i => ids.Contains(i.Invoice!.CustomerAccountId) && openStates.Contains(db.Disputes.First(d => d.Id == i.DisputeId).Status)).SumAsync(i => i.Amount);
            Assert.Equal(claimedOpen, blocked);
            var invoiceBlocked = await db.Invoices.Where(i => ids.Contains(i.CustomerAccountId)).SumAsync(i => i.BlockedAmount);
            Assert.Equal(blocked, invoiceBlocked);

            // Every generated history is an intact hash chain.
            var sample = await db.Disputes.Include(d => d.History).Where(d => ids.Contains(d.CustomerAccountId)).Take(10).ToListAsync();
            Assert.All(sample, d => Assert.Null(d.FirstBrokenHistoryEntry()));
            var references = await db.Disputes.Select(d => d.Reference).ToListAsync();
            Assert.Equal(references.Count, references.Distinct().Count());
        });
    }
}

public sealed class SqliteDataGeneratorTests(SqliteFixture fixture) : DataGeneratorTests<SqliteFixture>(fixture);

public sealed class PostgreSqlDataGeneratorTests(PostgreSqlFixture fixture) : DataGeneratorTests<PostgreSqlFixture>(fixture);
