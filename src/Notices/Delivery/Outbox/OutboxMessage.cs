namespace Notices.Delivery.Outbox;

/// <summary>
/// One email that leaves the service, and its delivery ledger. Two kinds share the table, the workers, the limiter
/// and every guarantee (ADR 0005):
/// <list type="bullet">
/// <item>a notice recipient (<see cref="NoticeId"/> set): the frozen audience (for audit and the sign-up rules), written
/// in bulk at release in the same transaction as the notice's state change, with the Message-ID and the sign-up token's
/// hash already fixed; the message is built at send time. Unique on (notice, employee), so releasing twice cannot
/// queue twice;</item>
/// <item>a transactional message (<see cref="NoticeId"/> null: approval requests, confirmations, test emails): queued
/// through <c>IMailOutbox</c> in the transaction of the change that causes it, with its MIME built at once and kept
/// only in Data Protection's protected form until the relay takes it. Workers claim these ahead of notice rows.</item>
/// </list>
/// Workers move every row through <see cref="OutboxState"/> with conditional updates only.
/// </summary>
internal sealed class OutboxMessage
{
    public long Id { get; set; }

    /// <summary>The notice this recipient row belongs to; null for a transactional message.</summary>
    public Guid? NoticeId { get; set; }

    // The recipient as the directory knew them at release (no cross-module join at send time or in reports).
    public string EmployeeId { get; set; } = "";

    public string Email { get; set; } = "";

    public string DisplayName { get; set; } = "";

    public string JobSeries { get; set; } = "";

    public string PayPlan { get; set; } = "";

    public int? Grade { get; set; }

    public string Organization { get; set; } = "";

    public string DutyState { get; set; } = "";

    public string? SupervisorId { get; set; }

    /// <summary>Without angle brackets, e.g. <c>0193…@notices.agency.example</c>; kept by every retry and resend.</summary>
    public string MessageId { get; set; } = "";

    /// <summary>SHA-256 of the sign-up token (purpose-bound, see <c>LinkToken</c>); null for a transactional message. The token itself is never stored.</summary>
    public byte[]? TokenHash { get; set; }

    /// <summary>A transactional message's kind (<c>approval-request</c>, <c>test-email</c>...); null for a notice recipient.</summary>
    public string? Category { get; set; }

    /// <summary>The queuing module's own key for what a transactional message is about (<c>approval/42</c>).</summary>
    public string? Reference { get; set; }

    /// <summary>
    /// A transactional message's MIME, protected with Data Protection (it may hold links and personal data); cleared
    /// once the relay has taken it. Null for a notice recipient, whose message is built at send time.
    /// </summary>
    public byte[]? Payload { get; set; }

    /// <summary>When a transactional message was queued; null for a notice recipient (the notice records its release).</summary>
    public DateTimeOffset? QueuedAt { get; set; }

    public OutboxState State { get; set; }

    /// <summary>Handovers to the relay so far (retries and resends included).</summary>
    public int Attempts { get; set; }

    /// <summary>Deferred rows are not claimed before this time.</summary>
    public DateTimeOffset? NextAttemptAt { get; set; }

    /// <summary>The worker holding the row (<c>instance/worker</c>), while <see cref="LeaseExpiresAt"/> is in the future.</summary>
    public string? LeaseOwner { get; set; }

    public DateTimeOffset? LeaseExpiresAt { get; set; }

    /// <summary>
    /// Set just before the message is handed to the relay and cleared with the outcome: a row reclaimed with this set
    /// may have reached the relay (it is resent at-least-once, or marked unknown at-most-once); one without it never left.
    /// </summary>
    public DateTimeOffset? HandoverStartedAt { get; set; }

    /// <summary>The relay's last reply or why it failed (never a body or a full address).</summary>
    public string? LastDetail { get; set; }

    public int? LastStatusCode { get; set; }

    public DateTimeOffset? SentAt { get; set; }

    /// <summary>When a delivery status notification reported the recipient undeliverable (the state stays as the relay left it).</summary>
    public DateTimeOffset? BouncedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>
/// queued → sending → sent; sending → deferred → (retry) → sending; sending → failed (5xx, or retries exhausted);
/// sending → unknown (connection lost after the payload was handed over, at-most-once policy). Resend moves failed
/// and unknown rows back to queued; sent rows never leave sent.
/// </summary>
internal enum OutboxState
{
    Queued = 0,
    Sending = 1,
    Sent = 2,
    Deferred = 3,
    Failed = 4,
    Unknown = 5,
    /// <summary>The notice was cancelled before this row was sent.</summary>
    Cancelled = 6,
}

/// <summary>
/// The outbox's enum numbers as raw SQL needs them, derived from the enums in this one place (the ledger's claim and
/// record statements, the throttle's seeding, the claim indexes' filters).
/// </summary>
internal static class OutboxSql
{
    public static readonly string Queued = Number(OutboxState.Queued);
    public static readonly string Sending = Number(OutboxState.Sending);
    public static readonly string Sent = Number(OutboxState.Sent);
    public static readonly string Deferred = Number(OutboxState.Deferred);
    public static readonly string Unknown = Number(OutboxState.Unknown);

    /// <summary>Rows a worker may still have to send: queued, sending, deferred (<c>0, 1, 3</c>).</summary>
    public static readonly string Unfinished = string.Join(", ", Queued, Sending, Deferred);

    /// <summary>The notice state whose rows are sent.</summary>
    public static readonly string NoticeReleased = ((int)Composing.NoticeState.Released).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The filter of the partial index notice rows are claimed through (Id order, unfinished only).</summary>
    public static readonly string ClaimableFilter = $"\"State\" IN ({Unfinished})";

    /// <summary>The filter of the small partial index transactional rows are claimed through.</summary>
    public static readonly string TransactionalFilter = $"\"NoticeId\" IS NULL AND \"State\" IN ({Unfinished})";

    public static string Name(OutboxState state) => state.ToString().ToLowerInvariant();

    private static string Number(OutboxState state) => ((int)state).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
