using System.Text;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;

namespace Notices.Mail.Rendering;

/// <summary>
/// The plain-text part, derived from the rendered HTML (see docs/adr/0002-email-rendering.md): paragraphs and
/// headings become blank-line separated blocks, links become "text (url)", a data table's rows become
/// "label: value" lines, layout tables (role="presentation") are transparent, and anything marked
/// <c>data-text="omit"</c> (the hidden preheader, decorative rules) is left out.
/// </summary>
internal static class HtmlToText
{
    private static readonly HtmlParser Parser = new(new HtmlParserOptions { IsScripting = false });

    public static string Convert(string html)
    {
        using var document = Parser.ParseDocument(html);
        var writer = new Writer();
        if (document.Body is { } body)
        {
            Walk(body, writer, inDataTable: false);
        }

        return writer.ToString();
    }

    private static void Walk(INode node, Writer writer, bool inDataTable)
    {
        foreach (var child in node.ChildNodes)
        {
            switch (child)
            {
                case IText text:
                    writer.Text(text.Data);
                    break;
                case IElement element:
                    Element(element, writer, inDataTable);
                    break;
            }
        }
    }

    private static void Element(IElement element, Writer writer, bool inDataTable)
    {
        if (element.GetAttribute("data-text") == "omit")
        {
            return;
        }

        switch (element.LocalName)
        {
            case "head" or "style" or "script" or "title" or "template":
                return;
            case "br":
                writer.Break(1);
                return;
            case "hr":
                writer.Break(1);
                writer.Raw("----");
                writer.Break(1);
                return;
            case "a":
                Link(element, writer);
                return;
            case "p" or "h1" or "h2" or "h3" or "h4" or "h5" or "h6" or "ul" or "ol" or "blockquote" or "pre":
                writer.Break(2);
                Walk(element, writer, inDataTable);
                writer.Break(2);
                return;
            case "li":
                writer.Break(1);
                writer.Raw("- ");
                Walk(element, writer, inDataTable);
                writer.Break(1);
                return;
            case "table":
                var data = element.GetAttribute("role") != "presentation";
                writer.Break(data ? 2 : 1);
                Walk(element, writer, data);
                writer.Break(data ? 2 : 1);
                return;
            case "tr" when inDataTable:
                Row(element, writer);
                return;
            case "div" or "tr" or "td" or "th" or "caption" or "section" or "article" or "header" or "footer" or "table" or "tbody" or "thead":
                writer.Break(1);
                Walk(element, writer, inDataTable);
                writer.Break(1);
                return;
            default:
                Walk(element, writer, inDataTable);
                return;
        }
    }

    private static void Row(IElement row, Writer writer)
    {
        writer.Break(1);
        var cells = row.Children.Where(c => c.LocalName is "td" or "th").ToList();
        for (var i = 0; i < cells.Count; i++)
        {
            if (i > 0)
            {
                writer.Raw(cells.Count == 2 ? ": " : " | ");
            }

            Walk(cells[i], writer, inDataTable: true);
        }

        writer.Break(1);
    }

    private static void Link(IElement link, Writer writer)
    {
        var before = writer.Length;
        Walk(link, writer, inDataTable: false);
        var href = link.GetAttribute("href");
        if (string.IsNullOrWhiteSpace(href) || !(href.StartsWith("http://", StringComparison.OrdinalIgnoreCase)
            || href.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || href.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase)))
        {
            return;
        }

        var shown = writer.Since(before).Trim();
        var target = href.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase) ? href[7..] : href;
        if (shown.Length == 0)
        {
            writer.Text(target);
        }
        else if (!string.Equals(shown, target, StringComparison.OrdinalIgnoreCase) && !string.Equals(shown, href, StringComparison.OrdinalIgnoreCase))
        {
            writer.Raw(" (" + target + ")");
        }
    }

    /// <summary>Collapses whitespace like a browser and turns block boundaries into at most one blank line.</summary>
    private sealed class Writer
    {
        private readonly StringBuilder _text = new(1024);
        private int _pendingBreaks;
        private bool _pendingSpace;

        public int Length => _text.Length;

        public string Since(int index) => _text.ToString(index, _text.Length - index);

        public void Break(int lines)
        {
            if (_text.Length > 0)
            {
                _pendingBreaks = Math.Max(_pendingBreaks, lines);
            }

            _pendingSpace = false;
        }

        public void Text(string data)
        {
            foreach (var c in data)
            {
                if (char.IsWhiteSpace(c))
                {
                    _pendingSpace = _text.Length > 0 && _pendingBreaks == 0;
                    continue;
                }

                Flush();
                _text.Append(c);
            }
        }

        public void Raw(string value)
        {
            Flush();
            _text.Append(value);
        }

        private void Flush()
        {
            if (_pendingBreaks > 0)
            {
                // Trailing spaces before a line break carry nothing.
                while (_text.Length > 0 && _text[^1] == ' ')
                {
                    _text.Length--;
                }

                _text.Append('\n', _pendingBreaks);
                _pendingBreaks = 0;
                _pendingSpace = false;
            }
            else if (_pendingSpace)
            {
                _text.Append(' ');
                _pendingSpace = false;
            }
        }

        public override string ToString() => _text.ToString().TrimEnd() + "\n";
    }
}
