namespace Notices.Composing;

/// <summary>
/// The notice's audit trail (NIST AU-3: who, what, when, where, outcome). Append-only: the application inserts and
/// never updates or deletes (on PostgreSQL a trigger refuses UPDATE and DELETE).
/// </summary>
internal sealed class NoticeEvent
{
    public long Id { get; set; }

    public Guid NoticeId { get; set; }

    /// <summary>UTC.</summary>
    public DateTimeOffset At { get; set; }

    /// <summary>Stable id of the user or the system component ("system:delivery").</summary>
    public string Actor { get; set; } = "";

    public string ActorName { get; set; } = "";

    /// <summary>created, updated, submitted, released, release_refused, paused, resumed, cancelled, resend, sent, closed...</summary>
    public string Action { get; set; } = "";

    /// <summary>portal, api, cli, system.</summary>
    public string Channel { get; set; } = "";

    /// <summary>succeeded, refused, failed.</summary>
    public string Outcome { get; set; } = "";

    /// <summary>Short, no personal data beyond ids and counts.</summary>
    public string? Detail { get; set; }
}
