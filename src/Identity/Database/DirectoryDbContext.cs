using Microsoft.EntityFrameworkCore;
using Notices.Identity.Audit;
using Notices.Identity.StaffDirectory;
using Notices.Identity.StaffDirectory.Sync;

namespace Notices.Identity.Database;

/// <summary>The Identity module's tables: the staff directory and the audit trail every module writes.</summary>
internal abstract class DirectoryDbContext(DbContextOptions options) : DbContext(options)
{
    public const string Module = "identity";

    public DbSet<Employee> Employees => Set<Employee>();

    public DbSet<DirectorySyncState> SyncState => Set<DirectorySyncState>();

    public DbSet<GraphUserLink> GraphUsers => Set<GraphUserLink>();

    public DbSet<AuditRecord> AuditTrail => Set<AuditRecord>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Employee>(e =>
        {
            e.ToTable("employees");
            e.HasKey(x => x.EmployeeId);
            e.Property(x => x.EmployeeId).HasMaxLength(32);
            e.Property(x => x.DisplayName).HasMaxLength(200);
            e.Property(x => x.Email).HasMaxLength(254);
            e.Property(x => x.EmailNormalized).HasMaxLength(254);
            e.HasIndex(x => x.EmailNormalized).IsUnique();
            e.Property(x => x.JobSeries).HasMaxLength(4);
            e.Property(x => x.PayPlan).HasMaxLength(4);
            e.Property(x => x.PositionTitle).HasMaxLength(200);
            e.Property(x => x.Organization).HasMaxLength(400);
            e.Property(x => x.DutyCity).HasMaxLength(100);
            e.Property(x => x.DutyState).HasMaxLength(2);
            e.Property(x => x.SupervisorId).HasMaxLength(32);
            e.Property(x => x.Status).HasConversion<string>().HasMaxLength(16);
            e.HasIndex(x => x.JobSeries);
            e.HasIndex(x => new { x.PayPlan, x.Grade });
            e.HasIndex(x => x.Organization);
            e.HasIndex(x => x.DutyState);
            e.HasIndex(x => x.SupervisorId);
            e.HasIndex(x => x.Status);
        });

        modelBuilder.Entity<DirectorySyncState>(e =>
        {
            e.ToTable("sync_state");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).ValueGeneratedNever();
            e.Property(x => x.LeaseOwner).HasMaxLength(200);
            e.HasData(new DirectorySyncState());
        });

        modelBuilder.Entity<GraphUserLink>(e =>
        {
            e.ToTable("graph_users");
            e.HasKey(x => x.GraphId);
            e.Property(x => x.GraphId).HasMaxLength(64);
            e.Property(x => x.EmployeeId).HasMaxLength(32);
            e.HasIndex(x => x.EmployeeId);
        });

        modelBuilder.MapAuditTrail(ownsTable: true);
    }
}

internal sealed class SqliteDirectoryDbContext(DbContextOptions<SqliteDirectoryDbContext> options)
    : DirectoryDbContext(options);

internal sealed class PostgresDirectoryDbContext(DbContextOptions<PostgresDirectoryDbContext> options)
    : DirectoryDbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasDefaultSchema(Module);
        base.OnModelCreating(modelBuilder);
    }
}
