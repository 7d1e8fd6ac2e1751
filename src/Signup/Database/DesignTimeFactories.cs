using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Notices.Identity.Database;

namespace Notices.Signup.Database;

// Used only by `dotnet ef migrations add`; no database is opened.
internal sealed class SqliteSignupDesignFactory : IDesignTimeDbContextFactory<SqliteSignupDbContext>
{
    public SqliteSignupDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<SqliteSignupDbContext>();
        ModuleDatabase.ConfigureSqlite(options, "Data Source=design.db", SignupDbContext.Module);
        return new SqliteSignupDbContext(options.Options);
    }
}

internal sealed class PostgresSignupDesignFactory : IDesignTimeDbContextFactory<PostgresSignupDbContext>
{
    public PostgresSignupDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<PostgresSignupDbContext>();
        ModuleDatabase.ConfigurePostgres(options, "Host=localhost;Database=design", SignupDbContext.Module);
        return new PostgresSignupDbContext(options.Options);
    }
}
