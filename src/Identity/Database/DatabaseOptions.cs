using System.ComponentModel.DataAnnotations;

namespace Notices.Identity.Database;

/// <summary>Which database every module's tables live in (<c>Notices:Database</c>).</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Notices:Database";

    [EnumDataType(typeof(DatabaseProvider))]
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>Apply pending migrations when the service starts. Production deployments may prefer <c>db migrate</c>.</summary>
    public bool MigrateOnStart { get; set; } = true;
}

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}
