using Microsoft.EntityFrameworkCore;
using Notices.Identity.Audit;
using Notices.Identity.Database;

namespace Notices.Testing;

/// <summary>
/// Stands for another module in outbox and audit tests: its own DbContext and table on the service's database, queuing mail
/// and appending to the audit trail inside its own transaction exactly as the sign-up module does.
/// </summary>
public sealed class ProbeModule(DbContextOptions<ProbeModule> options) : DbContext(options)
{
    public DbSet<ProbeChange> Changes => Set<ProbeChange>();

    /// <summary>Connects to <paramref name="database"/> (already migrated by the service) and creates the probe's table.</summary>
    public static async Task<ProbeModule> CreateAsync(TestDatabase database)
    {
        var options = new DbContextOptionsBuilder<ProbeModule>();
        if (database.Provider == DatabaseProvider.Postgres)
        {
            options.UseNpgsql(database.ConnectionString);
        }
        else
        {
            options.UseSqlite(database.ConnectionString);
        }

        var module = new ProbeModule(options.Options);
        await module.Database.ExecuteSqlRawAsync("""CREATE TABLE IF NOT EXISTS probe_changes ("Id" integer PRIMARY KEY, "What" text NOT NULL)""");
        return module;
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<ProbeChange>(e =>
        {
            e.ToTable("probe_changes");
            e.Property(c => c.Id).ValueGeneratedNever();
        });
        modelBuilder.MapAuditTrail();
    }
}

public sealed class ProbeChange
{
    public int Id { get; set; }

    public string What { get; set; } = "";
}
