namespace Notices.Identity.Audit;

/// <summary>A row of <c>audit_trail</c>. The application inserts and never updates or deletes (triggers refuse both).</summary>
internal sealed class AuditRecord
{
    public long Id { get; set; }

    /// <summary>UTC.</summary>
    public DateTimeOffset At { get; set; }

    /// <summary>Stable id of the user, or of the system component (<c>system:delivery</c>).</summary>
    public string Actor { get; set; } = "";

    /// <summary>The person the actor acted for (a delegate approving for a supervisor, an admin reassigning).</summary>
    public string? OnBehalfOf { get; set; }

    /// <summary>created, released, release_refused, approved...</summary>
    public string Action { get; set; } = "";

    public string SubjectKind { get; set; } = "";

    public string SubjectId { get; set; } = "";

    /// <summary>What the subject belongs to (an approval's notice); the subject itself when it belongs to nothing larger.</summary>
    public string ContextKind { get; set; } = "";

    public string ContextId { get; set; } = "";

    /// <summary>The employee the subject concerns (whose response or request it is), when that is a person.</summary>
    public string? AboutPerson { get; set; }

    public AuditChannel Channel { get; set; }

    public AuditOutcome Outcome { get; set; }

    /// <summary>Short, no personal data beyond ids and counts.</summary>
    public string? Detail { get; set; }

    public AuditEntry ToEntry() =>
        new(Id, At, Actor, OnBehalfOf, Action, new AuditSubject(SubjectKind, SubjectId), Channel, Outcome, Detail)
        {
            Context = new AuditSubject(ContextKind, ContextId),
            AboutPerson = AboutPerson,
        };
}
