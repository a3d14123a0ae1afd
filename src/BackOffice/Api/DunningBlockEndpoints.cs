using Litiges.Data;
using Litiges.Integration;
using Litiges.Pages.Shared;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Litiges.BackOffice.Api;

/// <summary>
/// The dunning blocks placed or lifted after a time, so that the ERP stops (and resumes) its
/// letters. Each block appears in its latest state, ordered by when it last changed (its lift, or
/// else its placement) then by id; <c>nextCursor</c> carries on from the last one shown.
/// </summary>
internal static class DunningBlockEndpoints
{
    public static void Map(RouteGroupBuilder reads) =>
        reads.MapGet("/dunning-blocks", ListAsync)
            .WithName("ListDunningBlocks")
            .WithTags("Dunning blocks")
            .WithSummary("Lists the dunning blocks placed or lifted after `since`, oldest change first, a page at a time.")
            .WithDescription("Poll with the `changedAt` of the last block seen as `since` (or follow `nextCursor` while there is one). A block lifted since appears once more, with `liftedAt`.");

    private static async Task<Results<Ok<Page<DunningBlockView>>, ValidationProblem>> ListAsync(
        DateTimeOffset? since,
        string? cursor,
        int? limit,
        LitigesDbContext db,
        IStringLocalizer t,
        CancellationToken cancellationToken)
    {
        var (size, after, from, problem) = Paging.Read(limit, cursor, since, t);
        if (problem is not null)
        {
            return problem;
        }

        var query = DunningBlockView.Query(db).Where(b => b.PlacedAt > from || b.LiftedAt > from);
        if (after is var (at, id))
        {
            query = query.Where(b => b.ChangedAt > at || (b.ChangedAt == at && b.Id > id));
        }

        var rows = await query.OrderBy(b => b.ChangedAt).ThenBy(b => b.Id).Take(size + 1).ToListAsync(cancellationToken);
        return TypedResults.Ok(Page<DunningBlockView>.Of(rows, size, b => (b.ChangedAt, b.Id)));
    }
}

/// <summary>A page of a list, and the cursor of the next one (null on the last page).</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor)
{
    /// <summary>From <paramref name="size"/> + 1 rows: the extra one only tells that there is more.</summary>
    public static Page<T> Of(IReadOnlyList<T> rows, int size, Func<T, (DateTimeOffset At, int Id)> key)
    {
        if (rows.Count <= size)
        {
            return new Page<T>(rows, null);
        }

        var items = rows.Take(size).ToList();
        var (at, id) = key(items[^1]);
        return new Page<T>(items, KeysetCursor.Encode(at.UtcTicks, id));
    }
}

internal static class Paging
{
    public const int DefaultSize = 100;
    public const int MaxSize = 1000;

    /// <summary>
    /// A feed's page request: its size, the position it carries on after (from a cursor), and the
    /// instant it starts after (<paramref name="since"/>, or the beginning); or the problem that
    /// refuses it.
    /// </summary>
    public static (int Size, (DateTimeOffset At, int Id)? After, DateTimeOffset Since, ValidationProblem? Problem) Read(int? limit, string? cursor, DateTimeOffset? since, IStringLocalizer t)
    {
        var errors = new FieldErrors(t);
        var size = Size(limit, errors);
        var after = After(cursor, errors);
        return (size, after, (since ?? DateTimeOffset.UnixEpoch).ToUniversalTime(), errors.HasAny ? ApiProblems.Invalid(t, errors) : null);
    }

    private static int Size(int? limit, FieldErrors errors)
    {
        if (limit is { } value && value is < 1 or > MaxSize)
        {
            errors.Add("limit", "Integration.Validation.Limit", MaxSize);
        }

        return limit ?? DefaultSize;
    }

    /// <summary>The position a cursor points after; a cursor that does not decode is an error, not a fresh start.</summary>
    private static (DateTimeOffset At, int Id)? After(string? cursor, FieldErrors errors)
    {
        if (string.IsNullOrEmpty(cursor))
        {
            return null;
        }

        if (KeysetCursor.TryDecode(cursor, out var ticks, out var id) && ticks >= 0 && ticks <= DateTimeOffset.MaxValue.UtcTicks)
        {
            return (new DateTimeOffset(ticks, TimeSpan.Zero), id);
        }

        errors.Add("cursor", "Integration.Validation.Cursor");
        return null;
    }
}
