using System.Globalization;
using Notices.Identity.Audit;
using Notices.Identity.StaffDirectory;

namespace Notices.Reporting.AuditLog;

/// <summary>
/// The audit filters as the page's form and the API's query string give them (all optional), and where the page
/// starts: <c>before</c> (older than) or <c>after</c> (newer than) a record id, the newest page when neither.
/// </summary>
internal sealed record AuditQuery(
    string? Notice = null,
    string? Subject = null,
    string? Actor = null,
    string? Person = null,
    string? Action = null,
    string? Channel = null,
    string? From = null,
    string? To = null,
    long? Before = null,
    long? After = null,
    int? PageSize = null)
{
    public AuditCursor Cursor => new(Before, After);
}

/// <summary>
/// Turns <see cref="AuditQuery"/> into the trail's <see cref="AuditFilter"/>, with one message per malformed field
/// (the API answers them as a validation problem, the page shows them by their fields). Dates without a time are
/// whole UTC days: <c>to=2026-12-05</c> includes that day.
/// </summary>
internal sealed class AuditSearch(IAuditTrail trail, IStaffDirectory directory)
{
    public const int DefaultPageSize = 50;

    public static bool TryBuild(AuditQuery query, out AuditFilter filter, out Dictionary<string, string[]> errors)
    {
        errors = [];
        AuditSubject? subject = null, within = null;
        if (!string.IsNullOrWhiteSpace(query.Notice))
        {
            if (Guid.TryParse(query.Notice.Trim(), out var notice))
            {
                within = AuditSubject.Notice(notice);
            }
            else
            {
                errors["notice"] = ["notice is a notice id (a GUID)."];
            }
        }

        if (!string.IsNullOrWhiteSpace(query.Subject))
        {
            var parts = query.Subject.Trim().Split('/', 2);
            if (parts.Length == 2 && parts[0].Length > 0 && parts[1].Length > 0)
            {
                subject = new AuditSubject(parts[0], parts[1]);
            }
            else
            {
                errors["subject"] = ["subject is a kind and an id, such as approval/42 or notice/<id>."];
            }
        }

        AuditChannel? channel = null;
        if (!string.IsNullOrWhiteSpace(query.Channel))
        {
            var match = Enum.GetValues<AuditChannel>().Where(c => AuditNames.Of(c) == query.Channel.Trim().ToLowerInvariant()).ToList();
            if (match.Count == 1)
            {
                channel = match[0];
            }
            else
            {
                errors["channel"] = ["channel is portal, email, api, cli or system."];
            }
        }

        var from = Instant(query.From, "from", endOfDay: false, errors);
        var to = Instant(query.To, "to", endOfDay: true, errors);
        if (from is not null && to is not null && from >= to)
        {
            errors["to"] = ["to must be after from."];
        }

        if (query.Before is not null && query.After is not null)
        {
            errors["before"] = ["Give before or after, not both."];
        }

        if (query.PageSize is < 1 or > AuditTrailExtensions.MaxPageSize)
        {
            errors["pageSize"] = [$"pageSize is 1 to {AuditTrailExtensions.MaxPageSize}."];
        }

        foreach (var (name, value) in new[] { ("actor", query.Actor), ("person", query.Person), ("action", query.Action) })
        {
            if (value is { Length: > 200 })
            {
                errors[name] = [$"{name} is at most 200 characters."];
            }
        }

        filter = new AuditFilter
        {
            Subject = subject,
            Within = within,
            Actor = Blank(query.Actor),
            Person = Blank(query.Person),
            Action = Blank(query.Action),
            Channel = channel,
            From = from,
            To = to,
        };
        return errors.Count == 0;
    }

    public Task<AuditSearchPage> SearchAsync(AuditFilter filter, AuditCursor cursor, int pageSize, CancellationToken cancellationToken) =>
        trail.SearchAsync(filter, cursor, pageSize, cancellationToken);

    /// <summary>Display names for the employee ids among actors and those acted for (<c>employee:E1</c> or <c>E1</c>); other ids stay as they are.</summary>
    public async Task<IReadOnlyDictionary<string, string>> NamesAsync(IEnumerable<AuditEntry> entries, CancellationToken cancellationToken)
    {
        var ids = entries.SelectMany(e => new[] { e.Actor, e.OnBehalfOf, e.AboutPerson }).OfType<string>().Select(EmployeeIdOf).Distinct(StringComparer.Ordinal).ToList();
        var people = await directory.FindManyAsync(ids, cancellationToken);
        return people.ToDictionary(p => p.EmployeeId, p => p.DisplayName, StringComparer.Ordinal);
    }

    public static string EmployeeIdOf(string actor) => actor.StartsWith("employee:", StringComparison.Ordinal) ? actor["employee:".Length..] : actor;

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static DateTimeOffset? Instant(string? value, string name, bool endOfDay, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (DateOnly.TryParseExact(value.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            var start = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            return endOfDay ? start.AddDays(1) : start;
        }

        if (DateTimeOffset.TryParse(value.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at))
        {
            return at;
        }

        errors[name] = [$"{name} is a date (2026-12-05, a whole UTC day) or an ISO 8601 time (2026-12-05T14:00:00Z)."];
        return null;
    }
}
