using MimeKit;

namespace Notices.Mail.Delivery;

/// <summary>
/// Where messages go: the file mailbox, an SMTP relay or Microsoft Graph. A worker opens one session
/// and sends many messages through it; sessions are not thread-safe, transports are.
/// </summary>
internal interface IMailTransport
{
    /// <summary>The configured kind, for logs and the test email (File, Smtp...).</summary>
    string Name { get; }

    /// <summary>A session for one worker. Connecting is lazy: failures surface as <see cref="DeliveryOutcome.Transient"/> results.</summary>
    ValueTask<IMailSession> OpenSessionAsync(CancellationToken cancellationToken = default);
}

/// <summary>One worker's channel (for SMTP, one connection reused for many messages). Not thread-safe.</summary>
internal interface IMailSession : IAsyncDisposable
{
    /// <summary>
    /// Sends one message to its To recipient (one recipient per message). Never throws for delivery problems:
    /// they come back classified. Throws <see cref="OperationCanceledException"/> only if cancelled before the
    /// payload was handed over; cancelled after that, the result is <see cref="DeliveryOutcome.Unknown"/>.
    /// </summary>
    ValueTask<DeliveryResult> SendAsync(MimeMessage message, CancellationToken cancellationToken = default);

    /// <summary>
    /// Makes the channel ready for the next message (for SMTP: connects, or recycles a connection that is due),
    /// so that a caller holding a send-rate grant hands the message over at once. Null when ready; otherwise why
    /// not (the same result <see cref="SendAsync"/> would give). Optional: sessions without a connection are ready.
    /// </summary>
    ValueTask<DeliveryResult?> ReadyAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult<DeliveryResult?>(null);
}

internal enum DeliveryOutcome
{
    /// <summary>The relay accepted the message (its reply is in <see cref="DeliveryResult.Detail"/>).</summary>
    Sent,

    /// <summary>Not delivered, worth retrying later: 4xx replies, timeouts, connection failures before the payload.</summary>
    Transient,

    /// <summary>Refused for good (5xx, e.g. 550 5.1.1 unknown recipient): do not retry.</summary>
    Permanent,

    /// <summary>
    /// The whole payload was handed over but no reply came back (connection lost or cancelled): the relay may or
    /// may not have taken it. The outbox's documented policy decides (resend with the same Message-ID, or hold).
    /// </summary>
    Unknown,
}

/// <param name="Detail">The relay's reply text, or why it failed (never the body or a full address).</param>
/// <param name="StatusCode">The SMTP reply code, when there was one.</param>
/// <param name="RetryAfter">A delay the relay suggested, when it gave one.</param>
/// <param name="RelayProblem">
/// The failure is not about this recipient and will hit every message (relay unreachable, our credentials or our
/// sender refused, TLS failure): a bulk sender should pause and alert rather than work through its list.
/// </param>
internal sealed record DeliveryResult(DeliveryOutcome Outcome, string Detail, int? StatusCode = null, TimeSpan? RetryAfter = null, bool RelayProblem = false)
{
    public bool IsSent => Outcome == DeliveryOutcome.Sent;

    public static DeliveryResult Sent(string reply, int? statusCode = 250) => new(DeliveryOutcome.Sent, reply, statusCode);

    public static DeliveryResult Transient(string reason, int? statusCode = null, TimeSpan? retryAfter = null) =>
        new(DeliveryOutcome.Transient, reason, statusCode, retryAfter);

    public static DeliveryResult Permanent(string reason, int? statusCode = null) => new(DeliveryOutcome.Permanent, reason, statusCode);

    public static DeliveryResult Unknown(string reason) => new(DeliveryOutcome.Unknown, reason);

    public override string ToString() =>
        (StatusCode is { } code ? $"{Outcome} ({code}): {Detail}" : $"{Outcome}: {Detail}") + (RelayProblem ? " [relay problem]" : "");
}
