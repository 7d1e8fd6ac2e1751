using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Notices.Identity.Audit;
using Notices.Signup.Approvals;
using Notices.Signup.Inbound;
using Notices.Signup.Replies;
using Notices.Signup.Responses;

namespace Notices.Signup.Database;

/// <summary>The Signup module's tables: responses, approval requests, delegations, and inbound mail sources.</summary>
internal abstract class SignupDbContext(DbContextOptions options) : DbContext(options)
{
    public const string Module = "signup";

    public DbSet<InboundSourceState> InboundSources => Set<InboundSourceState>();

    public DbSet<SignupResponse> Responses => Set<SignupResponse>();

    public DbSet<ApprovalRequest> Approvals => Set<ApprovalRequest>();

    public DbSet<Delegation> Delegations => Set<Delegation>();

    public DbSet<Reporting.NoticeTally> Tallies => Set<Reporting.NoticeTally>();

    public DbSet<ReplyKey> ReplyKeys => Set<ReplyKey>();

    public DbSet<ProcessedReply> ProcessedReplies => Set<ProcessedReply>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<InboundSourceState>(e =>
        {
            e.ToTable("inbound_sources");
            e.HasKey(x => x.Source);
            e.Property(x => x.Source).HasMaxLength(200);
            e.Property(x => x.LeaseHolder).HasMaxLength(64);
        });

        modelBuilder.Entity<SignupResponse>(e =>
        {
            e.ToTable("responses");
            e.HasKey(x => x.Id);
            e.Property(x => x.EmployeeId).HasMaxLength(64);
            e.Property(x => x.Preferences).HasConversion(JsonList.Converter, JsonList.Comparer).HasMaxLength(4000);
            e.Property(x => x.Experience).HasConversion(JsonList.Converter, JsonList.Comparer).HasMaxLength(1000);
            e.Property(x => x.ExperienceNote).HasMaxLength(ResponseLimits.Note);
            e.Property(x => x.Phone).HasMaxLength(ResponseLimits.Phone);
            e.Property(x => x.DeclineReason).HasMaxLength(ResponseLimits.Reason);
            e.Property(x => x.WithdrawReason).HasMaxLength(ResponseLimits.Reason);
            e.Property(x => x.Version).IsConcurrencyToken();
            e.HasIndex(x => new { x.NoticeId, x.EmployeeId }).IsUnique();
            e.HasIndex(x => new { x.NoticeId, x.State });
            e.Property(x => x.JobSeries).HasMaxLength(8);
            e.Property(x => x.Grade).HasMaxLength(16);
            e.Property(x => x.Organization).HasMaxLength(200);
            e.Property(x => x.DutyState).HasMaxLength(8);
            e.Property(x => x.TalliedKeys).HasConversion(JsonList.Converter, JsonList.Comparer).HasMaxLength(8000);
        });

        modelBuilder.Entity<Reporting.NoticeTally>(e =>
        {
            e.ToTable("notice_tallies");
            e.HasKey(x => new { x.NoticeId, x.Key });
            e.Property(x => x.Key).HasMaxLength(300);
        });

        modelBuilder.Entity<ApprovalRequest>(e =>
        {
            e.ToTable("approval_requests");
            e.HasKey(x => x.Id);
            e.Property(x => x.EmployeeId).HasMaxLength(64);
            e.Property(x => x.ApproverEmployeeId).HasMaxLength(64);
            e.Property(x => x.DecidedBy).HasMaxLength(200);
            e.Property(x => x.DecidedByName).HasMaxLength(200);
            e.Property(x => x.DecidedOnBehalfOf).HasMaxLength(64);
            e.Property(x => x.Justification).HasMaxLength(ResponseLimits.Justification);
            e.Property(x => x.Version).IsConcurrencyToken();
            e.HasIndex(x => x.ResponseId);
            e.HasIndex(x => new { x.ApproverEmployeeId, x.State });
            e.HasIndex(x => new { x.State, x.AssignedAt });
            e.HasIndex(x => new { x.NoticeId, x.State });
        });

        modelBuilder.Entity<Delegation>(e =>
        {
            e.ToTable("delegations");
            e.HasKey(x => x.Id);
            e.Property(x => x.SupervisorEmployeeId).HasMaxLength(64);
            e.Property(x => x.DelegateEmployeeId).HasMaxLength(64);
            e.Property(x => x.CreatedBy).HasMaxLength(200);
            e.HasIndex(x => new { x.DelegateEmployeeId, x.To });
            e.HasIndex(x => new { x.SupervisorEmployeeId, x.To });
        });

        modelBuilder.Entity<ReplyKey>(e =>
        {
            e.ToTable("reply_keys");
            e.HasKey(x => x.Id);
            e.Property(x => x.ApproverEmployeeId).HasMaxLength(64);
            e.Property(x => x.KeyHash).HasMaxLength(32);
            e.Property(x => x.TagHash).HasMaxLength(32);
            e.Property(x => x.MessageId).HasMaxLength(255);
            e.HasIndex(x => x.KeyHash).IsUnique();
            e.HasIndex(x => x.TagHash);
            e.HasIndex(x => x.MessageId);
            e.HasIndex(x => x.ApprovalId);
        });

        modelBuilder.Entity<ProcessedReply>(e =>
        {
            e.ToTable("processed_replies");
            e.HasKey(x => x.Id);
            e.Property(x => x.MessageId).HasMaxLength(255);
            e.Property(x => x.Source).HasMaxLength(200);
            e.Property(x => x.Reason).HasMaxLength(400);
            e.Property(x => x.SenderHash).HasMaxLength(32);
            e.HasIndex(x => x.MessageId).IsUnique();
            e.HasIndex(x => new { x.SenderHash, x.ReceivedAt });
        });

        modelBuilder.MapAuditTrail();
    }

    private static class JsonList
    {
        public static readonly ValueConverter<List<string>, string> Converter = new(
            v => JsonSerializer.Serialize(v, JsonSerializerOptions.Default),
            v => JsonSerializer.Deserialize<List<string>>(v, JsonSerializerOptions.Default) ?? new List<string>());

        public static readonly ValueComparer<List<string>> Comparer = new(
            (a, b) => a!.SequenceEqual(b!),
            v => v.Aggregate(0, (h, s) => HashCode.Combine(h, s.GetHashCode(StringComparison.Ordinal))),
            v => v.ToList());
    }
}

internal sealed class SqliteSignupDbContext(DbContextOptions<SqliteSignupDbContext> options)
    : SignupDbContext(options)
{
    // SQLite has no timestamp type: store DateTimeOffset as a sortable 64-bit number so EF can compare and order it.
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
        configurationBuilder.Properties<DateTimeOffset?>().HaveConversion<DateTimeOffsetToBinaryConverter>();
    }
}

internal sealed class PostgresSignupDbContext(DbContextOptions<PostgresSignupDbContext> options)
    : SignupDbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasDefaultSchema(Module);
        base.OnModelCreating(modelBuilder);
    }
}
