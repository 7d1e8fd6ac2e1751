using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Runtime.CompilerServices;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailKit.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Notices.Signup.Inbound.Imap;

internal enum ImapSecurity
{
    SslOnConnect,
    StartTls,

    /// <summary>Plain text: only for a server on loopback (tests, a local relay).</summary>
    None,
}

/// <summary><c>Notices:Mail:Inbound:Imap</c>: the approvals mailbox read over IMAP (<c>Notices:Mail:Inbound:Source = Imap</c>).</summary>
internal sealed class ImapInboundOptions
{
    public const string Section = "Notices:Mail:Inbound:Imap";

    public string? Host { get; set; }

    [Range(1, 65535, ErrorMessage = "Notices:Mail:Inbound:Imap:Port must be between 1 and 65535.")]
    public int Port { get; set; } = 993;

    [EnumDataType(typeof(ImapSecurity), ErrorMessage = "Notices:Mail:Inbound:Imap:Security must be SslOnConnect, StartTls or None.")]
    public ImapSecurity Security { get; set; } = ImapSecurity.SslOnConnect;

    public string? UserName { get; set; }

    public string? Password { get; set; }

    [Required, StringLength(200, MinimumLength = 1)]
    public string Folder { get; set; } = "INBOX";

    /// <summary>Where processed messages are moved (created if missing).</summary>
    [Required, StringLength(200, MinimumLength = 1)]
    public string ProcessedFolder { get; set; } = "Notices processed";

    /// <summary>Where refused and unreadable messages are moved, flagged with a keyword naming the reason (created if missing).</summary>
    [Required, StringLength(200, MinimumLength = 1)]
    public string SetAsideFolder { get; set; } = "Notices set aside";

    /// <summary>Without IDLE, how often the folder is read; with IDLE, the longest wait between reads.</summary>
    [Range(1, 3600, ErrorMessage = "Notices:Mail:Inbound:Imap:PollIntervalSeconds must be between 1 and 3600.")]
    public int PollIntervalSeconds { get; set; } = 60;

    [Range(5, 120, ErrorMessage = "Notices:Mail:Inbound:Imap:TimeoutSeconds must be between 5 and 120.")]
    public int TimeoutSeconds { get; set; } = 30;
}

internal sealed class ImapInboundOptionsValidator(IOptions<InboundMailOptions> inbound, IHostEnvironment environment) : IValidateOptions<ImapInboundOptions>
{
    public ValidateOptionsResult Validate(string? name, ImapInboundOptions options)
    {
        if (inbound.Value.Source != InboundMailSourceKind.Imap)
        {
            return ValidateOptionsResult.Success;
        }

        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Host))
        {
            failures.Add("Notices:Mail:Inbound:Imap:Host is required when Notices:Mail:Inbound:Source is Imap, e.g. \"imap.agency.example\".");
        }

        if (string.IsNullOrWhiteSpace(options.UserName) || string.IsNullOrEmpty(options.Password))
        {
            failures.Add("Notices:Mail:Inbound:Imap:UserName and Password are required when Notices:Mail:Inbound:Source is Imap.");
        }

        if (options.Security == ImapSecurity.None && !environment.IsDevelopment() && options.Host is not ("127.0.0.1" or "localhost" or "::1"))
        {
            failures.Add("Notices:Mail:Inbound:Imap:Security None is allowed only for a server on loopback.");
        }

        if (new[] { options.Folder, options.ProcessedFolder, options.SetAsideFolder }.Distinct(StringComparer.OrdinalIgnoreCase).Count() != 3)
        {
            failures.Add("Notices:Mail:Inbound:Imap:Folder, ProcessedFolder and SetAsideFolder must all differ.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>
/// Reads the approvals mailbox over IMAP with MailKit: every message in the folder is unprocessed (processed ones are
/// moved to <see cref="ImapInboundOptions.ProcessedFolder"/>, refused ones to <see cref="ImapInboundOptions.SetAsideFolder"/>
/// with a keyword naming the reason), so a reader killed mid-batch reads the rest again next round and the pipeline's
/// Message-ID record keeps it from acting twice. One connection, reused; on any failure it is dropped and the reader's
/// back-off reconnects. Between rounds it IDLEs where the server offers it, and polls otherwise. One instance at a
/// time reads (the lease every source uses).
/// </summary>
internal sealed partial class ImapInboundMailSource(
    InboundSourceStore store,
    IOptions<ImapInboundOptions> options,
    IOptions<InboundMailOptions> inbound,
    ILogger<ImapInboundMailSource> logger) : IInboundMailSource, IDisposable
{
    internal static readonly TimeSpan LeaseTime = TimeSpan.FromMinutes(5);

    /// <summary>RFC 2177: re-issue IDLE at least every 29 minutes; servers and middleboxes often cut sooner.</summary>
    private static readonly TimeSpan MaxIdle = TimeSpan.FromMinutes(9);

    private readonly string _holder = Guid.NewGuid().ToString("N");
    private ImapClient? _client;

    private ImapInboundOptions Settings => options.Value;

    public string Name => string.Create(CultureInfo.InvariantCulture, $"imap:{Settings.UserName?.Trim().ToLowerInvariant()}@{Settings.Host?.Trim().ToLowerInvariant()}/{Settings.Folder}");

    public TimeSpan PollInterval => TimeSpan.FromSeconds(Settings.PollIntervalSeconds);

    public IAsyncEnumerable<InboundMessage> ReadAsync(CancellationToken cancellationToken = default) =>
        store.WhileLeasedAsync(Name, _holder, LeaseTime, ReadFolderAsync, cancellationToken);

    private async IAsyncEnumerable<InboundMessage> ReadFolderAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var folder = await OpenAsync(cancellationToken);
        var uids = await folder.SearchAsync(SearchQuery.All, cancellationToken);
        var summaries = uids.Count == 0 ? [] : await folder.FetchAsync(uids, MessageSummaryItems.UniqueId | MessageSummaryItems.Size, cancellationToken);
        var limit = inbound.Value.MaxMessageBytes;
        foreach (var summary in summaries.OrderBy(s => s.UniqueId.Id))
        {
            var message = await LoadAsync(folder, summary, limit, cancellationToken);
            if (message is not null)
            {
                yield return message;
            }
        }
    }

    public async Task MarkProcessedAsync(InboundMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        await MoveAsync(UniqueId.Parse(message.SourceId), Settings.ProcessedFolder, null, cancellationToken);
    }

    public async Task SetAsideAsync(InboundMessage message, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        await MoveAsync(UniqueId.Parse(message.SourceId), Settings.SetAsideFolder, reason, cancellationToken);
    }

    /// <summary>IDLE until the folder changes or <see cref="PollInterval"/> (at most 9 minutes) passes; a plain wait when IDLE is not offered.</summary>
    public async Task WaitForMailAsync(CancellationToken cancellationToken)
    {
        var folder = await OpenAsync(cancellationToken);
        var client = _client!;
        if (!client.Capabilities.HasFlag(ImapCapabilities.Idle))
        {
            await Task.Delay(PollInterval, cancellationToken);
            return;
        }

        using var done = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        done.CancelAfter(PollInterval < MaxIdle ? PollInterval : MaxIdle);
        void Changed(object? sender, EventArgs e) => done.Cancel();
        folder.CountChanged += Changed;
        try
        {
            await client.IdleAsync(done.Token, cancellationToken);
        }
        finally
        {
            folder.CountChanged -= Changed;
        }
    }

    public void Dispose() => Drop();

    private async Task<InboundMessage?> LoadAsync(IMailFolder folder, IMessageSummary summary, int limit, CancellationToken cancellationToken)
    {
        var uid = summary.UniqueId;
        if (summary.Size is { } size && size > limit)
        {
            LogSetAside(logger, uid.Id, $"larger than {limit} bytes");
            await MoveAsync(uid, Settings.SetAsideFolder, $"larger than {limit} bytes", cancellationToken);
            return null;
        }

        byte[] raw;
        await using (var stream = await folder.GetStreamAsync(uid, cancellationToken))
        using (var buffer = new MemoryStream())
        {
            await stream.CopyToAsync(buffer, cancellationToken);
            raw = buffer.ToArray();
        }

        try
        {
            using var parse = new MemoryStream(raw, writable: false);
            var message = await MimeMessage.LoadAsync(ParserOptions.Default, parse, cancellationToken);
            return new InboundMessage(uid.ToString(), message, raw);
        }
        catch (FormatException)
        {
            LogSetAside(logger, uid.Id, "not a MIME message");
            await MoveAsync(uid, Settings.SetAsideFolder, "not a MIME message", cancellationToken);
            return null;
        }
    }

    private async Task MoveAsync(UniqueId uid, string destination, string? reason, CancellationToken cancellationToken)
    {
        var folder = await OpenAsync(cancellationToken);
        var target = await FolderAsync(destination, cancellationToken);
        if (reason is not null && folder.PermanentFlags.HasFlag(MessageFlags.UserDefined))
        {
            // The reason travels with the message as a keyword (a person sees it as a tag in their mail client); the
            // full reason is in the database and the log, so a server that refuses the keyword only loses the tag.
            try
            {
                await folder.StoreAsync(uid, new StoreFlagsRequest(StoreAction.Add, MessageFlags.None) { Keywords = { Keyword(reason) }, Silent = true }, cancellationToken);
            }
            catch (ImapCommandException exception)
            {
                LogKeywordRefused(logger, uid.Id, exception.Response.ToString());
            }
        }

        await folder.MoveToAsync(uid, target, cancellationToken);
    }

    private async Task<IMailFolder> OpenAsync(CancellationToken cancellationToken)
    {
        try
        {
            var client = _client;
            if (client is null || !client.IsConnected || !client.IsAuthenticated)
            {
                Drop();
                client = new ImapClient { Timeout = Settings.TimeoutSeconds * 1000 };
                _client = client;
                var security = Settings.Security switch
                {
                    ImapSecurity.None => SecureSocketOptions.None,
                    ImapSecurity.StartTls => SecureSocketOptions.StartTls,
                    _ => SecureSocketOptions.SslOnConnect,
                };
                await client.ConnectAsync(Settings.Host!, Settings.Port, security, cancellationToken);
                await client.AuthenticateAsync(Settings.UserName!, Settings.Password!, cancellationToken);
                LogConnected(logger, Name, client.Capabilities.HasFlag(ImapCapabilities.Idle));
            }

            var folder = await client.GetFolderAsync(Settings.Folder, cancellationToken);
            if (!folder.IsOpen || folder.Access != FolderAccess.ReadWrite)
            {
                await folder.OpenAsync(FolderAccess.ReadWrite, cancellationToken);
            }

            return folder;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            Drop();
            throw;
        }
    }

    private async Task<IMailFolder> FolderAsync(string name, CancellationToken cancellationToken)
    {
        var client = _client!;
        try
        {
            return await client.GetFolderAsync(name, cancellationToken);
        }
        catch (FolderNotFoundException)
        {
            var root = client.GetFolder(client.PersonalNamespaces[0]);
            try
            {
                var created = await root.CreateAsync(name, true, cancellationToken);
                LogFolderCreated(logger, name);
                return created ?? await client.GetFolderAsync(name, cancellationToken);
            }
            catch (ImapCommandException)
            {
                // Another instance created it a moment ago.
                return await client.GetFolderAsync(name, cancellationToken);
            }
        }
    }

    private void Drop()
    {
        var client = Interlocked.Exchange(ref _client, null);
        if (client is null)
        {
            return;
        }

        try
        {
            if (client.IsConnected)
            {
                client.Disconnect(true);
            }
        }
        catch (Exception exception) when (exception is IOException or ImapProtocolException or ImapCommandException or InvalidOperationException)
        {
            // Already gone.
        }

        client.Dispose();
    }

    /// <summary>An IMAP keyword (an atom of at most 50 characters, Dovecot's default limit) from a reason: <c>$Notices-sender-is-not-the-approver</c>.</summary>
    private static string Keyword(string reason)
    {
        var chars = reason.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray();
        var atom = string.Join('-', new string(chars).Split('-', StringSplitOptions.RemoveEmptyEntries));
        atom = atom.Length > 41 ? atom[..41].TrimEnd('-') : atom;
        return "$Notices-" + (atom.Length == 0 ? "refused" : atom);
    }



    [LoggerMessage(Level = LogLevel.Warning, Message = "Set aside IMAP message {Uid}: {Reason}")]
    private static partial void LogSetAside(ILogger logger, uint uid, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The server refused the reason keyword on IMAP message {Uid} ({Response}); it is moved without it")]
    private static partial void LogKeywordRefused(ILogger logger, uint uid, string response);

    [LoggerMessage(Level = LogLevel.Information, Message = "Connected to {Source} (IDLE offered: {Idle})")]
    private static partial void LogConnected(ILogger logger, string source, bool idle);

    [LoggerMessage(Level = LogLevel.Information, Message = "Created mail folder {Folder}")]
    private static partial void LogFolderCreated(ILogger logger, string folder);
}

internal static class ImapInboundServices
{
    public static IHostApplicationBuilder AddImapInbound(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ImapInboundOptions>().BindConfiguration(ImapInboundOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ImapInboundOptions>, ImapInboundOptionsValidator>();
        builder.Services.AddSingleton<ImapInboundMailSource>();
        builder.Services.AddSingleton<IInboundMailSource>(sp => sp.GetRequiredService<ImapInboundMailSource>());
        return builder;
    }
}
