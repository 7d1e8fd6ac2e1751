using System.CommandLine;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Notices.Cli;
using Notices.Data;
using Notices.Delivery.Outbox;
using Notices.Hosting;
using Notices.Identity.Database;
using Notices.Testing;

namespace Notices.Tests;

/// <summary>
/// The Data Protection key ring (which protects every notice's link key) is stored in the database: outside
/// Development it must be encrypted with a certificate, so that a copy of the database alone yields no sign-up link.
/// </summary>
public sealed class KeyRingTests
{
    [Theory]
    [InlineData("Production")]
    [InlineData("Staging")]
    public async Task Outside_development_the_service_refuses_to_start_without_a_key_ring_certificate_naming_the_setting(string environment)
    {
        await using var authority = await FakeEntraAuthority.StartAsync();
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var app = new NoticesAppFactory(database, With(authority.Settings, ("Notices:DataProtection:CertificatePath", "")), environment);

        var error = await app.StartupErrorAsync();

        Assert.NotNull(error);
        Assert.Contains("Notices:DataProtection:CertificatePath", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("Notices:DataProtection:CertificateThumbprint", error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("missing-file", "Notices:DataProtection:CertificatePath")]
    [InlineData("wrong-password", "Notices:DataProtection:CertificatePath")]
    [InlineData("unknown-thumbprint", "Notices:DataProtection:CertificateThumbprint")]
    [InlineData("path-and-thumbprint", "not both")]
    public async Task A_key_ring_certificate_that_cannot_be_used_stops_the_service_naming_the_setting(string problem, string named)
    {
        await using var authority = await FakeEntraAuthority.StartAsync();
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var certificate = TestCertificates.KeyRing;
        var settings = problem switch
        {
            "missing-file" => With(authority.Settings, ("Notices:DataProtection:CertificatePath", Path.Combine(database.DataDirectory, "none.pfx"))),
            "wrong-password" => With(authority.Settings, ("Notices:DataProtection:CertificatePath", certificate.Path), ("Notices:DataProtection:CertificatePassword", "wrong")),
            "unknown-thumbprint" => With(authority.Settings, ("Notices:DataProtection:CertificateThumbprint", new string('A', 40))),
            _ => With(authority.Settings, ("Notices:DataProtection:CertificatePath", certificate.Path), ("Notices:DataProtection:CertificateThumbprint", certificate.Certificate.Thumbprint)),
        };
        await using var app = new NoticesAppFactory(database, settings, "Production");

        var error = await app.StartupErrorAsync();

        Assert.NotNull(error);
        Assert.Contains(named, error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task A_copy_of_the_database_without_the_certificate_cannot_read_a_notices_link_key(DatabaseProvider provider)
    {
        await using var authority = await FakeEntraAuthority.StartAsync();
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new NoticesAppFactory(database, authority.Settings, "Production", authority.ConfigureServices);
        var (key, protectedKey) = app.Services.GetRequiredService<NoticeLinks>().NewKey();

        var ring = await KeyRingAsync(app);

        Assert.NotEmpty(ring);
        Assert.All(ring, xml => Assert.Contains("encryptedSecret", xml, StringComparison.Ordinal));
        Assert.All(ring, xml => Assert.DoesNotContain("requiresEncryption", xml, StringComparison.Ordinal));
        Assert.ThrowsAny<CryptographicException>(() => LinksFrom(app, ring).Unprotect(protectedKey));
        Assert.Equal(key, LinksFrom(app, ring, TestCertificates.KeyRing.Certificate).Unprotect(protectedKey));
    }

    [Fact]
    public async Task A_certificate_from_the_store_named_by_its_thumbprint_protects_the_key_ring()
    {
        var certificate = TestCertificates.Create("Notices store test").Certificate;
        using (var store = new X509Store(StoreName.My, StoreLocation.CurrentUser))
        {
            store.Open(OpenFlags.ReadWrite);
            store.Add(certificate);
        }

        try
        {
            await using var authority = await FakeEntraAuthority.StartAsync();
            await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
            await using var app = new NoticesAppFactory(
                database, With(authority.Settings, ("Notices:DataProtection:CertificateThumbprint", certificate.Thumbprint)), "Production", authority.ConfigureServices);
            var (key, protectedKey) = app.Services.GetRequiredService<NoticeLinks>().NewKey();

            var ring = await KeyRingAsync(app);

            // (On this machine the store itself supplies the certificate to any reader, so no "without" case here.)
            Assert.All(ring, xml => Assert.Contains("encryptedSecret", xml, StringComparison.Ordinal));
            Assert.All(ring, xml => Assert.DoesNotContain("requiresEncryption", xml, StringComparison.Ordinal));
            Assert.Equal(key, LinksFrom(app, ring, certificate).Unprotect(protectedKey));
        }
        finally
        {
            using var store = new X509Store(StoreName.My, StoreLocation.CurrentUser);
            store.Open(OpenFlags.ReadWrite);
            store.Remove(certificate);
        }
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Keys_stored_unencrypted_stop_the_service_until_keys_protect_encrypts_them(DatabaseProvider provider)
    {
        await using var authority = await FakeEntraAuthority.StartAsync();
        await using var database = await TestDatabase.CreateAsync(provider);
        string protectedKey;
        byte[] key;
        await using (var before = new NoticesAppFactory(database))
        {
            (key, protectedKey) = before.Services.GetRequiredService<NoticeLinks>().NewKey();
        }

        await using (var refused = new NoticesAppFactory(database, authority.Settings, "Production"))
        {
            var error = await refused.StartupErrorAsync();
            Assert.NotNull(error);
            Assert.Contains("stored unencrypted", error.ToString(), StringComparison.Ordinal);
            Assert.Contains("Notices keys protect", error.ToString(), StringComparison.Ordinal);
        }

        var withoutCertificate = await RunKeysProtectAsync(database, new Dictionary<string, string>());
        var protect = await RunKeysProtectAsync(database, TestCertificates.KeyRing.Settings);

        Assert.Equal(1, withoutCertificate.Exit);
        Assert.Contains("Notices:DataProtection:CertificatePath", withoutCertificate.Error, StringComparison.Ordinal);
        Assert.Equal(0, protect.Exit);
        Assert.Equal("encrypted 1 key(s)", protect.Output.Trim());
        await using var app = new NoticesAppFactory(database, authority.Settings, "Production", authority.ConfigureServices);
        Assert.Equal(key, app.Services.GetRequiredService<NoticeLinks>().Unprotect(protectedKey));
        var ring = await KeyRingAsync(app);
        Assert.All(ring, xml => Assert.DoesNotContain("requiresEncryption", xml, StringComparison.Ordinal));
        Assert.ThrowsAny<CryptographicException>(() => LinksFrom(app, ring).Unprotect(protectedKey));
    }

    [Fact]
    public async Task After_a_certificate_rotation_keys_the_previous_certificate_encrypted_are_read_while_it_is_listed()
    {
        await using var authority = await FakeEntraAuthority.StartAsync();
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var old = TestCertificates.Create("Notices old key ring");
        var current = TestCertificates.Create("Notices new key ring");
        string protectedKey;
        byte[] key;
        await using (var before = new NoticesAppFactory(database, With(authority.Settings, [.. old.Settings.Select(s => (s.Key, s.Value))]), "Production", authority.ConfigureServices))
        {
            (key, protectedKey) = before.Services.GetRequiredService<NoticeLinks>().NewKey();
        }

        var rotated = With(authority.Settings, [
            .. current.Settings.Select(s => (s.Key, s.Value)),
            ("Notices:DataProtection:PreviousCertificates:0:Path", old.Path),
            ("Notices:DataProtection:PreviousCertificates:0:Password", TestCertificates.Password)]);
        await using var after = new NoticesAppFactory(database, rotated, "Production", authority.ConfigureServices);
        var ring = await KeyRingAsync(after);

        Assert.Equal(key, after.Services.GetRequiredService<NoticeLinks>().Unprotect(protectedKey));
        Assert.ThrowsAny<CryptographicException>(() => LinksFrom(after, ring, current.Certificate).Unprotect(protectedKey));
    }

    private static Dictionary<string, string> With(IReadOnlyDictionary<string, string> settings, params (string Key, string Value)[] more)
    {
        var all = new Dictionary<string, string>(settings);
        foreach (var (key, value) in more)
        {
            all[key] = value;
        }

        return all;
    }

    private static async Task<List<string>> KeyRingAsync(NoticesAppFactory app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NoticesDbContext>();
        return await db.DataProtectionKeys.AsNoTracking().Select(k => k.Xml!).ToListAsync();
    }

    /// <summary>Someone holding a copy of the key ring's rows, and maybe a certificate, reading link keys.</summary>
    private static NoticeLinks LinksFrom(NoticesAppFactory app, IReadOnlyList<string> ring, X509Certificate2? certificate = null)
    {
        var directory = Directory.CreateTempSubdirectory("notices-ring-copy-");
        for (var i = 0; i < ring.Count; i++)
        {
            File.WriteAllText(Path.Combine(directory.FullName, $"key-{i}.xml"), ring[i]);
        }

        var services = new ServiceCollection().AddLogging();
        var dataProtection = services.AddDataProtection().SetApplicationName("Notices").PersistKeysToFileSystem(directory).DisableAutomaticKeyGeneration();
        if (certificate is not null)
        {
            dataProtection.UnprotectKeysWithAnyCertificate(certificate);
        }

        var provider = services.BuildServiceProvider().GetRequiredService<IDataProtectionProvider>();
        return new NoticeLinks(provider, app.Services.GetRequiredService<LinkBuilder>());
    }

    private static async Task<(int Exit, string Output, string Error)> RunKeysProtectAsync(TestDatabase database, IReadOnlyDictionary<string, string> settings)
    {
        string[] hostArgs =
        [
            "--environment", "Production",
            .. database.Settings.Select(s => $"--{s.Key}={s.Value}"),
            .. settings.Select(s => $"--{s.Key}={s.Value}"),
            "--Logging:LogLevel:Default=Warning",
        ];
        var root = new RootCommand { KeysCommands.Create(() => NoticesApp.CreateBuilder(hostArgs).Build()) };
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await root.Parse(["keys", "protect"]).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }
}
