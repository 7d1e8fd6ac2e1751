using System.ComponentModel.DataAnnotations;

namespace Notices.Signup.Inbound;

internal enum InboundMailSourceKind
{
    /// <summary>No mailbox is read (replies are not processed).</summary>
    None,

    /// <summary>A Microsoft 365 mailbox through Microsoft Graph (<c>Notices:Mail:Inbound:Graph</c>).</summary>
    Graph,
}

/// <summary><c>Notices:Mail:Inbound</c>: which mailbox replies are read from.</summary>
internal sealed class InboundMailOptions
{
    public const string Section = "Notices:Mail:Inbound";

    [EnumDataType(typeof(InboundMailSourceKind), ErrorMessage = "Notices:Mail:Inbound:Source must be None or Graph.")]
    public InboundMailSourceKind Source { get; set; } = InboundMailSourceKind.None;
}
