using Microsoft.EntityFrameworkCore;
using Notices.Identity.Audit;

namespace Notices.Signup;

/// <summary>
/// Signup's records in the one audit trail: every answer, decision, refusal, withdrawal, escalation, delegation and
/// reassignment, with on whose behalf. Written in the transaction of the change it records (or alone, for a refusal).
/// </summary>
internal static class SignupAudit
{
    public static void Record(DbContext db, SignupAuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        db.AppendAudit(entry.Actor, entry.Action, Subject(entry), Channel(entry.Channel),
            entry.Succeeded ? AuditOutcome.Succeeded : AuditOutcome.Refused, entry.At, entry.Detail, entry.OnBehalfOf);
    }

    public static Task RecordAloneAsync(DbContext db, SignupAuditEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return db.AppendAuditAloneAsync(entry.Actor, entry.Action, Subject(entry), Channel(entry.Channel),
            entry.Succeeded ? AuditOutcome.Succeeded : AuditOutcome.Refused, entry.At, entry.Detail, entry.OnBehalfOf, cancellationToken);
    }

    private static AuditSubject Subject(SignupAuditEntry entry) => entry.Subject switch
    {
        SignupSubject.Response => AuditSubject.Response(entry.SubjectId),
        SignupSubject.Approval => AuditSubject.Approval(entry.SubjectId),
        _ => new AuditSubject("delegation", entry.SubjectId.ToString(System.Globalization.CultureInfo.InvariantCulture)),
    };

    private static AuditChannel Channel(SignupChannel channel) => channel switch
    {
        SignupChannel.Email => AuditChannel.Email,
        SignupChannel.Api => AuditChannel.Api,
        SignupChannel.System => AuditChannel.System,
        _ => AuditChannel.Portal,
    };
}

internal enum SignupSubject
{
    Response,
    Approval,
    Delegation,
}

internal enum SignupChannel
{
    Portal,
    Email,
    Api,
    System,
}

/// <param name="Actor">A stable actor id (<c>employee:E123</c>, an Entra object id, <c>system:approval-clock</c>).</param>
/// <param name="Detail">Short, with no personal data beyond ids.</param>
internal sealed record SignupAuditEntry(
    string Actor,
    string Action,
    SignupSubject Subject,
    long SubjectId,
    SignupChannel Channel,
    bool Succeeded,
    DateTimeOffset At,
    string? Detail = null,
    string? OnBehalfOf = null);
