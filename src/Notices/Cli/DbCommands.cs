using System.CommandLine;
using Notices.Identity.Database;

namespace Notices.Cli;

internal static class DbCommands
{
    public static Command Create()
    {
        var migrate = new Command("migrate", "Create the database if needed and apply every module's migrations.");
        migrate.SetAction(async (_, cancellationToken) =>
        {
            await using var host = CommandLine.BuildHost();
            await host.Services.GetRequiredService<DatabaseMigrator>().MigrateAsync(cancellationToken);
            Console.Error.WriteLine("Database is up to date.");
            return 0;
        });

        return new Command("db", "Database maintenance.") { migrate };
    }
}
