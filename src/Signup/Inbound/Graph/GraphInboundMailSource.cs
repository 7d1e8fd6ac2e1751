using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Graph;
using Microsoft.Graph.Models;
using Microsoft.Graph.Users.Item.MailFolders.Item.Messages.Delta;
using Microsoft.Graph.Users.Item.Messages.Item.Move;
using Microsoft.Kiota.Abstractions;
using MimeKit;
using Notices.Identity.Graph;

namespace Notices.Signup.Inbound.Graph;

/// <summary>
/// Reads the approvals mailbox through Graph: a messages delta on the inbox (paging <c>@odata.nextLink</c> until the
/// <c>@odata.deltaLink</c>, which is kept in <c>signup.inbound_sources</c> so each message is read once across
/// restarts), each message's MIME (<c>/messages/{id}/$value</c>) parsed by MimeKit with its headers intact, and a
/// move to the processed folder once the pipeline is done with it. One instance at a time reads (a lease row).
/// </summary>
internal sealed partial class GraphInboundMailSource(
    IServiceProvider services,
    InboundSourceStore store,
    IOptions<GraphInboundOptions> options,
    ILogger<GraphInboundMailSource> logger) : IInboundMailSource
{
    /// <summary>How long a reader that died keeps the others out. A live reader renews it with every message.</summary>
    internal static readonly TimeSpan LeaseTime = TimeSpan.FromMinutes(5);

    private readonly string _holder = Guid.NewGuid().ToString("N");
    private readonly Dictionary<string, string> _folderIds = new(StringComparer.OrdinalIgnoreCase);
    private readonly SemaphoreSlim _folderGate = new(1, 1);
    private GraphServiceClient? _client;

    private GraphInboundOptions Settings => options.Value;

    private string Mailbox => Settings.Mailbox ?? throw new InvalidOperationException("Notices:Mail:Inbound:Graph:Mailbox is not set.");

    public string Name => "graph:" + Mailbox.Trim().ToLowerInvariant();

    public TimeSpan PollInterval => TimeSpan.FromSeconds(Settings.PollIntervalSeconds);

    private GraphServiceClient Client => _client ??= services.GetRequiredService<IGraphClientFactory>().Create();

    public IAsyncEnumerable<InboundMessage> ReadAsync(CancellationToken cancellationToken = default) =>
        store.WhileLeasedAsync(Name, _holder, LeaseTime, ReadDeltaAsync, cancellationToken);

    private async IAsyncEnumerable<InboundMessage> ReadDeltaAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var source = Name;
        var cursor = await store.GetCursorAsync(source, cancellationToken);
        var delta = Client.Users[Mailbox].MailFolders["inbox"].Messages.Delta;
        var page = cursor is null
            ? await delta.GetAsDeltaGetResponseAsync(request => request.QueryParameters.Select = ["id"], cancellationToken)
            : await delta.WithUrl(cursor).GetAsDeltaGetResponseAsync(cancellationToken: cancellationToken);
        var read = 0;
        while (page is not null)
        {
            foreach (var item in page.Value ?? [])
            {
                // Moved or deleted messages come back as "@removed" entries: nothing to read.
                if (item.Id is null || item.AdditionalData.ContainsKey("@removed"))
                {
                    continue;
                }

                var message = await FetchAsync(item.Id, cancellationToken);
                if (message is null)
                {
                    continue;
                }

                read++;
                yield return message;
            }

            if (page.OdataNextLink is { } next)
            {
                page = await delta.WithUrl(next).GetAsDeltaGetResponseAsync(cancellationToken: cancellationToken);
                continue;
            }

            if (page.OdataDeltaLink is { } deltaLink && !await store.SaveCursorAsync(source, _holder, deltaLink, cancellationToken))
            {
                LogLeaseLost(logger, source);
            }

            break;
        }

        LogRoundFinished(logger, source, read);
    }

    public async Task MarkProcessedAsync(InboundMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        await MoveAsync(message.SourceId, Settings.ProcessedFolder, cancellationToken);
    }

    public async Task SetAsideAsync(InboundMessage message, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        await SetAsideAsync(message.SourceId, reason, cancellationToken);
    }

    /// <summary>The message's MIME, size-capped and parsed; null (and set aside) when it is too large or not MIME.</summary>
    private async Task<InboundMessage?> FetchAsync(string id, CancellationToken cancellationToken)
    {
        var limit = Settings.MaxMessageBytes;
        byte[] raw;
        try
        {
            await using var content = await Client.Users[Mailbox].Messages[id].Content.GetAsync(cancellationToken: cancellationToken);
            if (content is null)
            {
                await SetAsideAsync(id, "no MIME content", cancellationToken);
                return null;
            }

            raw = await ReadCappedAsync(content, limit, cancellationToken);
        }
        catch (ApiException exception) when (exception.ResponseStatusCode == 404)
        {
            LogGone(logger, id);
            return null;
        }

        if (raw.Length > limit)
        {
            await SetAsideAsync(id, $"larger than {limit} bytes", cancellationToken);
            return null;
        }

        try
        {
            using var stream = new MemoryStream(raw, writable: false);
            var parsed = await MimeMessage.LoadAsync(ParserOptions.Default, stream, cancellationToken);
            return new InboundMessage(id, parsed, raw);
        }
        catch (FormatException exception)
        {
            await SetAsideAsync(id, "not a MIME message: " + exception.Message, cancellationToken);
            return null;
        }
    }

    /// <summary>Reads at most <paramref name="limit"/> + 1 bytes: enough to know the message is too large without holding it.</summary>
    private static async Task<byte[]> ReadCappedAsync(Stream content, int limit, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        while (buffer.Length <= limit)
        {
            var read = await content.ReadAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, limit + 1 - buffer.Length)), cancellationToken);
            if (read == 0)
            {
                break;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private async Task SetAsideAsync(string id, string reason, CancellationToken cancellationToken)
    {
        LogSetAside(logger, id, reason);
        try
        {
            await MoveAsync(id, Settings.SetAsideFolder, cancellationToken);
        }
        catch (ApiException exception)
        {
            // Left in the inbox; the delta link moves past it, so it is not read again either way.
            LogSetAsideFailed(logger, id, exception.ResponseStatusCode);
        }
    }

    private async Task MoveAsync(string id, string folder, CancellationToken cancellationToken)
    {
        var folderId = await FolderIdAsync(folder, cancellationToken);
        await Client.Users[Mailbox].Messages[id].Move.PostAsync(new MovePostRequestBody { DestinationId = folderId }, cancellationToken: cancellationToken);
    }

    /// <summary>The id of the top-level folder named <paramref name="name"/>, created if missing.</summary>
    private async Task<string> FolderIdAsync(string name, CancellationToken cancellationToken)
    {
        await _folderGate.WaitAsync(cancellationToken);
        try
        {
            if (_folderIds.TryGetValue(name, out var known))
            {
                return known;
            }

            var id = await FindFolderAsync(name, cancellationToken);
            if (id is null)
            {
                try
                {
                    var created = await Client.Users[Mailbox].MailFolders.PostAsync(new MailFolder { DisplayName = name }, cancellationToken: cancellationToken);
                    id = created?.Id;
                    LogFolderCreated(logger, name);
                }
                catch (ApiException exception) when (exception.ResponseStatusCode == 409)
                {
                    // Another instance created it just now.
                    id = await FindFolderAsync(name, cancellationToken);
                }
            }

            if (id is null)
            {
                throw new InvalidOperationException($"Graph returned no id for the mail folder '{name}'.");
            }

            _folderIds[name] = id;
            return id;
        }
        finally
        {
            _folderGate.Release();
        }
    }

    private async Task<string?> FindFolderAsync(string name, CancellationToken cancellationToken)
    {
        var escaped = name.Replace("'", "''", StringComparison.Ordinal);
        var folders = await Client.Users[Mailbox].MailFolders.GetAsync(
            request => request.QueryParameters.Filter = $"displayName eq '{escaped}'", cancellationToken);
        return folders?.Value?.FirstOrDefault(folder => string.Equals(folder.DisplayName, name, StringComparison.OrdinalIgnoreCase))?.Id;
    }


    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost the lease on inbound source {Source}: this round stops and is read again")]
    private static partial void LogLeaseLost(ILogger logger, string source);

    [LoggerMessage(Level = LogLevel.Information, Message = "Read {Count} message(s) from {Source}")]
    private static partial void LogRoundFinished(ILogger logger, string source, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Set aside message {MessageId}: {Reason}")]
    private static partial void LogSetAside(ILogger logger, string messageId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not move message {MessageId} to the set-aside folder ({Status})")]
    private static partial void LogSetAsideFailed(ILogger logger, string messageId, int status);

    [LoggerMessage(Level = LogLevel.Information, Message = "Message {MessageId} was gone before it could be read")]
    private static partial void LogGone(ILogger logger, string messageId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Created mail folder {Folder}")]
    private static partial void LogFolderCreated(ILogger logger, string folder);
}
