using Microsoft.EntityFrameworkCore;
using Notices.Signup.Inbound;

namespace Notices.Signup.Database;

/// <summary>The Signup module's tables: for now the state of each inbound mail source (its cursor and poller lease).</summary>
internal abstract class SignupDbContext(DbContextOptions options) : DbContext(options)
{
    public const string Module = "signup";

    public DbSet<InboundSourceState> InboundSources => Set<InboundSourceState>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<InboundSourceState>(e =>
        {
            e.ToTable("inbound_sources");
            e.HasKey(x => x.Source);
            e.Property(x => x.Source).HasMaxLength(200);
            e.Property(x => x.LeaseHolder).HasMaxLength(64);
        });
    }
}

internal sealed class SqliteSignupDbContext(DbContextOptions<SqliteSignupDbContext> options)
    : SignupDbContext(options);

internal sealed class PostgresSignupDbContext(DbContextOptions<PostgresSignupDbContext> options)
    : SignupDbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasDefaultSchema(Module);
        base.OnModelCreating(modelBuilder);
    }
}
