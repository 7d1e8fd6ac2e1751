using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Notices.Identity.Audit;

/// <summary>
/// Writes to the one audit trail from any module's context, in that context's transaction, and maps the table into it.
/// The table is <c>identity.audit_trail</c> (SQLite: <c>audit_trail</c>); Identity's migrations own it and its
/// triggers refusing UPDATE and DELETE.
/// </summary>
public static class AuditTrailExtensions
{
    public const string Table = "audit_trail";
    public const string Schema = "identity";
    public const int MaxPageSize = 500;
    public const int MaxDetailLength = 1000;

    /// <summary>How far a search counts its matches (<see cref="AuditSearchPage.TotalIsLowerBound"/> beyond).</summary>
    public const int SearchCountLimit = 10_000;

    /// <summary>
    /// Adds a record to <paramref name="db"/>; it is saved by the caller's next SaveChanges, so it commits or rolls
    /// back with the change it describes. <paramref name="db"/>'s model must call <see cref="MapAuditTrail(ModelBuilder)"/>.
    /// </summary>
    /// <param name="actor">Stable id of the user, or <c>system:component</c>.</param>
    /// <param name="detail">Short, with no personal data beyond ids; cut at <see cref="MaxDetailLength"/> characters.</param>
    /// <param name="onBehalfOf">The person the actor acted for, when not themselves.</param>
    /// <param name="context">What <paramref name="subject"/> belongs to (an approval's notice), so that a search within it finds this record; the subject itself when null.</param>
    /// <param name="aboutPerson">The employee id of the person the subject concerns (whose response or request), when there is one.</param>
    public static void AppendAudit(
        this DbContext db,
        string actor,
        string action,
        AuditSubject subject,
        AuditChannel channel,
        AuditOutcome outcome,
        DateTimeOffset at,
        string? detail = null,
        string? onBehalfOf = null,
        AuditSubject? context = null,
        string? aboutPerson = null)
    {
        ArgumentNullException.ThrowIfNull(db);
        db.Set<AuditRecord>().Add(Record(actor, action, subject, channel, outcome, at, detail, onBehalfOf, context, aboutPerson));
    }

    /// <summary>
    /// Records on its own, at once, leaving <paramref name="db"/>'s tracked changes alone (neither saved nor dropped):
    /// for a refusal, whose attempted change is not saved. Refused while a transaction is open on <paramref name="db"/>,
    /// which could roll the record back with it.
    /// </summary>
    /// <exception cref="InvalidOperationException">A transaction is open on <paramref name="db"/>.</exception>
    public static async Task AppendAuditAloneAsync(
        this DbContext db,
        string actor,
        string action,
        AuditSubject subject,
        AuditChannel channel,
        AuditOutcome outcome,
        DateTimeOffset at,
        string? detail = null,
        string? onBehalfOf = null,
        AuditSubject? context = null,
        string? aboutPerson = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (db.Database.CurrentTransaction is not null)
        {
            throw new InvalidOperationException("AppendAuditAloneAsync records outside a transaction; inside one, use AppendAudit.");
        }

        var record = Record(actor, action, subject, channel, outcome, at, detail, onBehalfOf, context, aboutPerson);
        var entity = db.Model.FindEntityType(typeof(AuditRecord))
            ?? throw new InvalidOperationException($"{db.GetType().Name} does not map the audit trail: call modelBuilder.MapAuditTrail().");
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        var sql = db.GetService<ISqlGenerationHelper>();
        string Column(string property) => sql.DelimitIdentifier(entity.FindProperty(property)!.GetColumnName(table)!);

        // A plain INSERT: the caller's change tracker may hold the refused change, which must not be saved.
        var statement = string.Create(CultureInfo.InvariantCulture, $$"""
            INSERT INTO {{sql.DelimitIdentifier(table.Name, table.Schema)}}
                ({{Column(nameof(AuditRecord.At))}}, {{Column(nameof(AuditRecord.Actor))}}, {{Column(nameof(AuditRecord.OnBehalfOf))}},
                 {{Column(nameof(AuditRecord.Action))}}, {{Column(nameof(AuditRecord.SubjectKind))}}, {{Column(nameof(AuditRecord.SubjectId))}},
                 {{Column(nameof(AuditRecord.Channel))}}, {{Column(nameof(AuditRecord.Outcome))}}, {{Column(nameof(AuditRecord.Detail))}},
                 {{Column(nameof(AuditRecord.ContextKind))}}, {{Column(nameof(AuditRecord.ContextId))}}, {{Column(nameof(AuditRecord.AboutPerson))}})
            VALUES ({0}, {1}, {2}, {3}, {4}, {5}, {6}, {7}, {8}, {9}, {10}, {11})
            """);
        await db.Database.ExecuteSqlAsync(
            FormattableStringFactory.Create(
                statement,
                record.At.UtcDateTime, record.Actor, record.OnBehalfOf, record.Action, record.SubjectKind,
                record.SubjectId, AuditNames.Of(record.Channel), AuditNames.Of(record.Outcome), record.Detail,
                record.ContextKind, record.ContextId, record.AboutPerson),
            cancellationToken);
    }

    /// <summary>Maps the audit trail into a module's context so it can append in its own transaction; the table stays out of that context's migrations.</summary>
    public static ModelBuilder MapAuditTrail(this ModelBuilder modelBuilder) => modelBuilder.MapAuditTrail(ownsTable: false);

    internal static ModelBuilder MapAuditTrail(this ModelBuilder modelBuilder, bool ownsTable)
    {
        modelBuilder.Entity<AuditRecord>(e =>
        {
            // Schema on PostgreSQL; SQLite has none and ignores it (its warning is turned off in ModuleDatabase).
            e.ToTable(Table, Schema, t =>
            {
                if (!ownsTable)
                {
                    t.ExcludeFromMigrations();
                }
            });
            e.HasKey(x => x.Id);
            // The same column type from every context: timestamptz on PostgreSQL, sortable text on SQLite.
            e.Property(x => x.At).HasConversion(
                new ValueConverter<DateTimeOffset, DateTime>(v => v.UtcDateTime, v => new DateTimeOffset(DateTime.SpecifyKind(v, DateTimeKind.Utc))));
            e.Property(x => x.Actor).HasMaxLength(200);
            e.Property(x => x.OnBehalfOf).HasMaxLength(200);
            e.Property(x => x.Action).HasMaxLength(40);
            e.Property(x => x.SubjectKind).HasMaxLength(40);
            e.Property(x => x.SubjectId).HasMaxLength(100);
            e.Property(x => x.Channel).HasConversion(new ValueConverter<AuditChannel, string>(v => AuditNames.Of(v), v => AuditNames.Channel(v))).HasMaxLength(16);
            e.Property(x => x.Outcome).HasConversion(new ValueConverter<AuditOutcome, string>(v => AuditNames.Of(v), v => AuditNames.Outcome(v))).HasMaxLength(16);
            e.Property(x => x.Detail).HasMaxLength(MaxDetailLength);
            e.Property(x => x.ContextKind).HasMaxLength(40);
            e.Property(x => x.ContextId).HasMaxLength(100);
            e.Property(x => x.AboutPerson).HasMaxLength(64);
            // One index per filter of the audit search; each ends so that its rows come in the order the search pages them
            // (by id), or by time where a date range is the usual companion (a notice's records over a week).
            e.HasIndex(x => new { x.SubjectKind, x.SubjectId, x.Id });
            e.HasIndex(x => new { x.ContextKind, x.ContextId, x.At });
            e.HasIndex(x => new { x.Actor, x.Id });
            e.HasIndex(x => new { x.OnBehalfOf, x.Id }).HasFilter("\"OnBehalfOf\" IS NOT NULL");
            e.HasIndex(x => new { x.AboutPerson, x.Id }).HasFilter("\"AboutPerson\" IS NOT NULL");
            e.HasIndex(x => x.At);
        });
        return modelBuilder;
    }

    private static AuditRecord Record(
        string actor, string action, AuditSubject subject, AuditChannel channel, AuditOutcome outcome, DateTimeOffset at, string? detail, string? onBehalfOf,
        AuditSubject? context, string? aboutPerson)
    {
        var within = context ?? subject;
        ArgumentException.ThrowIfNullOrWhiteSpace(within.Kind, nameof(context));
        ArgumentException.ThrowIfNullOrWhiteSpace(within.Id, nameof(context));
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        ArgumentException.ThrowIfNullOrWhiteSpace(action);
        ArgumentException.ThrowIfNullOrWhiteSpace(subject.Kind, nameof(subject));
        ArgumentException.ThrowIfNullOrWhiteSpace(subject.Id, nameof(subject));
        return new AuditRecord
        {
            At = at.ToUniversalTime(),
            Actor = actor,
            OnBehalfOf = onBehalfOf,
            Action = action,
            SubjectKind = subject.Kind,
            SubjectId = subject.Id,
            Channel = channel,
            Outcome = outcome,
            Detail = detail is { Length: > MaxDetailLength } ? detail[..MaxDetailLength] : detail,
            ContextKind = within.Kind,
            ContextId = within.Id,
            AboutPerson = string.IsNullOrWhiteSpace(aboutPerson) ? null : aboutPerson,
        };
    }
}

/// <summary>The stored names of channels and outcomes: lower case, as operators read them (<c>portal</c>, <c>refused</c>).</summary>
public static class AuditNames
{
    public static string Of(AuditChannel channel) => channel switch
    {
        AuditChannel.Portal => "portal",
        AuditChannel.Email => "email",
        AuditChannel.Api => "api",
        AuditChannel.Cli => "cli",
        AuditChannel.System => "system",
        _ => throw new ArgumentOutOfRangeException(nameof(channel), channel, null),
    };

    public static string Of(AuditOutcome outcome) => outcome switch
    {
        AuditOutcome.Succeeded => "succeeded",
        AuditOutcome.Refused => "refused",
        AuditOutcome.Failed => "failed",
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, null),
    };

    public static AuditChannel Channel(string name) =>
        Enum.GetValues<AuditChannel>().Single(c => Of(c) == name);

    public static AuditOutcome Outcome(string name) =>
        Enum.GetValues<AuditOutcome>().Single(o => Of(o) == name);
}
