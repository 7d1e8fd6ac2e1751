using Npgsql;
using Notices.Identity.Database;

namespace Notices.Testing;

/// <summary>
/// A database of its own for one test class: a SQLite file in a fresh data directory, or a fresh PostgreSQL
/// database on the server named by NOTICES_TEST_POSTGRES (test.sh starts one on loopback and sets it).
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    public const string PostgresVariable = "NOTICES_TEST_POSTGRES";

    private readonly string? _adminConnectionString;
    private readonly string? _databaseName;

    private TestDatabase(DatabaseProvider provider, string dataDirectory, string connectionString, string? adminConnectionString, string? databaseName)
    {
        Provider = provider;
        DataDirectory = dataDirectory;
        ConnectionString = connectionString;
        _adminConnectionString = adminConnectionString;
        _databaseName = databaseName;
    }

    public DatabaseProvider Provider { get; }

    /// <summary>A fresh Notices:DataDirectory (file mailbox, keys), removed on dispose.</summary>
    public string DataDirectory { get; }

    public string ConnectionString { get; }

    /// <summary>The settings that point the service at this database and data directory.</summary>
    public IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["Notices:Database:Provider"] = Provider.ToString(),
        ["ConnectionStrings:Notices"] = ConnectionString,
        ["Notices:DataDirectory"] = DataDirectory,
    };

    public static async Task<TestDatabase> CreateAsync(DatabaseProvider provider)
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "notices-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataDirectory);
        if (provider == DatabaseProvider.Sqlite)
        {
            var file = Path.Combine(dataDirectory, "notices.db");
            return new TestDatabase(provider, dataDirectory, $"Data Source={file};Pooling=False;Default Timeout=30", null, null);
        }

        var admin = Environment.GetEnvironmentVariable(PostgresVariable);
        if (string.IsNullOrWhiteSpace(admin))
        {
            throw new InvalidOperationException(
                $"PostgreSQL tests need {PostgresVariable} (an admin connection string). Run ./test.sh, which starts PostgreSQL on loopback and sets it.");
        }

        var name = "notices_t_" + Guid.NewGuid().ToString("N")[..16];
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync();
        }

        var builder = new NpgsqlConnectionStringBuilder(admin) { Database = name };
        return new TestDatabase(provider, dataDirectory, builder.ConnectionString, admin, name);
    }

    public async ValueTask DisposeAsync()
    {
        if (_adminConnectionString is not null && _databaseName is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(_adminConnectionString);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_databaseName}\" WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }

        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a finishing host; the temp folder is cleaned by the OS.
        }
    }
}
