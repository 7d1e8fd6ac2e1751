using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Notices.Identity.Database;

/// <summary>Creates the database if needed and applies every module's migrations, in module order.</summary>
public sealed partial class DatabaseMigrator(
    IServiceScopeFactory scopes,
    IEnumerable<ModuleContextRegistration> modules,
    DataPaths paths,
    ILogger<DatabaseMigrator> logger)
{
    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        paths.EnsureCreated();
        await using var scope = scopes.CreateAsyncScope();
        foreach (var module in modules)
        {
            var context = (DbContext)scope.ServiceProvider.GetRequiredService(module.ContextType);
            if (context.Database.IsSqlite())
            {
                await EnableWriteAheadLogAsync(context, cancellationToken);
            }

            var pending = (await context.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
            if (pending.Count > 0)
            {
                LogApplying(logger, pending.Count, module.Module);
                await context.Database.MigrateAsync(cancellationToken);
            }
        }
    }

    /// <summary>WAL lets the web requests read while a send or an import writes.</summary>
    private static async Task EnableWriteAheadLogAsync(DbContext context, CancellationToken cancellationToken)
    {
        var connection = (SqliteConnection)context.Database.GetDbConnection();
        if (IsFile(connection.ConnectionString))
        {
            // Owner-only before SQLite first creates it: the database holds the staff directory and the key ring.
            PrivateFiles.PrepareSqliteFile(Path.GetFullPath(connection.DataSource));
        }

        await context.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
    }

    private static bool IsFile(string connectionString)
    {
        var settings = new SqliteConnectionStringBuilder(connectionString);
        return settings.Mode != SqliteOpenMode.Memory
            && !string.IsNullOrEmpty(settings.DataSource)
            && settings.DataSource != ":memory:"
            && !settings.DataSource.StartsWith("file:", StringComparison.OrdinalIgnoreCase);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Applying {Count} migration(s) to module {Module}")]
    private static partial void LogApplying(ILogger logger, int count, string module);
}
