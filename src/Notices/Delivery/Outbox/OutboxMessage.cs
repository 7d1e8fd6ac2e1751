namespace Notices.Delivery.Outbox;

/// <summary>
/// One recipient of one released notice: the frozen audience (for audit and the sign-up rules) and that recipient's
/// delivery ledger. Written in bulk at release, in the same transaction as the notice's state change, with the
/// Message-ID and the sign-up token's hash already fixed; workers then move it through <see cref="OutboxState"/>
/// with conditional updates only. Unique on (notice, employee), so releasing twice cannot queue twice.
/// </summary>
internal sealed class OutboxMessage
{
    public long Id { get; set; }

    public Guid NoticeId { get; set; }

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

    /// <summary>SHA-256 of the sign-up token (purpose-bound, see <c>LinkToken</c>). The token itself is never stored.</summary>
    public byte[] TokenHash { get; set; } = [];

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
