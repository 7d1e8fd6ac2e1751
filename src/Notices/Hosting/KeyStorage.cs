using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;
using Notices.Data;

namespace Notices.Hosting;

/// <summary>
/// Data Protection keys (cookies, antiforgery) live in the database so every instance shares them. In production they
/// should also be encrypted at rest: set Notices:DataProtection:CertificatePath (a PFX) and CertificatePassword.
/// </summary>
internal static class KeyStorage
{
    public static WebApplicationBuilder AddSharedKeys(this WebApplicationBuilder builder)
    {
        var dataProtection = builder.Services.AddDataProtection()
            .SetApplicationName("Notices")
            .PersistKeysToDbContext<NoticesDbContext>();
        builder.Services.AddHostedService<KeyRingWarmUp>();

        var certificatePath = builder.Configuration["Notices:DataProtection:CertificatePath"];
        if (!string.IsNullOrWhiteSpace(certificatePath))
        {
            if (!File.Exists(certificatePath))
            {
                throw new InvalidOperationException(
                    $"Notices:DataProtection:CertificatePath: the certificate file '{certificatePath}' does not exist.");
            }

            var certificate = X509CertificateLoader.LoadPkcs12FromFile(
                certificatePath, builder.Configuration["Notices:DataProtection:CertificatePassword"]);
            dataProtection.ProtectKeysWithCertificate(certificate);
        }

        return builder;
    }
}
