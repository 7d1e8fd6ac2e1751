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
    string? Detail)
{
    /// <summary>What the subject belongs to, such as the notice of an approval; the subject itself when it belongs to nothing larger.</summary>
    public AuditSubject Context { get; init; } = Subject;

    /// <summary>The employee the subject concerns (whose response or request it is), when that is a person.</summary>
    public string? AboutPerson { get; init; }
}

/// <summary>One page of audit records, oldest first, so that appends never move a record to another page.</summary>
/// <param name="Page">1-based.</param>
/// <param name="Total">Records across all pages.</param>
public sealed record AuditPage(IReadOnlyList<AuditEntry> Entries, int Page, int PageSize, int Total)
{
    public int PageCount => Total == 0 ? 1 : (Total + PageSize - 1) / PageSize;
}

/// <summary>
/// One page of a search, newest first, paged by id (keyset): a page never shifts as records are appended.
/// <paramref name="Newer"/> and <paramref name="Older"/> are the cursors for the neighbouring pages (<c>after=</c>,
/// <c>before=</c>), null where there is none.
/// </summary>
/// <param name="Total">
/// Records matching the filter across all pages, counted up to <see cref="AuditTrailExtensions.SearchCountLimit"/>:
/// where more match, this is that limit and <paramref name="TotalIsLowerBound"/> is true. Counting stops there because
/// a count reads every matching row, and an unfiltered search of a trail with millions of records would read them all
/// on each page.
/// </param>
public sealed record AuditSearchPage(IReadOnlyList<AuditEntry> Entries, int PageSize, int Total, long? Newer, long? Older, bool TotalIsLowerBound = false);

/// <summary>Where a search page starts: just before (older than) or just after (newer than) a record id; neither is the newest page.</summary>
public readonly record struct AuditCursor(long? Before, long? After)
{
    public static AuditCursor Newest => default;
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

    /// <summary>Records matching every criterion set in <paramref name="filter"/>, newest first, a page from <paramref name="cursor"/> (the audit page and API).</summary>
    /// <param name="pageSize">1 to <see cref="AuditTrailExtensions.MaxPageSize"/>.</param>
    Task<AuditSearchPage> SearchAsync(AuditFilter filter, AuditCursor cursor, int pageSize, CancellationToken cancellationToken = default);

    /// <summary>Every record matching <paramref name="filter"/>, newest first, streamed a chunk at a time (exports).</summary>
    IAsyncEnumerable<AuditEntry> StreamAsync(AuditFilter filter, CancellationToken cancellationToken = default);
}

/// <summary>What to search the audit trail for; every criterion that is set must hold.</summary>
public sealed record AuditFilter
{
    /// <summary>Exactly this subject (<c>notice/…</c>, <c>approval/42</c>).</summary>
    public AuditSubject? Subject { get; init; }

    /// <summary>Records about this subject or belonging to it (<c>notice/…</c> finds the notice's approvals and answers too).</summary>
    public AuditSubject? Within { get; init; }

    /// <summary>Who acted: a stable actor id, or an employee id (which also matches <c>employee:ID</c>, the id a sign-up link acts as).</summary>
    public string? Actor { get; init; }

    /// <summary>A person as actor, as the one acted for (on whose behalf), or as the one the record is about, by actor id or employee id.</summary>
    public string? Person { get; init; }

    /// <summary>The action, or a prefix ending in a dot (<c>approval.</c> for every approval action).</summary>
    public string? Action { get; init; }

    public AuditChannel? Channel { get; init; }

    /// <summary>From this instant (inclusive), UTC.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Before this instant (exclusive), UTC.</summary>
    public DateTimeOffset? To { get; init; }
}
