using Litiges.Disputes;
using Litiges.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Litiges.IntegrationTests.Data;

/// <summary>Two people saving the same dispute or invoice: the second save is refused, nothing is lost.</summary>
public abstract class ConcurrencyTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : LitigesFixture
{
    private static readonly Actor Agent = new("agent-1", "Agent One", ActorRole.Agent);
    private static readonly Actor OtherAgent = new("agent-2", "Agent Two", ActorRole.Agent);

    [Fact]
    public async Task Second_save_of_the_same_dispute_is_refused_and_the_first_is_kept()
    {
        var id = await OpenDisputeAsync();
        await using var first = await NewContextAsync();
        await using var second = await NewContextAsync();
        var mine = await LoadAsync(first, id);
        var theirs = await LoadAsync(second, id);

        mine.AssignOwner(Agent, Agent.UserId, Agent.DisplayName, DateTimeOffset.UtcNow);
        await first.SaveChangesAsync();

        theirs.AssignOwner(OtherAgent, OtherAgent.UserId, OtherAgent.DisplayName, DateTimeOffset.UtcNow);
        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => second.SaveChangesAsync());

        var saved = await fixture.WithDbAsync(db => db.Disputes.AsNoTracking().SingleAsync(d => d.Id == id));
        Assert.Equal(Agent.UserId, saved.OwnerUserId);
        Assert.Equal(1, saved.Version);
        var history = await fixture.WithDbAsync(db => db.DisputeHistory.Where(h => h.DisputeId == id).OrderBy(h => h.Sequence).Select(h => h.Action).ToListAsync());
        Assert.Equal([DisputeAction.Opened, DisputeAction.Assigned], history);
    }

    [Fact]
    public async Task Stale_version_from_a_form_is_refused()
    {
        var id = await OpenDisputeAsync();
        await fixture.WithDbAsync(async db =>
        {
            var dispute = await LoadAsync(db, id);
            dispute.Acknowledge(Agent, DateTimeOffset.UtcNow);
            await db.SaveChangesAsync();
        });

        await using var stale = await NewContextAsync();
        var loaded = await LoadAsync(stale, id);
        stale.Entry(loaded).Property(d => d.Version).OriginalValue = 0;
        loaded.AddInternalNote(OtherAgent, "Vu avec le commercial", DateTimeOffset.UtcNow);
        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => stale.SaveChangesAsync());
    }

    [Fact]
    public async Task Second_payment_recorded_on_a_stale_invoice_is_refused()
    {
        var invoiceId = fixture.Data.AlphaInvoices[2].Id;
        await using var first = await NewContextAsync();
        await using var second = await NewContextAsync();
        var mine = await first.Invoices.SingleAsync(i => i.Id == invoiceId);
        var theirs = await second.Invoices.SingleAsync(i => i.Id == invoiceId);
        mine.RecordPayment(100m, Litiges.Deadlines.BusinessDate.Of(DateTimeOffset.UtcNow), "VIR-1");
        await first.SaveChangesAsync();
        theirs.RecordPayment(100m, Litiges.Deadlines.BusinessDate.Of(DateTimeOffset.UtcNow), "VIR-2");
        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => second.SaveChangesAsync());
    }

    private async Task<Litiges.Data.LitigesDbContext> NewContextAsync()
    {
        await Task.CompletedTask;
        var scope = fixture.BackOffice.Services.CreateAsyncScope();
        return scope.ServiceProvider.GetRequiredService<Litiges.Data.LitigesDbContext>();
    }

    private static Task<Dispute> LoadAsync(Litiges.Data.LitigesDbContext db, int id) =>
        db.Disputes.Include(d => d.Items).ThenInclude(i => i.Invoice).ThenInclude(i => i!.DunningBlocks).SingleAsync(d => d.Id == id);

    private Task<int> OpenDisputeAsync() =>
        fixture.WithDbAsync(async db =>
        {
            var invoice = await db.Invoices.Include(i => i.Lines).Include(i => i.DunningBlocks).SingleAsync(i => i.Id == fixture.Data.AlphaInvoices[1].Id);
            var reason = await db.ReasonCodes.SingleAsync(r => r.Code == "QUA");
            var reference = await Litiges.Numbering.SequenceNumbers.NextAsync(db, "LIT", 2026);
            var customer = new Actor("c", "Client", ActorRole.Customer, fixture.Data.AlphaId);
            var dispute = Dispute.Open(reference, fixture.Data.AlphaId, reason, "Défaut", DesiredOutcome.Replacement, [new DisputeClaim(invoice, invoice.Lines[0], 1m)], DisputeSource.CustomerPortal, customer, DateTimeOffset.UtcNow);
            db.Disputes.Add(dispute);
            await db.SaveChangesAsync();
            return dispute.Id;
        });
}

public sealed class SqliteConcurrencyTests(SqliteFixture fixture) : ConcurrencyTests<SqliteFixture>(fixture);

public sealed class PostgreSqlConcurrencyTests(PostgreSqlFixture fixture) : ConcurrencyTests<PostgreSqlFixture>(fixture);
