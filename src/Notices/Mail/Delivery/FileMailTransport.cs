using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using MimeKit;
using Notices.Identity.Database;

namespace Notices.Mail.Delivery;

/// <summary>
/// The embedded default: every message becomes an .eml file in {DataDirectory}/mailbox/outgoing, named
/// <c>20261127T210000123Z-&lt;hash of Message-ID&gt;.eml</c> so names sort by time. Written to a temporary file
/// first and renamed, so a reader never sees half a message.
/// </summary>
internal sealed class FileMailTransport(DataPaths paths, TimeProvider time, ILogger<FileMailTransport> logger) : IMailTransport
{
    // CRLF as on the wire, so a file is byte-for-byte what a relay would have received.
    private static readonly FormatOptions EmlFormat = CreateFormat();

    public string Name => nameof(MailTransportKind.File);

    private static FormatOptions CreateFormat()
    {
        var format = FormatOptions.Default.Clone();
        format.NewLineFormat = NewLineFormat.Dos;
        return format;
    }

    public ValueTask<IMailSession> OpenSessionAsync(CancellationToken cancellationToken = default)
    {
        // Owner-only (0700, files 0600): every message holds a live sign-up link.
        PrivateFiles.CreateDirectory(Path.GetDirectoryName(paths.OutgoingMailbox)!);
        PrivateFiles.CreateDirectory(paths.OutgoingMailbox);
        return ValueTask.FromResult<IMailSession>(new Session(this));
    }

    /// <summary>The file name (without .eml) for a message written at <paramref name="at"/>.</summary>
    public static string FileId(DateTimeOffset at, string? messageId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(messageId ?? Guid.NewGuid().ToString()));
        return at.UtcDateTime.ToString("yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture) + "-" + Convert.ToHexStringLower(hash.AsSpan(0, 8));
    }

    private async ValueTask<DeliveryResult> WriteAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        var directory = paths.OutgoingMailbox;
        var id = FileId(time.GetUtcNow(), message.MessageId);
        var temporary = Path.Combine(directory, "." + Guid.NewGuid().ToString("N") + ".tmp");
        try
        {
            await using (var stream = new FileStream(temporary, PrivateFiles.NewFile(16 * 1024, useAsync: true)))
            {
                await message.WriteToAsync(EmlFormat, stream, cancellationToken);
                await stream.FlushAsync(cancellationToken);
            }

            // A resend of the same Message-ID within the same millisecond gets a suffix rather than replacing a file.
            for (var attempt = 0; ; attempt++)
            {
                var name = attempt == 0 ? id : string.Create(CultureInfo.InvariantCulture, $"{id}-{attempt}");
                try
                {
                    File.Move(temporary, Path.Combine(directory, name + ".eml"), overwrite: false);
                    logger.LogDebug("Wrote message {File} for {Recipient}", name, MailAddresses.Mask(message.To.Mailboxes.FirstOrDefault()?.Address));
                    return DeliveryResult.Sent("written to the file mailbox as " + name, statusCode: null);
                }
                catch (IOException) when (attempt < 100 && File.Exists(Path.Combine(directory, name + ".eml")))
                {
                }
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            TryDelete(temporary);
            logger.LogWarning(exception, "Could not write to the file mailbox {Directory}", directory);
            return DeliveryResult.Transient("could not write to the file mailbox: " + exception.Message);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
    }

    private sealed class Session(FileMailTransport transport) : IMailSession
    {
        public ValueTask<DeliveryResult> SendAsync(MimeMessage message, CancellationToken cancellationToken = default) =>
            transport.WriteAsync(message, cancellationToken);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
