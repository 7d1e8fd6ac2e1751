using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Notices.Identity.Database;

namespace Notices.Data;

// Used only by `dotnet ef migrations add`; no database is opened.
internal sealed class SqliteNoticesDesignFactory : IDesignTimeDbContextFactory<SqliteNoticesDbContext>
{
    public SqliteNoticesDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<SqliteNoticesDbContext>();
        ModuleDatabase.ConfigureSqlite(options, "Data Source=design.db", NoticesDbContext.Module);
        return new SqliteNoticesDbContext(options.Options);
    }
}

internal sealed class PostgresNoticesDesignFactory : IDesignTimeDbContextFactory<PostgresNoticesDbContext>
{
    public PostgresNoticesDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<PostgresNoticesDbContext>();
        ModuleDatabase.ConfigurePostgres(options, "Host=localhost;Database=design", NoticesDbContext.Module);
        return new PostgresNoticesDbContext(options.Options);
    }
}
