using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Litiges.Data;

/// <summary>
/// A compiled query (<c>EF.CompileAsyncQuery</c>) for each EF model it runs against. A compiled
/// query skips EF's look-up of the query in its cache (building the expression, comparing it,
/// extracting its parameters) on every call, but it is bound to the first model it runs on; each
/// provider's context has a model of its own (the tests run SQLite and PostgreSQL in one process).
/// </summary>
/// <typeparam name="TQuery">The compiled query's delegate.</typeparam>
public sealed class CompiledPerModel<TQuery>(Func<TQuery> compile)
    where TQuery : class
{
    private readonly ConditionalWeakTable<IModel, TQuery> _byModel = new();

    public TQuery For(DbContext db)
    {
        var model = db.Model;
        return _byModel.TryGetValue(model, out var query) ? query : _byModel.GetValue(model, _ => compile());
    }
}
