using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Notices.Signup.Database;
using Notices.Signup.Inbound.Folder;
using Notices.Signup.Inbound.Graph;
using Notices.Signup.Inbound.Imap;
using Notices.Signup.Replies;

namespace Notices.Signup.Inbound;

/// <summary>
/// The state of inbound sources in the <c>signup.inbound_sources</c> table: a lease so that one instance at a time
/// reads a mailbox, and the cursor that instance saves at the end of a round. Every write is conditional on holding
/// the lease, so an instance that lost it (paused past its expiry) cannot overwrite the new holder's cursor.
/// </summary>
internal sealed partial class InboundSourceStore(IServiceScopeFactory scopes, TimeProvider time, ILogger<InboundSourceStore> logger)
{
    /// <summary>
    /// One round of a source under its lease: takes the lease (or reads nothing when another instance holds it), renews
    /// it after each message the caller has handled, stops the round when it is lost, and releases it at the end.
    /// Every source reads through this, so the one-reader rule lives in one place.
    /// </summary>
    public async IAsyncEnumerable<T> WhileLeasedAsync<T>(
        string source,
        string holder,
        TimeSpan ttl,
        Func<CancellationToken, IAsyncEnumerable<T>> read,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (!await TryAcquireLeaseAsync(source, holder, ttl, cancellationToken))
        {
            LogNotLeader(logger, source);
            yield break;
        }

        try
        {
            await foreach (var item in read(cancellationToken).WithCancellation(cancellationToken))
            {
                yield return item;
                if (!await TryAcquireLeaseAsync(source, holder, ttl, cancellationToken))
                {
                    LogLeaseLost(logger, source);
                    yield break;
                }
            }
        }
        finally
        {
            await ReleaseLeaseAsync(source, holder, CancellationToken.None);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Inbound source {Source} is being read by another instance")]
    private static partial void LogNotLeader(ILogger logger, string source);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost the lease on inbound source {Source}: this round stops and is read again")]
    private static partial void LogLeaseLost(ILogger logger, string source);

    /// <summary>Takes or renews the lease on <paramref name="source"/> for <paramref name="ttl"/>; false if another instance holds it.</summary>
    public async Task<bool> TryAcquireLeaseAsync(string source, string holder, TimeSpan ttl, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var until = now + (long)ttl.TotalMilliseconds;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SignupDbContext>();
        var taken = await db.InboundSources
            .Where(s => s.Source == source && (s.LeaseHolder == null || s.LeaseHolder == holder || s.LeaseUntil < now))
            .ExecuteUpdateAsync(set => set.SetProperty(s => s.LeaseHolder, holder).SetProperty(s => s.LeaseUntil, until), cancellationToken);
        if (taken == 1)
        {
            return true;
        }

        if (await db.InboundSources.AnyAsync(s => s.Source == source, cancellationToken))
        {
            return false;
        }

        db.InboundSources.Add(new InboundSourceState { Source = source, LeaseHolder = holder, LeaseUntil = until, UpdatedAt = now });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException)
        {
            // Another instance created the row first: it holds the lease.
            return false;
        }
    }

    public async Task ReleaseLeaseAsync(string source, string holder, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SignupDbContext>();
        await db.InboundSources
            .Where(s => s.Source == source && s.LeaseHolder == holder)
            .ExecuteUpdateAsync(set => set.SetProperty(s => s.LeaseHolder, (string?)null).SetProperty(s => s.LeaseUntil, 0L), cancellationToken);
    }

    public async Task<string?> GetCursorAsync(string source, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SignupDbContext>();
        return await db.InboundSources.Where(s => s.Source == source).Select(s => s.Cursor).FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>Saves the cursor if <paramref name="holder"/> still holds the lease; false if it lost it.</summary>
    public async Task<bool> SaveCursorAsync(string source, string holder, string cursor, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SignupDbContext>();
        var saved = await db.InboundSources
            .Where(s => s.Source == source && s.LeaseHolder == holder && s.LeaseUntil >= now)
            .ExecuteUpdateAsync(set => set.SetProperty(s => s.Cursor, cursor).SetProperty(s => s.UpdatedAt, now), cancellationToken);
        return saved == 1;
    }
}

internal static class InboundMailServices
{
    /// <summary>The inbound contract's plumbing and the configured <see cref="IInboundMailSource"/> (<c>Notices:Mail:Inbound:Source</c>).</summary>
    public static IHostApplicationBuilder AddInboundMail(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<InboundMailOptions>().BindConfiguration(InboundMailOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<InboundMailOptions>, InboundMailOptionsValidator>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<InboundSourceStore>();

        builder.Services.AddOptions<GraphInboundOptions>().BindConfiguration(GraphInboundOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<GraphInboundOptions>, GraphInboundOptionsValidator>();
        builder.Services.AddOptions<FolderInboundOptions>().BindConfiguration(FolderInboundOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        var inbound = builder.Configuration.GetSection(InboundMailOptions.Section).Get<InboundMailOptions>() ?? new InboundMailOptions();
        switch (inbound.Source)
        {
            case InboundMailSourceKind.Graph:
                builder.Services.AddSingleton<GraphInboundMailSource>();
                builder.Services.AddSingleton<IInboundMailSource>(sp => sp.GetRequiredService<GraphInboundMailSource>());
                break;
            case InboundMailSourceKind.Folder:
                builder.Services.AddSingleton<FolderInboundMailSource>();
                builder.Services.AddSingleton<IInboundMailSource>(sp => sp.GetRequiredService<FolderInboundMailSource>());
                builder.Services.AddSingleton<IReplyDropFolder, ReplyDropFolder>();
                break;
            case InboundMailSourceKind.Imap:
                builder.AddImapInbound();
                break;
        }

        if (inbound.Source != InboundMailSourceKind.None)
        {
            builder.Services.AddScoped<ReplyProcessor>();
            builder.Services.TryAddSingleton<ReplyMetrics>();
            builder.Services.AddSingleton<ReplyReader>();
            if (inbound.BackgroundReader)
            {
                builder.Services.AddHostedService(sp => sp.GetRequiredService<ReplyReader>());
            }
        }

        return builder;
    }
}
