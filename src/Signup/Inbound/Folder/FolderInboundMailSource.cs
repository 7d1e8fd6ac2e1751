using System.ComponentModel.DataAnnotations;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;
using Notices.Identity.Database;

namespace Notices.Signup.Inbound.Folder;

/// <summary><c>Notices:Mail:Inbound:Folder</c>: a drop folder of <c>.eml</c> files (<c>Notices:Mail:Inbound:Source = Folder</c>).</summary>
internal sealed class FolderInboundOptions
{
    public const string Section = "Notices:Mail:Inbound:Folder";

    /// <summary>The folder read; default <c>{DataDirectory}/mailbox/incoming</c>. Processed and refused files go to its siblings <c>processed/</c> and <c>set-aside/</c>.</summary>
    public string? Path { get; set; }

    [Range(1, 3600, ErrorMessage = "Notices:Mail:Inbound:Folder:PollIntervalSeconds must be between 1 and 3600.")]
    public int PollIntervalSeconds { get; set; } = 3;
}

/// <summary>
/// Reads one <c>.eml</c> file per message from a drop folder, oldest name first. A writer must create the file under
/// another name and rename it to <c>*.eml</c> when complete (the dev mailbox's reply form does). Processed files move
/// to <c>processed/</c>; refused ones to <c>set-aside/</c> with a <c>.reason.txt</c> beside them. One instance at a
/// time reads (the same lease as every source); the database is touched only when files are waiting.
/// </summary>
internal sealed partial class FolderInboundMailSource(
    InboundSourceStore store,
    DataPaths paths,
    IOptions<FolderInboundOptions> options,
    IOptions<InboundMailOptions> inbound,
    ILogger<FolderInboundMailSource> logger) : IInboundMailSource
{
    internal static readonly TimeSpan LeaseTime = TimeSpan.FromMinutes(2);

    private readonly string _holder = Guid.NewGuid().ToString("N");

    public string Name => "folder";

    public TimeSpan PollInterval => TimeSpan.FromSeconds(options.Value.PollIntervalSeconds);

    public string Incoming => System.IO.Path.GetFullPath(string.IsNullOrWhiteSpace(options.Value.Path) ? paths.IncomingMailbox : options.Value.Path);

    public string Processed => Sibling("processed");

    public string SetAside => Sibling("set-aside");

    public async IAsyncEnumerable<InboundMessage> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (!Directory.Exists(Incoming) || !Directory.EnumerateFiles(Incoming, "*.eml").Any())
        {
            yield break;
        }

        await foreach (var message in store.WhileLeasedAsync(Name, _holder, LeaseTime, ReadFilesAsync, cancellationToken))
        {
            yield return message;
        }
    }

    private async IAsyncEnumerable<InboundMessage> ReadFilesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var limit = inbound.Value.MaxMessageBytes;
        foreach (var path in Directory.GetFiles(Incoming, "*.eml").Order(StringComparer.Ordinal))
        {
            var file = System.IO.Path.GetFileName(path);
            var message = await LoadAsync(path, file, limit, cancellationToken);
            if (message is not null)
            {
                yield return message;
            }
        }
    }

    public Task MarkProcessedAsync(InboundMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        Move(message.SourceId, Processed, null);
        return Task.CompletedTask;
    }

    public Task SetAsideAsync(InboundMessage message, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        Move(message.SourceId, SetAside, reason);
        return Task.CompletedTask;
    }

    private async Task<InboundMessage?> LoadAsync(string path, string file, int limit, CancellationToken cancellationToken)
    {
        byte[] raw;
        try
        {
            if (new FileInfo(path).Length > limit)
            {
                LogSetAside(logger, file, $"larger than {limit} bytes");
                Move(file, SetAside, $"larger than {limit} bytes");
                return null;
            }

            raw = await File.ReadAllBytesAsync(path, cancellationToken);
        }
        catch (FileNotFoundException)
        {
            // Taken by a reader that held the lease before us.
            return null;
        }

        try
        {
            using var stream = new MemoryStream(raw, writable: false);
            var parsed = await MimeMessage.LoadAsync(ParserOptions.Default, stream, cancellationToken);
            if (parsed.Headers.Count == 0)
            {
                throw new FormatException("no headers");
            }

            return new InboundMessage(file, parsed, raw);
        }
        catch (FormatException exception)
        {
            LogSetAside(logger, file, "not a MIME message");
            Move(file, SetAside, "not a MIME message: " + exception.Message);
            return null;
        }
    }

    private void Move(string file, string folder, string? reason)
    {
        var from = System.IO.Path.Combine(Incoming, System.IO.Path.GetFileName(file));
        if (!File.Exists(from))
        {
            return;
        }

        Directory.CreateDirectory(folder);
        var to = System.IO.Path.Combine(folder, System.IO.Path.GetFileName(file));
        if (File.Exists(to))
        {
            to = System.IO.Path.Combine(folder, $"{System.IO.Path.GetFileNameWithoutExtension(file)}-{Guid.NewGuid():N}.eml");
        }

        if (reason is not null)
        {
            File.WriteAllText(to + ".reason.txt", reason + Environment.NewLine);
        }

        try
        {
            File.Move(from, to);
        }
        catch (FileNotFoundException)
        {
            // Moved by another round of this instance at the same moment.
        }
    }

    private string Sibling(string name) => System.IO.Path.Combine(System.IO.Path.GetDirectoryName(Incoming.TrimEnd(System.IO.Path.DirectorySeparatorChar)) ?? Incoming, name);



    [LoggerMessage(Level = LogLevel.Warning, Message = "Set aside {File}: {Reason}")]
    private static partial void LogSetAside(ILogger logger, string file, string reason);
}
