using Microsoft.Extensions.Options;
using Notices.Identity.Database;

namespace Notices.Hosting;

/// <summary>Records whether the service has finished starting (migrated), for readiness.</summary>
internal sealed class StartupState
{
    private volatile bool _ready;

    public bool Ready => _ready;

    public void MarkReady() => _ready = true;
}

/// <summary>Migrates every module's tables before the service reports ready.</summary>
internal sealed class StartupMigration(
    DatabaseMigrator migrator,
    IOptions<DatabaseOptions> options,
    DataPaths paths,
    KeyRingAtRest keyRing,
    StartupState state) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        paths.EnsureCreated();
        if (options.Value.MigrateOnStart)
        {
            await migrator.MigrateAsync(cancellationToken);
        }

        // Before Data Protection's own start-up reads (or adds to) the key ring.
        await keyRing.CheckAsync(cancellationToken);

        state.MarkReady();
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
