using System.ComponentModel.DataAnnotations;

namespace Notices.Identity.SignIn;

/// <summary>Development bearer tokens (<c>Notices:DevelopmentTokens</c>). Registered only in Development without AzureAd.</summary>
internal sealed class DevelopmentTokenOptions
{
    public const string Section = "Notices:DevelopmentTokens";

    public const string KeyFileName = "dev-signing.key";

    [Required(AllowEmptyStrings = false, ErrorMessage = "Notices:DevelopmentTokens:Issuer must not be empty.")]
    public string Issuer { get; set; } = "notices-dev";

    [Required(AllowEmptyStrings = false, ErrorMessage = "Notices:DevelopmentTokens:Audience must not be empty.")]
    public string Audience { get; set; } = "notices-dev";

    [Range(1, 7 * 24 * 60, ErrorMessage = "Notices:DevelopmentTokens:DefaultLifetimeMinutes must be between 1 and 10080.")]
    public int DefaultLifetimeMinutes { get; set; } = 60;

    [Range(1, 7 * 24 * 60, ErrorMessage = "Notices:DevelopmentTokens:MaximumLifetimeMinutes must be between 1 and 10080.")]
    public int MaximumLifetimeMinutes { get; set; } = 24 * 60;
}
