using System.Security.Claims;
using Litiges.Accounts;
using Litiges.Data;
using Litiges.Localization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Litiges.Disputes;

/// <summary>What came of an action on a dispute, in words for the user.</summary>
public sealed record CommandOutcome(bool Found, bool Succeeded, string? Message, IReadOnlyList<DisputeHistoryEntry> ChangesMeanwhile)
{
    public static readonly CommandOutcome NotFound = new(false, false, null, []);
}

/// <summary>
/// Runs one business act on a dispute the way every page does: load it (with what its rules
/// need), check the user saw its latest version, call the domain, save. A refused rule and a
/// concurrent change both come back as a message; nothing half-done is saved.
/// </summary>
public sealed class DisputeCommands(LitigesDbContext db, TimeProvider clock, IStringLocalizer t)
{
    /// <param name="seenVersion">The version shown when the user opened the page (a hidden field).</param>
    /// <param name="seenHistory">How many history entries the user saw, to tell what changed meanwhile.</param>
    public Task<CommandOutcome> RunAsync(
        ClaimsPrincipal user,
        int disputeId,
        int seenVersion,
        int seenHistory,
        Func<Dispute, Actor, DateTimeOffset, Task> act,
        CancellationToken cancellationToken = default) =>
        RunAsync(db.Disputes.VisibleTo(user), user.ToActor(), disputeId, seenVersion, seenHistory, act, cancellationToken);

    /// <summary>
    /// The same for someone who is not signed in: a sender of an e-mail reply, already checked
    /// to be a contact of the dispute's company by whoever calls this.
    /// </summary>
    public Task<CommandOutcome> RunAsync(Actor actor, int disputeId, int seenVersion, int seenHistory, Func<Dispute, Actor, DateTimeOffset, Task> act, CancellationToken cancellationToken = default) =>
        RunAsync(db.Disputes.Where(d => actor.CustomerAccountId == null || d.CustomerAccountId == actor.CustomerAccountId), actor, disputeId, seenVersion, seenHistory, act, cancellationToken);

    private async Task<CommandOutcome> RunAsync(IQueryable<Dispute> visible, Actor actor, int disputeId, int seenVersion, int seenHistory, Func<Dispute, Actor, DateTimeOffset, Task> act, CancellationToken cancellationToken)
    {
        var dispute = await visible
            .Include(d => d.Items).ThenInclude(i => i.Invoice).ThenInclude(i => i!.DunningBlocks)
            .Include(d => d.Items).ThenInclude(i => i.Invoice).ThenInclude(i => i!.Lines)
            .Include(d => d.Pauses)
            .Include(d => d.Proposals).ThenInclude(p => p.Instalments)
            .AsSplitQuery()
            .SingleOrDefaultAsync(d => d.Id == disputeId, cancellationToken);
        if (dispute is null)
        {
            return CommandOutcome.NotFound;
        }

        if (dispute.Version != seenVersion)
        {
            return await ConflictAsync(disputeId, seenHistory, cancellationToken);
        }

        try
        {
            var now = clock.GetUtcNow();
            var before = dispute.Status;
            await act(dispute, actor, now);
            await Integration.WebhookEvents.RaiseStatusChangedAsync(db, dispute, before, now, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            return new CommandOutcome(true, true, null, []);
        }
        catch (DomainException refused)
        {
            return new CommandOutcome(true, false, t.Message(refused), []);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return await ConflictAsync(disputeId, seenHistory, cancellationToken);
        }
    }

    public Task<CommandOutcome> RunAsync(ClaimsPrincipal user, int disputeId, int seenVersion, int seenHistory, Action<Dispute, Actor, DateTimeOffset> act, CancellationToken cancellationToken = default) =>
        RunAsync(user, disputeId, seenVersion, seenHistory, (dispute, actor, now) =>
        {
            act(dispute, actor, now);
            return Task.CompletedTask;
        }, cancellationToken);

    /// <summary>What others changed on the dispute since the user's page showed it (history past <paramref name="seenHistory"/>), as a refused outcome; null when nothing did.</summary>
    public async Task<CommandOutcome?> ChangedSinceAsync(int disputeId, int seenHistory, CancellationToken cancellationToken)
    {
        var outcome = await ConflictAsync(disputeId, seenHistory, cancellationToken);
        return outcome.ChangesMeanwhile.Count > 0 ? outcome : null;
    }

    private async Task<CommandOutcome> ConflictAsync(int disputeId, int seenHistory, CancellationToken cancellationToken)
    {
        var changes = await db.DisputeHistory.AsNoTracking()
            .Where(h => h.DisputeId == disputeId && h.Sequence > seenHistory)
            .OrderBy(h => h.Sequence)
            .ToListAsync(cancellationToken);
        var who = string.Join(", ", changes.Select(c => c.ActorName).Distinct());
        var message = t["Error.Concurrency.Changed", string.IsNullOrEmpty(who) ? t["Common.SomeoneElse"].Value : who];
        return new CommandOutcome(true, false, message, changes);
    }
}
