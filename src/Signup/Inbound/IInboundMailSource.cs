using MimeKit;

namespace Notices.Signup.Inbound;

/// <summary>
/// Where replies come from: a Microsoft Graph mailbox, an IMAP folder or a drop folder alike. The reply pipeline
/// polls <see cref="ReadAsync"/> every <see cref="PollInterval"/> and calls <see cref="MarkProcessedAsync"/> for
/// every message it is done with, whatever it decided (applied, ignored or refused), so that the source can move it
/// out of the way. A source reads each message once: what it has handed out is not handed out again, even after a
/// restart, once the round that read it has finished. Sources take care of leadership themselves: while one
/// instance reads, the others get nothing.
/// </summary>
public interface IInboundMailSource
{
    /// <summary>A short, stable name for logs and the source's state row (e.g. <c>graph:approvals@agency.example</c>).</summary>
    string Name { get; }

    /// <summary>How often the pipeline should call <see cref="ReadAsync"/>.</summary>
    TimeSpan PollInterval { get; }

    /// <summary>
    /// One round: the messages that arrived since the last finished round, oldest first as the source lists them.
    /// Messages that are malformed or too large are set aside and logged by the source, never handed out.
    /// Yields nothing when another instance holds the source. Stopping early is safe: the unfinished round is read
    /// again next time, minus the messages already marked processed.
    /// </summary>
    IAsyncEnumerable<InboundMessage> ReadAsync(CancellationToken cancellationToken = default);

    /// <summary>Done with this message: the source moves or removes it (for Graph, to the processed folder).</summary>
    Task MarkProcessedAsync(InboundMessage message, CancellationToken cancellationToken = default);

    /// <summary>
    /// Done with this message, which decided nothing (refused, unmatched, unreadable): the source files it with the
    /// refused messages, keeping <paramref name="reason"/> where its kind of mailbox allows, for a person to look at.
    /// </summary>
    Task SetAsideAsync(InboundMessage message, string reason, CancellationToken cancellationToken = default);

    /// <summary>
    /// Waits until new mail may be there: at most <see cref="PollInterval"/>, less when the source is told of new
    /// mail (IMAP IDLE). The default simply waits the interval.
    /// </summary>
    Task WaitForMailAsync(CancellationToken cancellationToken) => Task.Delay(PollInterval, cancellationToken);
}

/// <summary>A message as it arrived: parsed, with every header intact, and its raw bytes (what was received, byte for byte).</summary>
/// <param name="SourceId">The source's own id for the message (a Graph message id, an IMAP UID, a file name).</param>
/// <param name="Message">The parsed message. Headers such as Authentication-Results, In-Reply-To and References are as received.</param>
/// <param name="Raw">The bytes the message was parsed from.</param>
public sealed record InboundMessage(string SourceId, MimeMessage Message, ReadOnlyMemory<byte> Raw);
