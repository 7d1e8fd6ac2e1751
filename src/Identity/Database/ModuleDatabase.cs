using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Notices.Identity.Database;

/// <summary>
/// Each module owns its tables through its own DbContext. A module context has one subclass per provider,
/// so that each provider has its own migrations (Migrations/Sqlite, Migrations/Postgres).
/// </summary>
public static class ModuleDatabase
{
    public const string ConnectionStringName = "Notices";

    /// <summary>Registers <typeparamref name="TContext"/> backed by the provider chosen in configuration.</summary>
    /// <param name="module">Short module name: the PostgreSQL schema and the migrations history suffix.</param>
    public static void AddModuleDbContext<TContext, TSqlite, TPostgres>(this IHostApplicationBuilder builder, string module)
        where TContext : DbContext
        where TSqlite : TContext
        where TPostgres : TContext
    {
        AddDatabaseCore(builder);
        var settings = builder.Configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        var paths = DataPaths.From(builder.Configuration);
        var connectionString = builder.Configuration.GetConnectionString(ConnectionStringName);

        // Interceptors registered in the container apply to every module's context (the host's outbox wakes its
        // workers when a transaction that queued mail commits, whichever module's context ran it); they are singletons.
        // Contexts are pooled: the options are built once, not per request, and a context instance is reused after
        // its state is reset (a sign-up page view opens three module contexts).
        if (settings.Provider == DatabaseProvider.Postgres)
        {
            builder.Services.AddDbContextPool<TContext, TPostgres>((services, options) =>
            {
                ConfigurePostgres(options, connectionString, module);
                options.AddInterceptors(services.GetServices<IInterceptor>());
            });
        }
        else
        {
            builder.Services.AddDbContextPool<TContext, TSqlite>((services, options) =>
            {
                ConfigureSqlite(options, SqliteConnectionString(connectionString, paths), module);
                options.AddInterceptors(services.GetServices<IInterceptor>());
            });
        }

        builder.Services.AddSingleton(new ModuleContextRegistration(typeof(TContext), module));
    }

    public static void ConfigurePostgres(DbContextOptionsBuilder options, string? connectionString, string module)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new OptionsValidationException(
                "ConnectionStrings:Notices",
                typeof(DatabaseOptions),
                ["ConnectionStrings:Notices is required when Notices:Database:Provider is Postgres."]);
        }

        options.UseNpgsql(WithPoolDefaults(connectionString), npgsql => npgsql.MigrationsHistoryTable("__migrations", module));
    }

    /// <summary>
    /// The connection pool's defaults for a web workload of many small queries, applied only where the connection string
    /// says nothing itself:
    /// <list type="bullet">
    /// <item><c>Max Auto Prepare=64</c>, <c>Auto Prepare Min Usages=2</c>: a statement used twice on a connection is
    /// prepared there, so PostgreSQL stops parsing and planning the sign-up page's lookups on every view.</item>
    /// <item><c>No Reset On Close=true</c>: no <c>DISCARD ALL</c> each time EF returns a connection to the pool (three per
    /// page view). Safe because no code keeps session state: advisory locks and the import's temporary table are
    /// transaction-scoped.</item>
    /// </list>
    /// Measured with <c>signup-load</c> (bench/README).
    /// </summary>
    public static string WithPoolDefaults(string connectionString)
    {
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        if (!given.ContainsKey("Max Auto Prepare") && !given.ContainsKey("MaxAutoPrepare"))
        {
            builder.MaxAutoPrepare = 64;
        }

        if (!given.ContainsKey("Auto Prepare Min Usages") && !given.ContainsKey("AutoPrepareMinUsages"))
        {
            builder.AutoPrepareMinUsages = 2;
        }

        if (!given.ContainsKey("No Reset On Close") && !given.ContainsKey("NoResetOnClose"))
        {
            builder.NoResetOnClose = true;
        }

        return builder.ConnectionString;
    }

    public static void ConfigureSqlite(DbContextOptionsBuilder options, string connectionString, string module)
    {
        options.UseSqlite(connectionString, sqlite => sqlite.MigrationsHistoryTable("__migrations_" + module));
        // The audit trail is mapped with its PostgreSQL schema in every context; SQLite has no schemas and ignores it.
        options.ConfigureWarnings(w => w.Ignore(SqliteEventId.SchemaConfiguredWarning));
    }

    /// <summary>The SQLite connection string: the configured one, or the file under the data directory.</summary>
    public static string SqliteConnectionString(string? configured, DataPaths paths)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured;
        }

        return new SqliteConnectionStringBuilder
        {
            DataSource = paths.SqliteFile,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            DefaultTimeout = 30,
            Pooling = true,
        }.ToString();
    }

    private static void AddDatabaseCore(IHostApplicationBuilder builder)
    {
        if (builder.Services.Any(d => d.ServiceType == typeof(DatabaseMigrator)))
        {
            return;
        }

        builder.Services.AddOptions<DatabaseOptions>()
            .BindConfiguration(DatabaseOptions.Section)
            .ValidateDataAnnotations()
            .Validate(
                o => o.Provider != DatabaseProvider.Postgres
                    || !string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString(ConnectionStringName)),
                "ConnectionStrings:Notices is required when Notices:Database:Provider is Postgres.")
            .ValidateOnStart();
        builder.Services.AddSingleton(DataPaths.From(builder.Configuration));
        builder.Services.AddSingleton<DatabaseMigrator>();
    }
}

/// <summary>Marks a module context so the migrator can find every one of them.</summary>
public sealed record ModuleContextRegistration(Type ContextType, string Module);
