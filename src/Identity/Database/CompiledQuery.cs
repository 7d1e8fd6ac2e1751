using System.Linq.Expressions;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Notices.Identity.Database;

/// <summary>
/// An EF Core compiled query for the hottest lookups (every sign-up page view makes them): compiled once per model,
/// so no parameter extraction or plan-cache lookup per call. EF ties a compiled query to the model it first ran
/// against, and a process can hold more than one (the tests run SQLite and PostgreSQL side by side), so this keeps one
/// per model, released with it.
/// </summary>
public sealed class CompiledQuery<TContext, TParam, TResult>(Expression<Func<TContext, TParam, CancellationToken, TResult>> query)
    where TContext : DbContext
{
    private readonly ConditionalWeakTable<IModel, Func<TContext, TParam, CancellationToken, Task<TResult>>> _perModel = [];

    // Built once: a lambda passed at each call would allocate a closure on every page view.
    private readonly ConditionalWeakTable<IModel, Func<TContext, TParam, CancellationToken, Task<TResult>>>.CreateValueCallback _compile =
        _ => EF.CompileAsyncQuery(query);

    public Task<TResult> RunAsync(TContext context, TParam parameter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var compiled = _perModel.GetValue(context.Model, _compile);
        return compiled(context, parameter, cancellationToken);
    }
}

/// <inheritdoc cref="CompiledQuery{TContext, TParam, TResult}"/>
public sealed class CompiledQuery<TContext, TParam1, TParam2, TResult>(Expression<Func<TContext, TParam1, TParam2, CancellationToken, TResult>> query)
    where TContext : DbContext
{
    private readonly ConditionalWeakTable<IModel, Func<TContext, TParam1, TParam2, CancellationToken, Task<TResult>>> _perModel = [];

    private readonly ConditionalWeakTable<IModel, Func<TContext, TParam1, TParam2, CancellationToken, Task<TResult>>>.CreateValueCallback _compile =
        _ => EF.CompileAsyncQuery(query);

    public Task<TResult> RunAsync(TContext context, TParam1 first, TParam2 second, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var compiled = _perModel.GetValue(context.Model, _compile);
        return compiled(context, first, second, cancellationToken);
    }
}
