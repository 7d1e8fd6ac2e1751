using System.Globalization;
using AngleSharp.Dom;
using Ganss.Xss;
using Markdig;
using Markdig.Extensions.EmphasisExtras;
using Notices.Mail.Rendering;

namespace Notices.Content;

/// <summary>
/// The one place a notice's authored Markdown becomes safe HTML (for the page and the email) and plain text (for
/// the email's text part). Render once per notice, not per recipient.
/// </summary>
/// <remarks>
/// <para>
/// Leadership may paste HTML, so raw HTML in the Markdown is allowed rather than shown as literal tags — and
/// everything Markdig emits, its own output included, then goes through an explicit HtmlSanitizer allow-list.
/// Nothing Markdig produces is trusted on its own.
/// </para>
/// <para>
/// Allowed: h2–h4 (h1 becomes h2 so the page keeps its one h1; h5/h6 become h4), p, br, hr, ul/ol/li,
/// strong/em (b/i become strong/em), del, blockquote, code, pre, table/thead/tbody/tr/th/td (th keeps a valid
/// scope; header cells get scope="col"), and a with an absolute http/https/mailto href, which gets
/// rel="noopener noreferrer" and no target. No attribute survives anywhere else: no class, id, style, on*.
/// Elements that are not allowed are unwrapped (their text stays), except the ones whose content is code or
/// markup — script, style, iframe, svg, math, form controls… — which go with everything inside them.
/// No img: a notice carries no remote image, hence no tracking.
/// </para>
/// </remarks>
internal sealed class NoticeBody
{
    /// <summary>Longer Markdown is refused: a notice is a page, not a book, and parsing cost grows with size.</summary>
    public const int MaxMarkdownLength = 100_000;

    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .UsePipeTables()
        .UseEmphasisExtras(EmphasisExtraOptions.Strikethrough)
        .UseAutoLinks()
        .UseListExtras()
        .Build();

    private static readonly HashSet<string> DroppedWithContent = new(StringComparer.OrdinalIgnoreCase)
    {
        "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "svg", "math", "form", "input",
        "button", "select", "option", "textarea", "template", "noscript", "noembed", "noframes", "xmp", "plaintext",
        "title", "head", "meta", "link", "base", "img", "picture", "video", "audio", "source", "track", "canvas", "map",
    };

    private static readonly HashSet<string> Schemes = new(StringComparer.OrdinalIgnoreCase) { "http", "https", "mailto" };

    // One configured instance: HtmlSanitizer is safe to share across threads once its configuration stops changing.
    private static readonly HtmlSanitizer Sanitizer = CreateSanitizer();

    private NoticeBody(string html, string text)
    {
        Html = html;
        Text = text;
    }

    /// <summary>Sanitised HTML fragment, safe to emit unencoded (<c>MarkupString</c>) in the page and the email.</summary>
    public string Html { get; }

    /// <summary>The plain-text rendering for the email's text part: links read "text (url)".</summary>
    public string Text { get; }

    /// <exception cref="ArgumentException">The Markdown is longer than <see cref="MaxMarkdownLength"/>.</exception>
    public static NoticeBody Render(string markdown)
    {
        ArgumentNullException.ThrowIfNull(markdown);
        if (markdown.Length > MaxMarkdownLength)
        {
            throw new ArgumentException($"The body is longer than {MaxMarkdownLength} characters.", nameof(markdown));
        }

        var html = Sanitizer.Sanitize(Markdown.ToHtml(markdown, Pipeline)).Trim();
        return new NoticeBody(html, HtmlToText.Convert(html));
    }

    private static HtmlSanitizer CreateSanitizer()
    {
        var sanitizer = new HtmlSanitizer(new HtmlSanitizerOptions
        {
            AllowedTags = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
            {
                "h1", "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "ul", "ol", "li", "strong", "em", "b", "i", "del",
                "a", "blockquote", "code", "pre", "table", "thead", "tbody", "tr", "th", "td",
            },
            AllowedAttributes = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "href", "title", "scope", "start", "type" },
            AllowedSchemes = new HashSet<string>(Schemes, StringComparer.OrdinalIgnoreCase),
            UriAttributes = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "href" },
            AllowedCssProperties = new HashSet<string>(StringComparer.OrdinalIgnoreCase),
            AllowedAtRules = new HashSet<AngleSharp.Css.Dom.CssRuleType>(),
            AllowedClasses = new HashSet<string>(StringComparer.OrdinalIgnoreCase),
            AllowDataAttributes = false,
        })
        {
            KeepChildNodes = true,
        };

        sanitizer.RemovingTag += (_, e) =>
        {
            if (DroppedWithContent.Contains(e.Tag.LocalName))
            {
                // KeepChildNodes would otherwise turn a script's source or an svg's markup into visible text.
                while (e.Tag.FirstChild is { } child)
                {
                    e.Tag.RemoveChild(child);
                }
            }
        };
        sanitizer.PostProcessDom += (_, e) => Tidy(e.Document.Body);
        return sanitizer;
    }

    /// <summary>The per-element rules the global allow-lists cannot express; runs after sanitising.</summary>
    private static void Tidy(IElement? root)
    {
        if (root is null)
        {
            return;
        }

        foreach (var element in root.QuerySelectorAll("*").ToList())
        {
            var name = element.LocalName;
            var renamed = name switch
            {
                "h1" => "h2",
                "h5" or "h6" => "h4",
                "b" => "strong",
                "i" => "em",
                _ => null,
            };
            var current = renamed is null ? element : Rename(element, renamed);
            KeepOnlyAllowedAttributes(current);
        }
    }

    private static void KeepOnlyAllowedAttributes(IElement element)
    {
        // Read what may stay before clearing every attribute, then put back only that.
        var href = element.LocalName == "a" ? SafeHref(element.GetAttribute("href")) : null;
        var scope = element.GetAttribute("scope")?.Trim().ToLowerInvariant() is ("col" or "row" or "colgroup" or "rowgroup") and var s ? s : null;
        var start = int.TryParse(element.GetAttribute("start"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 1 ? n : (int?)null;
        var type = element.GetAttribute("type") is ("a" or "A" or "i" or "I") and var t ? t : null;

        foreach (var attribute in element.Attributes.ToList())
        {
            element.RemoveAttribute(attribute.NamespaceUri, attribute.LocalName);
        }

        switch (element.LocalName)
        {
            case "a" when href is null:
                Unwrap(element);
                break;
            case "a":
                element.SetAttribute("href", href);
                element.SetAttribute("rel", "noopener noreferrer");
                break;
            case "th" when scope is not null || element.ParentElement?.ParentElement?.LocalName == "thead":
                element.SetAttribute("scope", scope ?? "col");
                break;
            case "ol":
                if (start is not null)
                {
                    element.SetAttribute("start", start.Value.ToString(CultureInfo.InvariantCulture));
                }

                if (type is not null)
                {
                    element.SetAttribute("type", type);
                }

                break;
        }
    }

    /// <summary>An absolute http, https or mailto URL with nothing a browser would strip or reinterpret; else null.</summary>
    private static string? SafeHref(string? href)
    {
        if (string.IsNullOrEmpty(href) || href.Any(c => c <= ' ' || char.IsControl(c) || char.IsWhiteSpace(c)))
        {
            return null;
        }

        return Uri.TryCreate(href, UriKind.Absolute, out var uri) && Schemes.Contains(uri.Scheme)
            && href.StartsWith(uri.Scheme + ":", StringComparison.OrdinalIgnoreCase)
            && (uri.Scheme == Uri.UriSchemeMailto || href.StartsWith(uri.Scheme + "://", StringComparison.OrdinalIgnoreCase))
            ? href
            : null;
    }

    private static IElement Rename(IElement element, string name)
    {
        var replacement = element.Owner!.CreateElement(name);
        while (element.FirstChild is { } child)
        {
            replacement.AppendChild(child);
        }

        element.Replace(replacement);
        return replacement;
    }

    private static void Unwrap(IElement element)
    {
        var parent = element.Parent!;
        while (element.FirstChild is { } child)
        {
            parent.InsertBefore(child, element);
        }

        parent.RemoveChild(element);
    }
}
