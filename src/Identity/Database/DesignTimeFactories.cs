using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Notices.Identity.Database;

// Used only by `dotnet ef migrations add`; no database is opened.
internal sealed class SqliteDirectoryDesignFactory : IDesignTimeDbContextFactory<SqliteDirectoryDbContext>
{
    public SqliteDirectoryDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<SqliteDirectoryDbContext>();
        ModuleDatabase.ConfigureSqlite(options, "Data Source=design.db", DirectoryDbContext.Module);
        return new SqliteDirectoryDbContext(options.Options);
    }
}

internal sealed class PostgresDirectoryDesignFactory : IDesignTimeDbContextFactory<PostgresDirectoryDbContext>
{
    public PostgresDirectoryDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<PostgresDirectoryDbContext>();
        ModuleDatabase.ConfigurePostgres(options, "Host=localhost;Database=design", DirectoryDbContext.Module);
        return new PostgresDirectoryDbContext(options.Options);
    }
}
