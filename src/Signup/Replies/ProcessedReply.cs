namespace Notices.Signup.Replies;

/// <summary>
/// One row per inbound message the reply pipeline has finished with, whatever the outcome, unique on its Message-ID:
/// the same message arriving twice, or from two sources, is processed once. Holds no body and no address: the sender
/// is kept only as a hash, to limit how often one sender is answered.
/// </summary>
internal sealed class ProcessedReply
{
    public long Id { get; set; }

    /// <summary>The message's Message-ID (without angle brackets), or <c>sha256:…</c> of its bytes when it has none.</summary>
    public string MessageId { get; set; } = "";

    /// <summary>The source it was read from (<c>imap:…</c>, <c>folder</c>, <c>graph:…</c>).</summary>
    public string Source { get; set; } = "";

    public DateTimeOffset ReceivedAt { get; set; }

    public ReplyOutcome Outcome { get; set; }

    /// <summary>Why, in a few words (never a body, a key or an address).</summary>
    public string Reason { get; set; } = "";

    public long? ApprovalId { get; set; }

    /// <summary>SHA-256 of the lower-cased From address; null when there was none.</summary>
    public byte[]? SenderHash { get; set; }

    /// <summary>Whether an answer was queued to the sender (counted by the per-sender hourly limit).</summary>
    public bool Answered { get; set; }
}

/// <summary>How the pipeline finished with a message.</summary>
internal enum ReplyOutcome
{
    /// <summary>The reply decided its request.</summary>
    Applied = 0,

    /// <summary>It matched a request but decided nothing (checks failed, or the answer was unclear); asked to use the portal.</summary>
    Refused = 1,

    /// <summary>The request was decided before (or withdrawn); answered "already decided".</summary>
    AlreadyDecided = 2,

    /// <summary>An auto-reply (out of office, list, mailer-daemon): ignored without an answer.</summary>
    AutoReply = 3,

    /// <summary>A delivery status notification: recorded against the outbox row it reports.</summary>
    Bounce = 4,

    /// <summary>No reply key, Message-ID or tag of ours: not about an approval request.</summary>
    Unmatched = 5,

    /// <summary>Malformed, oversized or undecodable: set aside for a person to look at.</summary>
    SetAside = 6,

    /// <summary>A delivery notice that is not final (delayed, relayed, delivered): kept here; the outbox row is unchanged.</summary>
    DeliveryNotice = 7,
}
