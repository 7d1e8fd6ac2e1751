using System.Text;
using System.Text.RegularExpressions;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using MimeKit;

namespace Notices.Signup.Replies;

/// <summary>The text a reply was written in, or why it cannot be read.</summary>
internal readonly record struct ReplyBodyResult(string? Text, string? Problem)
{
    public static ReplyBodyResult Of(string text) => new(text, null);

    public static ReplyBodyResult Fail(string problem) => new(null, problem);
}

/// <summary>
/// The reply's own text: the first text/plain body part, or else the HTML body with the quoted parts mail clients
/// mark up removed (Outlook's <c>divRplyFwdMsg</c> and what follows it, Gmail's <c>gmail_quote</c>, Apple Mail's and
/// Thunderbird's <c>blockquote type="cite"</c>, Yahoo's <c>yahoo_quoted</c>) and converted to text. Attachments are
/// never read. A part in an unknown charset is a problem, not a guess.
/// </summary>
internal static partial class ReplyBody
{
    static ReplyBody() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>Selectors of quoted content that is removed with the element.</summary>
    private const string QuotedElements =
        ".gmail_quote, .gmail_quote_container, blockquote[type=cite], .moz-cite-prefix, .yahoo_quoted, #mail-editor-reference-message-container, .OutlookMessageHeader";

    /// <summary>Selectors after which everything is the quoted message (Outlook on the web and new Outlook).</summary>
    private const string QuoteStarts = "#divRplyFwdMsg, #appendonsend, hr#stopSpelling";

    private static readonly HashSet<string> Skipped = new(StringComparer.OrdinalIgnoreCase) { "head", "style", "script", "title", "template", "noscript" };

    private static readonly HashSet<string> Blocks = new(StringComparer.OrdinalIgnoreCase)
    {
        "p", "div", "tr", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table", "pre", "hr", "section", "article", "header", "footer", "address", "dl", "dt", "dd",
    };

    public static ReplyBodyResult Read(MimeMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        TextPart? plain = null;
        TextPart? html = null;
        foreach (var part in message.BodyParts)
        {
            if (part is not TextPart text || text.IsAttachment)
            {
                continue;
            }

            if (plain is null && text.IsPlain)
            {
                plain = text;
            }
            else if (html is null && text.IsHtml)
            {
                html = text;
            }
        }

        var chosen = plain ?? html;
        if (chosen is null)
        {
            return ReplyBodyResult.Fail("no text or HTML body");
        }

        var charset = chosen.ContentType.Charset;
        if (charset is not null && !KnownCharset(charset))
        {
            return ReplyBodyResult.Fail("unknown charset");
        }

        string decoded;
        try
        {
            decoded = chosen.Text;
        }
        catch (Exception exception) when (exception is ArgumentException or NotSupportedException or DecoderFallbackException or FormatException)
        {
            return ReplyBodyResult.Fail("body cannot be decoded");
        }

        return ReplyBodyResult.Of(chosen == plain ? decoded : HtmlToText(decoded));
    }

    /// <summary>The HTML's text without the parts mail clients mark as quoted.</summary>
    public static string HtmlToText(string html)
    {
        var document = new HtmlParser().ParseDocument(html);
        foreach (var start in document.QuerySelectorAll(QuoteStarts).ToList())
        {
            RemoveWithFollowing(start);
        }

        foreach (var quoted in document.QuerySelectorAll(QuotedElements).ToList())
        {
            quoted.Remove();
        }

        var text = new StringBuilder();
        Append(document.Body ?? (INode)document.DocumentElement, text, preformatted: false);
        var lines = text.ToString().Split('\n').Select(l => l.TrimEnd());
        return BlankRuns().Replace(string.Join('\n', lines), "\n\n").Trim();
    }

    private static bool KnownCharset(string charset)
    {
        try
        {
            return Encoding.GetEncoding(charset.Trim().Trim('"')) is not null;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>Removes the element and every later sibling of it and of its ancestors up to the body.</summary>
    private static void RemoveWithFollowing(IElement start)
    {
        INode node = start;
        while (node.Parent is { } parent)
        {
            while (node.NextSibling is { } next)
            {
                next.RemoveFromParent();
            }

            if (parent is IDocument or IElement { LocalName: "body" })
            {
                break;
            }

            node = parent;
        }

        start.RemoveFromParent();
    }

    private static void Append(INode node, StringBuilder text, bool preformatted)
    {
        switch (node)
        {
            case IText t:
                var value = t.Data.Replace('\u00A0', ' ');
                text.Append(preformatted ? value : Spaces().Replace(value, " "));
                return;
            case IElement element when Skipped.Contains(element.LocalName):
                return;
            case IElement { LocalName: "br" }:
                text.Append('\n');
                return;
            case IElement element:
                var block = Blocks.Contains(element.LocalName);
                if (block)
                {
                    NewLine(text);
                }

                var pre = preformatted || element.LocalName == "pre";
                foreach (var child in element.ChildNodes)
                {
                    Append(child, text, pre);
                }

                if (block)
                {
                    NewLine(text);
                }

                return;
            default:
                foreach (var child in node.ChildNodes)
                {
                    Append(child, text, preformatted);
                }

                return;
        }
    }

    private static void NewLine(StringBuilder text)
    {
        if (text.Length > 0 && text[^1] != '\n')
        {
            text.Append('\n');
        }
    }

    [GeneratedRegex(@"[ \t\r\n\f]+")]
    private static partial Regex Spaces();

    [GeneratedRegex(@"\n{3,}")]
    private static partial Regex BlankRuns();
}
