using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Notices.Data;

/// <summary>The host's own tables. Data Protection keys live here so several instances share them.</summary>
internal abstract class NoticesDbContext(DbContextOptions options) : DbContext(options), IDataProtectionKeyContext
{
    public const string Module = "notices";

    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<DataProtectionKey>().ToTable("data_protection_keys");
    }
}

internal sealed class SqliteNoticesDbContext(DbContextOptions<SqliteNoticesDbContext> options) : NoticesDbContext(options);

internal sealed class PostgresNoticesDbContext(DbContextOptions<PostgresNoticesDbContext> options) : NoticesDbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasDefaultSchema(Module);
        base.OnModelCreating(modelBuilder);
    }
}
