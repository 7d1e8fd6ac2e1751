using Microsoft.Extensions.Configuration;

namespace Notices.Identity.Database;

/// <summary>
/// Where the service keeps its local state (<c>Notices:DataDirectory</c>, default <c>data/</c>):
/// the SQLite file and the file mailbox. Relative paths are resolved against the working directory.
/// </summary>
public sealed class DataPaths
{
    public const string Key = "Notices:DataDirectory";

    public DataPaths(string root)
    {
        Root = Path.GetFullPath(root);
    }

    public string Root { get; }

    public string SqliteFile => Path.Combine(Root, "notices.db");

    public string OutgoingMailbox => Path.Combine(Root, "mailbox", "outgoing");

    public string IncomingMailbox => Path.Combine(Root, "mailbox", "incoming");

    public static DataPaths From(IConfiguration configuration)
    {
        var configured = configuration[Key];
        return new DataPaths(string.IsNullOrWhiteSpace(configured) ? "data" : configured);
    }

    /// <summary>The data folder (owner-only when created here) and the mailbox folders, always owner-only: they hold live links.</summary>
    public void EnsureCreated()
    {
        PrivateFiles.EnsureDirectory(Root);
        PrivateFiles.CreateDirectory(Path.Combine(Root, "mailbox"));
        PrivateFiles.CreateDirectory(OutgoingMailbox);
        PrivateFiles.CreateDirectory(IncomingMailbox);
    }
}
