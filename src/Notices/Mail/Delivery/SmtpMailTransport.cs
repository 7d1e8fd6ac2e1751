using System.Globalization;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Notices.Mail.Delivery;

/// <summary>
/// SMTP through MailKit. Each session owns one <see cref="SmtpClient"/> (not thread-safe), connects on first use,
/// reuses the connection for many messages, recycles it after <see cref="SmtpOptions.RecycleAfterMessages"/>,
/// and reconnects after a 421 or a dropped connection.
/// </summary>
internal sealed partial class SmtpMailTransport(IOptions<SmtpOptions> options, ILoggerFactory loggerFactory) : IMailTransport
{
    public string Name => nameof(MailTransportKind.Smtp);

    /// <summary>Opened connections, for tests and metrics.</summary>
    public int ConnectionsOpened => _connectionsOpened;

    private int _connectionsOpened;

    public ValueTask<IMailSession> OpenSessionAsync(CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<IMailSession>(new SmtpMailSession(this, options.Value, loggerFactory.CreateLogger<SmtpMailSession>()));

    internal void CountConnection() => Interlocked.Increment(ref _connectionsOpened);

    /// <summary>A relay's hint such as "try again in 30 seconds" or "retry after 5 minutes".</summary>
    internal static TimeSpan? RetryAfterHint(string? reply)
    {
        if (string.IsNullOrEmpty(reply))
        {
            return null;
        }

        var match = RetryHint().Match(reply);
        if (!match.Success || !int.TryParse(match.Groups["n"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            return null;
        }

        return match.Groups["unit"].Value.StartsWith('m') ? TimeSpan.FromMinutes(n) : TimeSpan.FromSeconds(n);
    }

    // Linear time by construction (NonBacktracking), so no match timeout: a wall-clock timeout on a starved machine
    // threw out of the worker mid-send (seen once in CI, on a 30-character reply), which is worse than any backtracking.
    [GeneratedRegex(@"(?:retry|try again)\D{0,20}?(?<n>\d{1,5})\s*(?<unit>s|sec|secs|seconds?|m|min|mins|minutes?)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)]
    private static partial Regex RetryHint();
}

internal sealed class SmtpMailSession(SmtpMailTransport transport, SmtpOptions options, ILogger<SmtpMailSession> logger) : IMailSession
{
    // Our Message-ID and headers go out as built; MailKit only chooses the transfer encoding it must.
    private static readonly FormatOptions WireFormat = FormatOptions.Default.Clone();

    private SmtpClient? _client;
    private int _sentOnConnection;

    public async ValueTask<DeliveryResult> SendAsync(MimeMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var sender = message.From.Mailboxes.FirstOrDefault();
        var recipients = message.To.Mailboxes.Concat(message.Cc.Mailboxes).Concat(message.Bcc.Mailboxes).ToList();
        if (sender is null || recipients.Count == 0)
        {
            return DeliveryResult.Permanent("the message has no sender or no recipient");
        }

        if (_client is { IsConnected: true } && _sentOnConnection >= options.RecycleAfterMessages)
        {
            await CloseAsync(quit: true);
        }

        var connectFailure = await EnsureConnectedAsync(cancellationToken);
        if (connectFailure is not null)
        {
            return connectFailure;
        }

        var client = _client!;
        var progress = new PayloadProgress();
        try
        {
            var reply = await client.SendAsync(WireFormat, message, sender, recipients, cancellationToken, progress);
            _sentOnConnection++;
            return DeliveryResult.Sent(reply);
        }
        catch (SmtpCommandException exception)
        {
            var code = (int)exception.StatusCode;
            if (code == 421 || !client.IsConnected)
            {
                // 421: the relay is closing this connection; the next message reconnects.
                await CloseAsync(quit: false);
            }

            var reason = $"{Describe(exception.ErrorCode)}: {code} {exception.Message}";
            // Our sender or our authentication refused, or the relay going away: every message would fail alike.
            var relayProblem = exception.ErrorCode == SmtpErrorCode.SenderNotAccepted || code is 421 or 530 or 535;
            logger.LogInformation("Relay refused message to {Recipient}: {Code} {ErrorCode}", MailAddresses.Mask(recipients[0]), code, exception.ErrorCode);
            return code is >= 500 and < 600
                ? DeliveryResult.Permanent(reason, code) with { RelayProblem = relayProblem }
                : DeliveryResult.Transient(reason, code, SmtpMailTransport.RetryAfterHint(exception.Message)) with { RelayProblem = relayProblem };
        }
        catch (NotSupportedException exception)
        {
            // E.g. an internationalised address the relay cannot take (no SMTPUTF8): nothing to retry.
            return DeliveryResult.Permanent("the relay cannot take this message: " + exception.Message);
        }
        catch (Exception exception) when (IsConnectionLoss(exception, cancellationToken))
        {
            await CloseAsync(quit: false);
            var cancelled = exception is OperationCanceledException;
            if (progress.PayloadComplete)
            {
                logger.LogWarning("Connection lost after the message to {Recipient} was handed over: outcome unknown ({Error})", MailAddresses.Mask(recipients[0]), exception.GetType().Name);
                return DeliveryResult.Unknown((cancelled ? "cancelled" : "connection lost") + " after the message was sent, before the relay replied: " + exception.Message);
            }

            if (cancelled && cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            logger.LogWarning("Connection lost before the message to {Recipient} was sent ({Error})", MailAddresses.Mask(recipients[0]), exception.GetType().Name);
            return DeliveryResult.Transient("connection lost before the message was sent: " + exception.Message);
        }
    }

    public async ValueTask<DeliveryResult?> ReadyAsync(CancellationToken cancellationToken = default)
    {
        if (_client is { IsConnected: true } && _sentOnConnection >= options.RecycleAfterMessages)
        {
            await CloseAsync(quit: true);
        }

        return await EnsureConnectedAsync(cancellationToken);
    }

    private async ValueTask<DeliveryResult?> EnsureConnectedAsync(CancellationToken cancellationToken)
    {
        if (_client is { IsConnected: true })
        {
            return null;
        }

        await CloseAsync(quit: false);
        var client = options.ProtocolLog ? new SmtpClient(new LoggingProtocolLogger(logger)) : new SmtpClient();
        client.Timeout = options.TimeoutSeconds * 1000;
        if (!string.IsNullOrEmpty(options.TrustedCertificateSha256))
        {
            var pinned = Convert.FromHexString(options.TrustedCertificateSha256.Replace(":", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal));
            client.ServerCertificateValidationCallback = (_, certificate, _, errors) =>
                errors == System.Net.Security.SslPolicyErrors.None
                || (certificate is not null && certificate.GetCertHash(System.Security.Cryptography.HashAlgorithmName.SHA256).AsSpan().SequenceEqual(pinned));
        }

        try
        {
            var security = options.Security switch
            {
                SmtpSecurity.None => SecureSocketOptions.None,
                SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
                _ => SecureSocketOptions.StartTls,
            };
            // Our own socket, for TCP_NODELAY: with Nagle on, MailKit's short final write of each message (the rest of
            // the body and "\r\n.\r\n") waits for the relay's delayed ACK, ~40 ms a message (25 msg/s a connection).
            var socket = await ConnectSocketAsync(options.Host ?? "", options.Port, options.TimeoutSeconds, cancellationToken);
            await client.ConnectAsync(socket, options.Host ?? "", options.Port, security, cancellationToken);
            if (!string.IsNullOrEmpty(options.UserName))
            {
                await client.AuthenticateAsync(options.UserName, options.Password ?? "", cancellationToken);
            }

            if (options.DisablePipelining)
            {
                client.Capabilities &= ~SmtpCapabilities.Pipelining;
            }

            transport.CountConnection();
            _client = client;
            _sentOnConnection = 0;
            logger.LogDebug("Connected to {Host}:{Port} ({Security})", options.Host, options.Port, options.Security);
            return null;
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            client.Dispose();
            logger.LogWarning("Could not connect to the relay {Host}:{Port}: {Error}", options.Host, options.Port, exception.Message);
            var result = exception switch
            {
                SmtpCommandException command => DeliveryResult.Transient($"relay refused the connection: {(int)command.StatusCode} {command.Message}", (int)command.StatusCode, SmtpMailTransport.RetryAfterHint(command.Message)),
                AuthenticationException => DeliveryResult.Transient("relay refused our credentials (check Notices:Mail:Smtp:UserName and Password): " + exception.Message, 535),
                _ => DeliveryResult.Transient($"could not connect to {options.Host}:{options.Port}: {exception.Message}"),
            };
            return result with { RelayProblem = true };
        }
    }

    private static async Task<Socket> ConnectSocketAsync(string host, int port, int timeoutSeconds, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(timeoutSeconds));
            await socket.ConnectAsync(host, port, timeout.Token);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static bool IsConnectionLoss(Exception exception, CancellationToken cancellationToken) =>
        exception is IOException or SocketException or TimeoutException or SmtpProtocolException or ServiceNotConnectedException
            or SslHandshakeException or ObjectDisposedException
        || (exception is OperationCanceledException && cancellationToken.IsCancellationRequested);

    private static string Describe(SmtpErrorCode code) => code switch
    {
        SmtpErrorCode.RecipientNotAccepted => "recipient refused",
        SmtpErrorCode.SenderNotAccepted => "sender refused",
        SmtpErrorCode.MessageNotAccepted => "message refused",
        _ => "unexpected reply",
    };

    private async ValueTask CloseAsync(bool quit)
    {
        var client = _client;
        _client = null;
        if (client is null)
        {
            return;
        }

        try
        {
            if (quit && client.IsConnected)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await client.DisconnectAsync(quit: true, timeout.Token);
            }
        }
        catch (Exception exception) when (exception is IOException or SocketException or SmtpProtocolException or SmtpCommandException or OperationCanceledException)
        {
            // Closing a connection that is going anyway.
        }
        finally
        {
            client.Dispose();
        }
    }

    public ValueTask DisposeAsync() => CloseAsync(quit: true);

    /// <summary>Notes when MailKit has handed over the whole message payload (after DATA, before the reply).</summary>
    private sealed class PayloadProgress : ITransferProgress
    {
        public bool PayloadComplete { get; private set; }

        public void Report(long bytesTransferred, long totalSize)
        {
            if (totalSize <= 0 || bytesTransferred >= totalSize)
            {
                PayloadComplete = true;
            }
        }

        // Size unknown: assume the worst case (handed over) once anything was sent.
        public void Report(long bytesTransferred) => PayloadComplete = true;
    }

    /// <summary>The SMTP conversation at Debug level, only when Notices:Mail:Smtp:ProtocolLog is on. MailKit redacts AUTH secrets.</summary>
    private sealed class LoggingProtocolLogger(ILogger logger) : IProtocolLogger
    {
        private static readonly string[] Commands = ["EHLO ", "HELO ", "MAIL FROM:", "RCPT TO:", "AUTH ", "BDAT "];

        public IAuthenticationSecretDetector? AuthenticationSecretDetector { get; set; }

        public void LogConnect(Uri uri) => logger.LogDebug("SMTP connect {Uri}", uri);

        public void LogClient(byte[] buffer, int offset, int count) => Log("C", buffer, offset, count);

        public void LogServer(byte[] buffer, int offset, int count) => Log("S", buffer, offset, count);

        private void Log(string who, byte[] buffer, int offset, int count)
        {
            // Commands and replies only: message payload lines (headers, body) are never logged.
            var text = System.Text.Encoding.ASCII.GetString(buffer, offset, Math.Min(count, 1024));
            foreach (var line in text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Take(20))
            {
                var loggable = who == "S"
                    ? line.Length >= 3 && char.IsAsciiDigit(line[0]) && char.IsAsciiDigit(line[1]) && char.IsAsciiDigit(line[2])
                    : Commands.Any(c => line.StartsWith(c, StringComparison.OrdinalIgnoreCase)) || line is "DATA" or "QUIT" or "RSET" or "NOOP" or "STARTTLS";
                if (loggable)
                {
                    logger.LogDebug("SMTP {Who}: {Line}", who, Redact(line));
                }
            }
        }

        private static string Redact(string line) =>
            line.StartsWith("AUTH", StringComparison.OrdinalIgnoreCase) ? "AUTH <redacted>" : MailAddresses.MaskAll(line);

        public void Dispose()
        {
        }
    }
}
