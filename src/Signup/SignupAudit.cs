using Microsoft.EntityFrameworkCore;
using Notices.Identity.Audit;
using Notices.Signup.Database;

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
        db.AppendAudit(entry.Actor, entry.Action, Subject(entry), entry.Channel,
            entry.Succeeded ? AuditOutcome.Succeeded : AuditOutcome.Refused, entry.At, entry.Detail, entry.OnBehalfOf,
            Context(entry.NoticeId), entry.AboutPerson);
    }

    /// <summary>Records alone (a refusal); the notice and the person of an approval or response not given are read from it.</summary>
    public static async Task RecordAloneAsync(SignupDbContext db, SignupAuditEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var (noticeId, aboutPerson) = (entry.NoticeId, entry.AboutPerson);
        if (noticeId is null)
        {
            var owner = entry.Subject switch
            {
                SignupSubject.Approval => await db.Approvals.AsNoTracking().Where(a => a.Id == entry.SubjectId)
                    .Select(a => new { a.NoticeId, a.EmployeeId }).FirstOrDefaultAsync(cancellationToken),
                SignupSubject.Response => await db.Responses.AsNoTracking().Where(r => r.Id == entry.SubjectId)
                    .Select(r => new { r.NoticeId, r.EmployeeId }).FirstOrDefaultAsync(cancellationToken),
                _ => null,
            };
            (noticeId, aboutPerson) = (owner?.NoticeId, aboutPerson ?? owner?.EmployeeId);
        }

        await db.AppendAuditAloneAsync(entry.Actor, entry.Action, Subject(entry), entry.Channel,
            entry.Succeeded ? AuditOutcome.Succeeded : AuditOutcome.Refused, entry.At, entry.Detail, entry.OnBehalfOf,
            Context(noticeId), aboutPerson, cancellationToken);
    }

    /// <summary>A response or an approval belongs to its notice: a search of the trail within the notice finds it.</summary>
    private static AuditSubject? Context(Guid? noticeId) => noticeId is { } id ? AuditSubject.Notice(id) : null;

    private static AuditSubject Subject(SignupAuditEntry entry) => entry.Subject switch
    {
        SignupSubject.Response => AuditSubject.Response(entry.SubjectId),
        SignupSubject.Approval => AuditSubject.Approval(entry.SubjectId),
        _ => new AuditSubject("delegation", entry.SubjectId.ToString(System.Globalization.CultureInfo.InvariantCulture)),
    };

}

internal enum SignupSubject
{
    Response,
    Approval,
    Delegation,
}

/// <param name="Actor">A stable actor id (<c>employee:E123</c>, an Entra object id, <c>system:approval-clock</c>).</param>
/// <param name="Detail">Short, with no personal data beyond ids.</param>
/// <param name="NoticeId">The notice the response or approval belongs to.</param>
/// <param name="AboutPerson">The employee id whose response or request it is.</param>
internal sealed record SignupAuditEntry(
    string Actor,
    string Action,
    SignupSubject Subject,
    long SubjectId,
    AuditChannel Channel,
    bool Succeeded,
    DateTimeOffset At,
    string? Detail = null,
    string? OnBehalfOf = null,
    Guid? NoticeId = null,
    string? AboutPerson = null);
