using System.ComponentModel.DataAnnotations;

namespace Notices.Identity.SignIn;

/// <summary>
/// The few <c>AzureAd</c> keys Notices checks at start; Microsoft.Identity.Web reads the whole section itself.
/// </summary>
internal sealed class EntraIdOptions
{
    public const string Section = "AzureAd";

    [Required(AllowEmptyStrings = false, ErrorMessage = "AzureAd:Instance is required (e.g. https://login.microsoftonline.com/).")]
    public string? Instance { get; set; }

    [Required(AllowEmptyStrings = false, ErrorMessage = "AzureAd:TenantId is required.")]
    public string? TenantId { get; set; }

    [Required(AllowEmptyStrings = false, ErrorMessage = "AzureAd:ClientId is required.")]
    public string? ClientId { get; set; }
}
