using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Notices.Signup.Inbound.Graph;

/// <summary><c>Notices:Mail:Inbound:Graph</c>: the approvals mailbox read through Graph (<c>Notices:Mail:Inbound:Source = Graph</c>).</summary>
internal sealed class GraphInboundOptions
{
    public const string Section = "Notices:Mail:Inbound:Graph";

    /// <summary>The mailbox replies arrive in: a user principal name or object id.</summary>
    public string? Mailbox { get; set; }

    /// <summary>Top-level folder processed messages are moved to (created if missing).</summary>
    [Required(ErrorMessage = "Notices:Mail:Inbound:Graph:ProcessedFolder is required.")]
    [StringLength(200, MinimumLength = 1, ErrorMessage = "Notices:Mail:Inbound:Graph:ProcessedFolder must be 1 to 200 characters.")]
    public string ProcessedFolder { get; set; } = "Notices processed";

    /// <summary>Top-level folder malformed or oversized messages are moved to, for a person to look at (created if missing).</summary>
    [Required(ErrorMessage = "Notices:Mail:Inbound:Graph:SetAsideFolder is required.")]
    [StringLength(200, MinimumLength = 1, ErrorMessage = "Notices:Mail:Inbound:Graph:SetAsideFolder must be 1 to 200 characters.")]
    public string SetAsideFolder { get; set; } = "Notices set aside";

    [Range(5, 3600, ErrorMessage = "Notices:Mail:Inbound:Graph:PollIntervalSeconds must be between 5 and 3600.")]
    public int PollIntervalSeconds { get; set; } = 60;

    /// <summary>Larger messages are set aside unread (replies are small; attachments are not wanted).</summary>
    [Range(1024, 150 * 1024 * 1024, ErrorMessage = "Notices:Mail:Inbound:Graph:MaxMessageBytes must be between 1024 and 157286400.")]
    public int MaxMessageBytes { get; set; } = 2 * 1024 * 1024;
}

internal sealed class GraphInboundOptionsValidator(IOptions<InboundMailOptions> inbound) : IValidateOptions<GraphInboundOptions>
{
    public ValidateOptionsResult Validate(string? name, GraphInboundOptions options)
    {
        if (inbound.Value.Source == InboundMailSourceKind.Graph && string.IsNullOrWhiteSpace(options.Mailbox))
        {
            return ValidateOptionsResult.Fail("Notices:Mail:Inbound:Graph:Mailbox is required when Notices:Mail:Inbound:Source is Graph, e.g. \"approvals@agency.example\".");
        }

        if (string.Equals(options.ProcessedFolder, options.SetAsideFolder, StringComparison.OrdinalIgnoreCase))
        {
            return ValidateOptionsResult.Fail("Notices:Mail:Inbound:Graph:ProcessedFolder and SetAsideFolder must differ.");
        }

        return ValidateOptionsResult.Success;
    }
}
