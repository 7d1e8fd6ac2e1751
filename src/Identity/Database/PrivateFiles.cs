namespace Notices.Identity.Database;

/// <summary>
/// Owner-only folders and files (0700/0600 on Linux) for local state that holds personal data or live links: the
/// SQLite database with its WAL and shared-memory files, and the file mailbox. On Windows the folder's ACL applies.
/// </summary>
public static class PrivateFiles
{
    public const UnixFileMode OwnerOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    public const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Creates the folder (and missing parents) owner-only, and narrows it to owner-only if it existed.</summary>
    public static void CreateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }

        Directory.CreateDirectory(path, OwnerOnlyFolder);
        File.SetUnixFileMode(path, OwnerOnlyFolder);
    }

    /// <summary>Creates the folder owner-only if it is missing; an existing folder (one an operator made) is left as it is.</summary>
    public static void EnsureDirectory(string path)
    {
        if (Directory.Exists(path))
        {
            return;
        }

        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, OwnerOnlyFolder);
        }
    }

    /// <summary>Options for a new file that only its owner can read (mode 0600 regardless of the umask).</summary>
    public static FileStreamOptions NewFile(int bufferSize = 4096, bool useAsync = false)
    {
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
            BufferSize = bufferSize,
            Options = useAsync ? FileOptions.Asynchronous : FileOptions.None,
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnlyFile;
        }

        return options;
    }

    /// <summary>
    /// Before SQLite first opens <paramref name="databaseFile"/>: creates it empty and owner-only if missing (SQLite
    /// takes an empty file as a new database, and gives its -wal, -shm and -journal files the database file's mode),
    /// or narrows an existing one, and any companion files left from an earlier run, to owner-only.
    /// </summary>
    public static void PrepareSqliteFile(string databaseFile)
    {
        var folder = Path.GetDirectoryName(databaseFile);
        if (!string.IsNullOrEmpty(folder))
        {
            EnsureDirectory(folder);
        }

        if (!File.Exists(databaseFile))
        {
            try
            {
                using var created = new FileStream(databaseFile, NewFile());
            }
            catch (IOException) when (File.Exists(databaseFile))
            {
                // Another process created it first.
            }
        }

        if (OperatingSystem.IsWindows())
        {
            return;
        }

        foreach (var path in new[] { databaseFile, databaseFile + "-wal", databaseFile + "-shm", databaseFile + "-journal" })
        {
            if (File.Exists(path) && File.GetUnixFileMode(path) != OwnerOnlyFile)
            {
                File.SetUnixFileMode(path, OwnerOnlyFile);
            }
        }
    }
}
