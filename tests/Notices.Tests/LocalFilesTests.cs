using System.Runtime.Versioning;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Notices.Identity.Database;
using Notices.Mail;
using Notices.Templates.Emails;
using Notices.Testing;

namespace Notices.Tests;

/// <summary>
/// What the service keeps on local disk holds live sign-up links and personal data: the file mailbox and the SQLite
/// database. Only the service's own user may read it, and the file mailbox is not a production transport.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class LocalFilesTests
{
    private const UnixFileMode OwnerOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode WorldReadableFile = OwnerOnlyFile | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    [Theory]
    [InlineData("Production")]
    [InlineData("Staging")]
    public async Task Outside_development_the_file_mailbox_stops_the_service_unless_explicitly_allowed(string environment)
    {
        await using var authority = await FakeEntraAuthority.StartAsync();
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var refused = new Dictionary<string, string>(authority.Settings) { ["Notices:Mail:AllowFileTransportOutsideDevelopment"] = "false" };
        var allowed = new Dictionary<string, string>(authority.Settings) { ["Notices:Mail:AllowFileTransportOutsideDevelopment"] = "true" };
        await using var refusedApp = new NoticesAppFactory(database, refused, environment);
        await using var allowedApp = new NoticesAppFactory(database, allowed, environment);

        var error = await refusedApp.StartupErrorAsync();
        var none = await allowedApp.StartupErrorAsync();

        Assert.NotNull(error);
        Assert.Contains("Notices:Mail:Transport", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("Notices:Mail:AllowFileTransportOutsideDevelopment=true", error.ToString(), StringComparison.Ordinal);
        Assert.Null(none);
    }

    [Fact]
    public async Task The_file_mailbox_keeps_its_folders_and_messages_readable_only_by_the_service()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        // A folder left world-readable by an earlier version is narrowed too.
        var outgoing = Path.Combine(database.DataDirectory, "mailbox", "outgoing");
        Directory.CreateDirectory(outgoing);
        File.SetUnixFileMode(outgoing, OwnerOnlyFolder | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        await using var app = new NoticesAppFactory(database);
        var links = app.Services.GetRequiredService<Notices.Hosting.LinkBuilder>();

        var sent = await app.QueueAndDeliverAsync(new TestEmailModel(DateTimeOffset.UtcNow, "File", "test", links.Home), "jo@agency.example");

        Assert.Equal("sent", sent.State);
        Assert.Equal(OwnerOnlyFolder, File.GetUnixFileMode(Path.Combine(database.DataDirectory, "mailbox")));
        Assert.Equal(OwnerOnlyFolder, File.GetUnixFileMode(outgoing));
        Assert.Equal(OwnerOnlyFolder, File.GetUnixFileMode(Path.Combine(database.DataDirectory, "mailbox", "incoming")));
        var message = Assert.Single(Directory.GetFiles(outgoing, "*.eml"));
        Assert.Equal(OwnerOnlyFile, File.GetUnixFileMode(message));
    }

    [Fact]
    public async Task The_sqlite_database_and_its_wal_and_shared_memory_files_are_readable_only_by_the_service()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var file = Path.Combine(database.DataDirectory, "notices.db");
        await using (var first = new NoticesAppFactory(database))
        {
            await first.SeedEmployeesAsync(new TestEmployee("E1", "Ann Example", "ann@agency.example"));
            AssertOwnerOnlyWhileOpen(file);
        }

        // A database an earlier version left world-readable is narrowed at the next start.
        File.SetUnixFileMode(file, WorldReadableFile);
        await using var second = new NoticesAppFactory(database);
        await second.SeedEmployeesAsync(new TestEmployee("E2", "Bo Example", "bo@agency.example"));
        AssertOwnerOnlyWhileOpen(file);
    }

    /// <summary>With a connection open, so the -wal and -shm files exist (SQLite removes them when the last one closes).</summary>
    private static void AssertOwnerOnlyWhileOpen(string databaseFile)
    {
        using var connection = new SqliteConnection($"Data Source={databaseFile};Pooling=False");
        connection.Open();
        using var read = connection.CreateCommand();
        read.CommandText = "PRAGMA journal_mode; SELECT count(*) FROM sqlite_master;";
        Assert.Equal("wal", read.ExecuteScalar());

        string[] files = [databaseFile, databaseFile + "-wal", databaseFile + "-shm"];
        Assert.All(files, path => Assert.Equal((path, OwnerOnlyFile), (path, File.GetUnixFileMode(path))));
    }
}
