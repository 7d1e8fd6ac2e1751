using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Notices.Testing;

/// <summary>
/// Throwaway certificates for the Data Protection key ring, which must be encrypted at rest outside Development.
/// One per test process by default; <see cref="Create"/> for a test that needs its own (rotation, a wrong one).
/// </summary>
public static class TestCertificates
{
    public const string Password = "test-only-password";

    private static readonly Lazy<TestCertificate> Shared = new(() => Create("Notices test key ring"));

    /// <summary>The process-wide key ring certificate <see cref="NoticesAppFactory"/> configures outside Development.</summary>
    public static TestCertificate KeyRing => Shared.Value;

    /// <summary>A new self-signed RSA certificate with its private key, written as a password-protected .pfx.</summary>
    public static TestCertificate Create(string subject)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest($"CN={subject}", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        var directory = Path.Combine(Path.GetTempPath(), "notices-tests");
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "keyring-" + Guid.NewGuid().ToString("N") + ".pfx");
        var pfx = certificate.Export(X509ContentType.Pfx, Password);
        File.WriteAllBytes(path, pfx);
        return new TestCertificate(path, X509CertificateLoader.LoadPkcs12(pfx, Password, X509KeyStorageFlags.Exportable));
    }
}

/// <summary>A certificate and the .pfx file it was written to (password <see cref="TestCertificates.Password"/>).</summary>
public sealed record TestCertificate(string Path, X509Certificate2 Certificate)
{
    /// <summary>The settings that make it the key ring's certificate.</summary>
    public IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["Notices:DataProtection:CertificatePath"] = Path,
        ["Notices:DataProtection:CertificatePassword"] = TestCertificates.Password,
    };
}
