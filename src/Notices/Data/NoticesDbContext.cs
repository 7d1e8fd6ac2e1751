using System.Text.Json;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Notices.Composing;
using Notices.Delivery.Outbox;
using Notices.Identity.Audit;

namespace Notices.Data;

/// <summary>
/// The host's own tables: notices, the outbox (every email: one row per notice recipient, one per
/// transactional message), and the Data Protection
/// keys (in the database so several instances share them).
/// </summary>
internal abstract class NoticesDbContext(DbContextOptions options) : DbContext(options), IDataProtectionKeyContext
{
    public const string Module = "notices";

    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public DbSet<Notice> Notices => Set<Notice>();

    public DbSet<OutboxMessage> Outbox => Set<OutboxMessage>();

    public DbSet<Reporting.DeliveryTally> DeliveryTallies => Set<Reporting.DeliveryTally>();

    public DbSet<Delivery.Throttling.SendGrant> SendGrants => Set<Delivery.Throttling.SendGrant>();

    public DbSet<Delivery.Throttling.SendGrantMinute> SendGrantMinutes => Set<Delivery.Throttling.SendGrantMinute>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<DataProtectionKey>().ToTable("data_protection_keys");

        modelBuilder.Entity<Notice>(n =>
        {
            n.ToTable("notices");
            n.HasKey(x => x.Id);
            n.Property(x => x.Title).HasMaxLength(200);
            n.Property(x => x.Summary).HasMaxLength(500);
            n.Property(x => x.BodyMarkdown).HasMaxLength(50_000);
            n.Property(x => x.SenderName).HasMaxLength(100);
            n.Property(x => x.ReplyTo).HasMaxLength(254);
            n.Property(x => x.TimeZone).HasMaxLength(64);
            Json(n.Property(x => x.Opportunity));
            Json(n.Property(x => x.Approval));
            Json(n.Property(x => x.Audience));
            n.Property(x => x.CreatedBy).HasMaxLength(200);
            n.Property(x => x.CreatedByName).HasMaxLength(200);
            n.Property(x => x.SubmittedBy).HasMaxLength(200);
            n.Property(x => x.LastSavedBy).HasMaxLength(200);
            n.Property(x => x.LastSavedByName).HasMaxLength(200);
            n.Property(x => x.ReleasedBy).HasMaxLength(200);
            n.Property(x => x.ReleasedByName).HasMaxLength(200);
            n.Property(x => x.CancelledBy).HasMaxLength(200);
            n.Property(x => x.ProtectedLinkKey).HasMaxLength(1000);
            n.Property(x => x.Version).IsConcurrencyToken();
            n.HasIndex(x => x.State);
            n.HasIndex(x => x.CreatedAt);
        });

        // Notice changes and their audit records commit together; the table is Identity's.
        modelBuilder.MapAuditTrail();

        modelBuilder.Entity<OutboxMessage>(o =>
        {
            o.ToTable("outbox");
            o.HasKey(x => x.Id);
            o.Property(x => x.EmployeeId).HasMaxLength(32);
            o.Property(x => x.Email).HasMaxLength(254);
            o.Property(x => x.DisplayName).HasMaxLength(200);
            o.Property(x => x.JobSeries).HasMaxLength(4);
            o.Property(x => x.PayPlan).HasMaxLength(4);
            o.Property(x => x.Organization).HasMaxLength(400);
            o.Property(x => x.DutyState).HasMaxLength(2);
            o.Property(x => x.SupervisorId).HasMaxLength(32);
            o.Property(x => x.MessageId).HasMaxLength(200);
            o.Property(x => x.TokenHash).HasMaxLength(32);
            o.Property(x => x.LeaseOwner).HasMaxLength(100);
            o.Property(x => x.LastDetail).HasMaxLength(500);
            o.Property(x => x.Category).HasMaxLength(40);
            o.Property(x => x.Reference).HasMaxLength(100);
            o.HasIndex(x => new { x.NoticeId, x.EmployeeId }).IsUnique();
            o.HasIndex(x => x.TokenHash).IsUnique();
            o.HasIndex(x => x.MessageId).IsUnique();
            // Claims scan by state and due time; progress counts by notice and state.
            o.HasIndex(x => new { x.State, x.NextAttemptAt });
            o.HasIndex(x => new { x.NoticeId, x.State });
            // Claims walk unfinished rows in Id order (queued, sending, deferred); sent rows leave the index.
            o.HasIndex(x => x.Id, "IX_outbox_Claimable").HasFilter(OutboxSql.ClaimableFilter);
            // Transactional rows are claimed first, through an index that holds only the unfinished ones (a handful).
            o.HasIndex(x => x.Id, "IX_outbox_Transactional").HasFilter(OutboxSql.TransactionalFilter);
            // A module finds its messages by its own reference (approval/42, test sends of a notice by a person).
            o.HasIndex(x => new { x.Reference, x.QueuedAt }).HasFilter("\"Reference\" IS NOT NULL");
        });

        SendBudget(modelBuilder);

        // Kept by triggers on the outbox (see the DeliveryTallies migration); the app only reads it.
        modelBuilder.Entity<Reporting.DeliveryTally>(t =>
        {
            t.ToTable("delivery_tallies");
            t.HasKey(x => new { x.NoticeId, x.State, x.Bounced, x.Shard });
        });
    }

    private static void SendBudget(ModelBuilder modelBuilder)
    {
        // The relay limits shared by instances on PostgreSQL (SharedSendBudget); unused on SQLite.
        modelBuilder.Entity<Delivery.Throttling.SendGrant>(g =>
        {
            g.ToTable("send_grants");
            g.HasKey(x => x.Id);
            g.Property(x => x.Instance).HasMaxLength(200);
            g.HasIndex(x => x.TakenAt);
        });
        modelBuilder.Entity<Delivery.Throttling.SendGrantMinute>(m =>
        {
            m.ToTable("send_grant_minutes");
            m.HasKey(x => x.Minute);
        });
    }

    private static void Json<T>(PropertyBuilder<T> property)
        where T : class
    {
        property.HasConversion(
            new ValueConverter<T, string>(v => JsonSerializer.Serialize(v, JsonColumn.Options), v => JsonSerializer.Deserialize<T>(v, JsonColumn.Options)!),
            new ValueComparer<T>(
                (a, b) => JsonSerializer.Serialize(a, JsonColumn.Options) == JsonSerializer.Serialize(b, JsonColumn.Options),
                v => JsonSerializer.Serialize(v, JsonColumn.Options).GetHashCode(StringComparison.Ordinal),
                v => JsonSerializer.Deserialize<T>(JsonSerializer.Serialize(v, JsonColumn.Options), JsonColumn.Options)!));
    }
}

internal static class JsonColumn
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}

internal sealed class SqliteNoticesDbContext(DbContextOptions<SqliteNoticesDbContext> options) : NoticesDbContext(options)
{
    // SQLite has no timestamp type: store DateTimeOffset as a sortable 64-bit number so EF can compare and order it.
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
        configurationBuilder.Properties<DateTimeOffset?>().HaveConversion<DateTimeOffsetToBinaryConverter>();
    }
}

internal sealed class PostgresNoticesDbContext(DbContextOptions<PostgresNoticesDbContext> options) : NoticesDbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasDefaultSchema(Module);
        base.OnModelCreating(modelBuilder);
        // Room in each page for one more version of its rows: a worker's handover write changes no indexed column, so
        // with free space in the page it is a HOT update (no new entry in the outbox's seven indexes). Release writes
        // the rows with COPY, which fills pages to the fillfactor.
        modelBuilder.Entity<OutboxMessage>().HasStorageParameter("fillfactor", 80);
    }
}
