using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Notices.Data;

namespace Notices.Hosting;

/// <summary>
/// Data Protection keys (cookies, antiforgery, the notices' link keys) live in the database so every instance shares
/// them, encrypted at rest with a certificate so that a copy of the database alone cannot read them. Outside
/// Development the service does not start without that certificate, nor with a key stored unencrypted.
/// </summary>
internal static class KeyStorage
{
    public static WebApplicationBuilder AddSharedKeys(this WebApplicationBuilder builder)
    {
        var dataProtection = builder.Services.AddDataProtection()
            .SetApplicationName("Notices")
            .PersistKeysToDbContext<NoticesDbContext>();
        builder.Services.AddHostedService<KeyRingWarmUp>();

        // Loaded now: Data Protection takes decryption certificates only at registration. Problems are reported when
        // the service starts (ValidateOnStart), so CLI commands that never touch the key ring still run.
        var settings = builder.Configuration.GetSection(KeyProtectionOptions.Section).Get<KeyProtectionOptions>() ?? new KeyProtectionOptions();
        var certificates = KeyRingCertificates.Load(settings, builder.Environment.IsDevelopment());
        builder.Services.AddSingleton(certificates);
        builder.Services.AddOptions<KeyProtectionOptions>()
            .BindConfiguration(KeyProtectionOptions.Section)
            .Validate(_ => certificates.Problems.Count == 0, string.Join(" ", certificates.Problems))
            .ValidateOnStart();
        builder.Services.AddSingleton<KeyRingAtRest>();

        if (certificates.Current is { } current)
        {
            dataProtection.ProtectKeysWithCertificate(current);
        }

        if (certificates.Previous.Count > 0)
        {
            dataProtection.UnprotectKeysWithAnyCertificate([.. certificates.Previous]);
        }

        if (certificates.Problems.Count > 0)
        {
            // Any use of the key ring (a CLI command too) fails rather than write a key in the clear.
            builder.Services.AddOptions<KeyManagementOptions>().Configure(_ =>
                throw new OptionsValidationException(KeyProtectionOptions.Section, typeof(KeyProtectionOptions), certificates.Problems));
        }

        return builder;
    }
}

/// <summary><c>Notices:DataProtection</c>: the certificate that encrypts the Data Protection key ring at rest.</summary>
internal sealed class KeyProtectionOptions
{
    public const string Section = "Notices:DataProtection";

    /// <summary>A PKCS#12 (.pfx) file with the private key.</summary>
    public string? CertificatePath { get; set; }

    public string? CertificatePassword { get; set; }

    /// <summary>Instead of a file: the SHA-1 thumbprint of a certificate with its private key in the CurrentUser\My store (on Windows also LocalMachine\My).</summary>
    public string? CertificateThumbprint { get; set; }

    /// <summary>Certificates used before a rotation: never used to encrypt, still needed to read the keys they encrypted.</summary>
    public List<PreviousKeyCertificate> PreviousCertificates { get; set; } = [];
}

internal sealed class PreviousKeyCertificate
{
    public string? Path { get; set; }

    public string? Password { get; set; }

    public string? Thumbprint { get; set; }
}

/// <summary>The certificates of <see cref="KeyProtectionOptions"/>, loaded, and what was wrong with them.</summary>
internal sealed class KeyRingCertificates
{
    private const string Key = KeyProtectionOptions.Section;

    private KeyRingCertificates(X509Certificate2? current, IReadOnlyList<X509Certificate2> previous, IReadOnlyList<string> problems)
    {
        Current = current;
        Previous = previous;
        Problems = problems;
    }

    /// <summary>Encrypts new keys (and decrypts them).</summary>
    public X509Certificate2? Current { get; }

    public IReadOnlyList<X509Certificate2> Previous { get; }

    public IReadOnlyList<string> Problems { get; }

    public static KeyRingCertificates Load(KeyProtectionOptions options, bool development)
    {
        var problems = new List<string>();
        X509Certificate2? current = null;
        var hasPath = !string.IsNullOrWhiteSpace(options.CertificatePath);
        var hasThumbprint = !string.IsNullOrWhiteSpace(options.CertificateThumbprint);
        if (hasPath && hasThumbprint)
        {
            problems.Add($"Set either {Key}:CertificatePath or {Key}:CertificateThumbprint, not both.");
        }
        else if (hasPath || hasThumbprint)
        {
            current = hasPath
                ? FromFile(options.CertificatePath!, options.CertificatePassword, $"{Key}:CertificatePath", problems)
                : FromStore(options.CertificateThumbprint!, $"{Key}:CertificateThumbprint", problems);
        }
        else if (!development)
        {
            problems.Add(
                $"The Data Protection key ring must be encrypted at rest outside Development: set {Key}:CertificatePath (a .pfx with its " +
                $"private key, and {Key}:CertificatePassword) or {Key}:CertificateThumbprint (a certificate in the CurrentUser\\My store). " +
                "Without it a copy of the database can read every sign-up link. See docs/operations.md.");
        }

        var previous = new List<X509Certificate2>();
        for (var i = 0; i < options.PreviousCertificates.Count; i++)
        {
            var entry = options.PreviousCertificates[i];
            var key = $"{Key}:PreviousCertificates:{i}";
            var certificate = !string.IsNullOrWhiteSpace(entry.Path) == !string.IsNullOrWhiteSpace(entry.Thumbprint)
                ? Refuse($"Set either {key}:Path or {key}:Thumbprint.", problems)
                : !string.IsNullOrWhiteSpace(entry.Path)
                    ? FromFile(entry.Path, entry.Password, key + ":Path", problems)
                    : FromStore(entry.Thumbprint!, key + ":Thumbprint", problems);
            if (certificate is not null)
            {
                previous.Add(certificate);
            }
        }

        return new KeyRingCertificates(current, previous, problems);
    }

    private static X509Certificate2? FromFile(string path, string? password, string key, List<string> problems)
    {
        if (!File.Exists(path))
        {
            return Refuse($"{key}: the certificate file '{path}' does not exist.", problems);
        }

        try
        {
            var certificate = X509CertificateLoader.LoadPkcs12FromFile(path, password);
            return certificate.HasPrivateKey
                ? certificate
                : Refuse($"{key}: '{path}' holds no private key; Data Protection needs it to read the keys back.", problems);
        }
        catch (CryptographicException e)
        {
            return Refuse($"{key}: '{path}' could not be read as a PKCS#12 (.pfx) file with the configured password ({e.Message}).", problems);
        }
    }

    private static X509Certificate2? FromStore(string thumbprint, string key, List<string> problems)
    {
        var wanted = thumbprint.Replace(":", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal);
        StoreLocation[] locations = OperatingSystem.IsWindows() ? [StoreLocation.CurrentUser, StoreLocation.LocalMachine] : [StoreLocation.CurrentUser];
        foreach (var location in locations)
        {
            using var store = new X509Store(StoreName.My, location);
            try
            {
                store.Open(OpenFlags.ReadOnly | OpenFlags.OpenExistingOnly);
            }
            catch (CryptographicException)
            {
                continue; // no such store yet: nothing in it
            }

            var found = store.Certificates.Find(X509FindType.FindByThumbprint, wanted, validOnly: false);
            if (found.Count > 0)
            {
                var certificate = found[0];
                return certificate.HasPrivateKey
                    ? certificate
                    : Refuse($"{key}: the certificate {wanted} in {location}\\My has no private key.", problems);
            }
        }

        return Refuse($"{key}: no certificate with thumbprint {wanted} in {string.Join(" or ", locations.Select(l => l + "\\My"))}.", problems);
    }

    private static X509Certificate2? Refuse(string problem, List<string> problems)
    {
        problems.Add(problem);
        return null;
    }
}

/// <summary>
/// Finds keys stored unencrypted (created before the certificate was configured) and encrypts them in place with the
/// current certificate: what <c>Notices keys protect</c> runs. Outside Development the service refuses to start while
/// any remain.
/// </summary>
internal sealed class KeyRingAtRest(KeyRingCertificates certificates, IServiceScopeFactory scopes, ILoggerFactory loggers, IHostEnvironment environment)
{
    private static readonly XNamespace DataProtection = "http://schemas.asp.net/2015/03/dataProtection";
    private static readonly XName RequiresEncryption = DataProtection + "requiresEncryption";
    private static readonly XName EncryptedSecret = DataProtection + "encryptedSecret";

    /// <summary>Outside Development: refuses (throws) when any key in the database is stored in the clear.</summary>
    public async Task CheckAsync(CancellationToken cancellationToken)
    {
        if (environment.IsDevelopment())
        {
            return;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NoticesDbContext>();
        var keys = await db.DataProtectionKeys.AsNoTracking().Select(k => k.Xml).ToListAsync(cancellationToken);
        var unencrypted = keys.Count(xml => Unencrypted(XElement.Parse(xml!)).Count > 0);
        if (unencrypted > 0)
        {
            throw new InvalidOperationException(
                $"{KeyProtectionOptions.Section}: the Data Protection key ring holds {unencrypted} key(s) stored unencrypted " +
                "(created before a certificate was configured). Run `Notices keys protect` with the certificate configured to encrypt them, then start again.");
        }
    }

    /// <summary>Encrypts every key stored in the clear with the current certificate; returns how many.</summary>
    public async Task<int> ProtectAsync(CancellationToken cancellationToken)
    {
        var certificate = certificates.Current ?? throw new InvalidOperationException(
            $"Set {KeyProtectionOptions.Section}:CertificatePath or {KeyProtectionOptions.Section}:CertificateThumbprint first: keys are encrypted with that certificate.");
        var encryptor = new CertificateXmlEncryptor(certificate, loggers);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NoticesDbContext>();
        var protectedKeys = 0;
        foreach (var row in await db.DataProtectionKeys.ToListAsync(cancellationToken))
        {
            var element = XElement.Parse(row.Xml!);
            var plain = Unencrypted(element);
            if (plain.Count == 0)
            {
                continue;
            }

            // As Data Protection itself stores an encrypted secret: the element replaced by <encryptedSecret decryptorType=...>.
            foreach (var secret in plain)
            {
                var encrypted = encryptor.Encrypt(new XElement(secret));
                secret.ReplaceWith(new XElement(EncryptedSecret,
                    new XAttribute("decryptorType", encrypted.DecryptorType.AssemblyQualifiedName!),
                    encrypted.EncryptedElement));
            }

            row.Xml = element.ToString(SaveOptions.DisableFormatting);
            protectedKeys++;
        }

        await db.SaveChangesAsync(cancellationToken);
        return protectedKeys;
    }

    /// <summary>The outermost elements marked requiresEncryption="true" (a key's master key, in the clear).</summary>
    private static List<XElement> Unencrypted(XElement key) =>
        [.. key.DescendantsAndSelf().Where(e => (bool?)e.Attribute(RequiresEncryption) == true && !e.Ancestors().Any(a => (bool?)a.Attribute(RequiresEncryption) == true))];
}
