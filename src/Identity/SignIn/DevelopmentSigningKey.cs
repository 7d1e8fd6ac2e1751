using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;
using Notices.Identity.Database;

namespace Notices.Identity.SignIn;

/// <summary>
/// The development token key: 256 random bits in <c>{DataDirectory}/dev-signing.key</c> (mode 600), created on
/// first use. Registered only in Development without AzureAd, so no other environment can validate with it.
/// </summary>
internal sealed class DevelopmentSigningKey
{
    private const int KeyBytes = 32;
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode GroupOrOther =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    private readonly Lazy<SymmetricSecurityKey> _key;

    public DevelopmentSigningKey(DataPaths paths)
    {
        FilePath = Path.Combine(paths.Root, DevelopmentTokenOptions.KeyFileName);
        _key = new Lazy<SymmetricSecurityKey>(() => new SymmetricSecurityKey(LoadOrCreate(FilePath)) { KeyId = "notices-dev" });
    }

    public string FilePath { get; }

    public SymmetricSecurityKey Key => _key.Value;

    private static byte[] LoadOrCreate(string path)
    {
        if (!File.Exists(path))
        {
            Create(path);
        }

        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & GroupOrOther) != 0)
        {
            throw new InvalidOperationException($"The development signing key {path} must be readable only by its owner (chmod 600).");
        }

        byte[] key;
        try
        {
            key = Convert.FromBase64String(File.ReadAllText(path).Trim());
        }
        catch (FormatException)
        {
            throw new InvalidOperationException($"The development signing key {path} is not valid base64; delete it to create a new one.");
        }

        return key.Length == KeyBytes
            ? key
            : throw new InvalidOperationException($"The development signing key {path} must hold {KeyBytes} bytes; delete it to create a new one.");
    }

    /// <summary>Written to a private temporary file, then moved into place, so a concurrent reader never sees half a key.</summary>
    private static void Create(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        var fileOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            fileOptions.UnixCreateMode = OwnerOnly;
        }

        using (var stream = new FileStream(temporary, fileOptions))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(Convert.ToBase64String(RandomNumberGenerator.GetBytes(KeyBytes)));
        }

        try
        {
            File.Move(temporary, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process created it first; use theirs.
            File.Delete(temporary);
        }
    }
}
