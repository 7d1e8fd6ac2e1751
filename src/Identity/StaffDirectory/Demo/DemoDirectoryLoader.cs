using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Notices.Identity.Database;
using Notices.Identity.StaffDirectory.Import;

namespace Notices.Identity.StaffDirectory.Demo;

/// <summary>
/// On a Development start with an empty directory, loads the demo directory through the importer.
/// Registered after the start-up migration (which the host inserts first), so the tables exist.
/// </summary>
internal sealed partial class DemoDirectoryLoader(
    IServiceScopeFactory scopes,
    IHostEnvironment environment,
    IOptions<DemoOptions> options,
    ILogger<DemoDirectoryLoader> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!environment.IsDevelopment() || !options.Value.Enabled)
        {
            return;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DirectoryDbContext>();
        if (await db.Employees.AnyAsync(cancellationToken))
        {
            return;
        }

        var outcome = await LoadAsync(scope.ServiceProvider, options.Value.Employees, options.Value.Seed, new ImportOptions(), null, cancellationToken);
        if (outcome.Accepted)
        {
            LogLoaded(logger, options.Value.Employees, options.Value.Seed);
        }
        else
        {
            LogRefused(logger, outcome.ProblemCount);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public static async Task<ImportOutcome> LoadAsync(IServiceProvider services, int employees, long seed, ImportOptions importOptions, IProgress<ImportProgress>? progress, CancellationToken cancellationToken)
    {
        var rows = DemoDirectoryGenerator.Generate(employees, seed);
        await using var csv = DemoDirectoryGenerator.ToCsvStream(rows);
        return await services.GetRequiredService<IDirectoryImporter>().ImportAsync(csv, importOptions, progress, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded the demo directory: {Employees} employees (seed {Seed})")]
    private static partial void LogLoaded(ILogger logger, int employees, long seed);

    // Problems quote field values (emails), so only their number is logged.
    [LoggerMessage(Level = LogLevel.Error, Message = "The demo directory was refused ({Count} problems); run `directory demo --dry-run` to see them")]
    private static partial void LogRefused(ILogger logger, int count);
}
