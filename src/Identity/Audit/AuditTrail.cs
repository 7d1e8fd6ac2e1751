namespace Notices.Identity.Audit;

/// <summary>Where an audited action came from (NIST AU-3 "where").</summary>
public enum AuditChannel
{
    Portal,
    Email,
    Api,
    Cli,
    System,
}

/// <summary>How an audited action ended.</summary>
public enum AuditOutcome
{
    Succeeded,
    Refused,
    Failed,
}

/// <summary>What an audit record is about: a kind and that kind's own id (never personal data beyond ids).</summary>
public readonly record struct AuditSubject(string Kind, string Id)
{
    public static AuditSubject Notice(Guid id) => new("notice", id.ToString("D"));

    public static AuditSubject Approval(long id) => new("approval", id.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public static AuditSubject Response(long id) => new("response", id.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public static AuditSubject DirectoryImport(string id) => new("directory-import", id);

    public static AuditSubject Mail(long id) => new("mail", id.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public static AuditSubject ApiRequest(string id) => new("api-request", id);

    public override string ToString() => Kind + "/" + Id;
}

/// <summary>One record of the audit trail: who (on whose behalf), what, about what, when (UTC), where and how it ended.</summary>
public sealed record AuditEntry(
    long Id,
    DateTimeOffset At,
    string Actor,
    string? OnBehalfOf,
    string Action,
    AuditSubject Subject,
    AuditChannel Channel,
    AuditOutcome Outcome,
    string? Detail);

/// <summary>One page of audit records, oldest first, so that appends never move a record to another page.</summary>
/// <param name="Page">1-based.</param>
/// <param name="Total">Records across all pages.</param>
public sealed record AuditPage(IReadOnlyList<AuditEntry> Entries, int Page, int PageSize, int Total)
{
    public int PageCount => Total == 0 ? 1 : (Total + PageSize - 1) / PageSize;
}

/// <summary>Reads the one append-only audit trail that every module writes (with <see cref="AuditTrailExtensions.AppendAudit"/>).</summary>
public interface IAuditTrail
{
    /// <summary>Everything recorded about <paramref name="subject"/>, oldest first.</summary>
    /// <param name="page">1-based.</param>
    /// <param name="pageSize">1 to <see cref="AuditTrailExtensions.MaxPageSize"/>.</param>
    Task<AuditPage> ForSubjectAsync(AuditSubject subject, int page, int pageSize, CancellationToken cancellationToken = default);

    /// <summary>Everything a person did, or that was done on their behalf, oldest first.</summary>
    /// <param name="employeeOrUserId">The actor id recorded (a user's stable id or an employee id).</param>
    Task<AuditPage> ForPersonAsync(string employeeOrUserId, int page, int pageSize, CancellationToken cancellationToken = default);

    /// <summary>Records matching every criterion set in <paramref name="filter"/>, newest first (the audit page and API).</summary>
    Task<AuditPage> SearchAsync(AuditFilter filter, int page, int pageSize, CancellationToken cancellationToken = default);

    /// <summary>Every record matching <paramref name="filter"/>, newest first, streamed a chunk at a time (exports).</summary>
    IAsyncEnumerable<AuditEntry> StreamAsync(AuditFilter filter, CancellationToken cancellationToken = default);
}

/// <summary>What to search the audit trail for; every criterion that is set must hold.</summary>
public sealed record AuditFilter
{
    /// <summary>Exactly this subject (<c>notice/…</c>, <c>approval/42</c>).</summary>
    public AuditSubject? Subject { get; init; }

    /// <summary>Who acted: a stable actor id, or an employee id (which also matches <c>employee:ID</c>, the id a sign-up link acts as).</summary>
    public string? Actor { get; init; }

    /// <summary>A person as actor or as the one acted for (on whose behalf), by actor id or employee id.</summary>
    public string? Person { get; init; }

    /// <summary>The action, or a prefix ending in a dot (<c>approval.</c> for every approval action).</summary>
    public string? Action { get; init; }

    public AuditChannel? Channel { get; init; }

    /// <summary>From this instant (inclusive), UTC.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Before this instant (exclusive), UTC.</summary>
    public DateTimeOffset? To { get; init; }
}
