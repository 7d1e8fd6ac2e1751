using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using Notices.Content;

namespace Notices.Tests.Content;

public sealed class NoticeBodyTests
{
    private static readonly HashSet<string> AllowedElements =
    [
        "h2", "h3", "h4", "p", "br", "hr", "ul", "ol", "li", "strong", "em", "del", "a", "blockquote", "code", "pre",
        "table", "thead", "tbody", "tr", "th", "td",
    ];

    private static readonly Dictionary<string, string[]> AllowedAttributes = new()
    {
        ["a"] = ["href", "rel"],
        ["th"] = ["scope"],
        ["ol"] = ["start", "type"],
    };

    /// <summary>
    /// Each payload sits between "Before" and "After"; the dangerous part must go, the benign text must stay, and
    /// the marker (text only the payload carries, e.g. the script's code) must not appear anywhere.
    /// </summary>
    public static TheoryData<string, string> Attacks => new()
    {
        { "<script>alert('XSS')</script>", "alert" },
        { "<SCRIPT SRC=https://evil.example/xss.js></SCRIPT>", "evil.example" },
        { "<scr<script>ipt>alert(1)</script>", "alert" },
        { "<img src=x onerror=alert(1)>", "onerror" },
        { "<img src=\"https://tracker.example/pixel.gif\">", "tracker" },
        { "<svg onload=alert(1)><circle r=\"1\"/></svg>", "alert" },
        { "<svg><script>alert(1)</script></svg>", "alert" },
        { "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>", "alert" },
        { "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">", "onerror" },
        { "<iframe src=\"https://evil.example\"></iframe>", "evil.example" },
        { "<iframe srcdoc=\"&lt;script&gt;alert(1)&lt;/script&gt;\"></iframe>", "alert" },
        { "<style>body{background:url(javascript:alert(1))}</style>", "alert" },
        { "<object data=\"https://evil.example/x.swf\"></object><embed src=\"https://evil.example/x.swf\">", "evil.example" },
        { "<form action=\"https://evil.example\"><input name=p><button>Go</button></form>", "evil.example" },
        { "<a href=\"javascript:alert(1)\">click</a>", "alert" },
        { "<a href=\"JaVaScRiPt:alert(1)\">click</a>", "alert" },
        { "<a href=\" javascript:alert(1)\">click</a>", "alert" },
        { "<a href=\"jav&#x09;ascript:alert(1)\">click</a>", "alert" },
        { "<a href=\"jav&#x0A;ascript:alert(1)\">click</a>", "alert" },
        { "<a href=\"jav\tascript:alert(1)\">click</a>", "alert" },
        { "<a href=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)\">click</a>", "alert" },
        { "<a href=\"&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1)\">click</a>", "alert" },
        { "<a href=\"javascript&colon;alert(1)\">click</a>", "alert" },
        { "<a href=\"vbscript:msgbox(1)\">click</a>", "msgbox" },
        { "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">click</a>", "base64" },
        { "<a href=\"https://ok.example\" onclick=\"alert(1)\" target=\"_blank\" style=\"color:red\" class=\"x\" id=\"y\">ok</a>", "alert" },
        { "<p onmouseover=\"alert(1)\" style=\"background:url(javascript:alert(1))\">para</p>", "alert" },
        { "<table background=\"javascript:alert(1)\"><tr><td onclick=\"alert(1)\">cell</td></tr></table>", "alert" },
        { "<div style=\"width: expression(alert(1))\">div</div>", "alert" },
        { "<!--<script>alert(1)</script>-->", "alert" },
        { "<base href=\"https://evil.example/\">", "evil.example" },
        { "<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example\">", "evil.example" },
        { "[click](javascript:alert(1))", "alert" },
        { "[click](JAVASCRIPT:alert(1))", "alert" },
        { "[click](javascript&#58;alert(1))", "alert" },
        { "[click](<javascript:alert(1)>)", "alert" },
        { "[click](data:text/html;base64,PHNjcmlwdD4=)", "base64" },
        { "[click](vbscript:msgbox(1))", "msgbox" },
        { "[click][evil]\n\n[evil]: javascript:alert(1)", "<a " },
        { "![pixel](https://tracker.example/p.gif)", "tracker" },
        { "[click](https://ok.example \"title\\\" onmouseover=alert(1) x=\\\"\")", "onmouseover=alert" },
        { "<javascript:alert(1)>", "href" },
        { "<a href=\"//evil.example\">click</a>", "evil.example" },
        { "<a href=\"/relative/path\">click</a>", "relative" },
    };

    [Theory]
    [MemberData(nameof(Attacks))]
    public void Hostile_markup_is_removed_and_the_text_around_it_survives(string payload, string marker)
    {
        var body = NoticeBody.Render($"Before\n\n{payload}\n\nAfter");

        Assert.DoesNotContain(marker, body.Html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Before", body.Html, StringComparison.Ordinal);
        Assert.Contains("After", body.Html, StringComparison.Ordinal);
        Assert.Contains("Before", body.Text, StringComparison.Ordinal);
        Assert.Contains("After", body.Text, StringComparison.Ordinal);
        AssertOnlyAllowedMarkup(body.Html);
    }

    [Theory]
    [MemberData(nameof(Attacks))]
    public void Hostile_markup_inline_in_a_paragraph_keeps_the_paragraph(string payload, string marker)
    {
        var body = NoticeBody.Render($"Before {payload} After");

        Assert.DoesNotContain(marker, body.Html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Before", body.Html, StringComparison.Ordinal);
        Assert.Contains("After", body.Html, StringComparison.Ordinal);
        AssertOnlyAllowedMarkup(body.Html);
    }

    [Fact]
    public void Unknown_wrappers_are_unwrapped_but_their_text_stays()
    {
        var body = NoticeBody.Render("<div class=\"x\"><span style=\"color:red\">Keep <b>this</b></span> <font>text</font></div>");

        Assert.Contains("Keep <strong>this</strong>", body.Html, StringComparison.Ordinal);
        Assert.Contains("text", body.Html, StringComparison.Ordinal);
        AssertOnlyAllowedMarkup(body.Html);
    }

    [Fact]
    public void Links_keep_a_safe_href_gain_rel_and_lose_target()
    {
        var body = NoticeBody.Render(
            "See [the policy](https://hr.agency.example/policy?a=1&b=2), <a href=\"mailto:hr@agency.example\" target=\"_blank\">write</a> or visit https://www.agency.example/jobs.");

        Assert.Contains("<a href=\"https://hr.agency.example/policy?a=1&amp;b=2\" rel=\"noopener noreferrer\">the policy</a>", body.Html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"mailto:hr@agency.example\" rel=\"noopener noreferrer\">write</a>", body.Html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"https://www.agency.example/jobs\" rel=\"noopener noreferrer\">", body.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("target", body.Html, StringComparison.Ordinal);
    }

    [Fact]
    public void Headings_are_demoted_so_the_page_keeps_one_h1()
    {
        var body = NoticeBody.Render("# Title\n\n## Section\n\n###### Deep\n\n<h1 id=\"x\">Pasted</h1>");

        Assert.Equal("<h2>Title</h2>\n<h2>Section</h2>\n<h4>Deep</h4>\n<h2>Pasted</h2>", body.Html);
    }

    [Fact]
    public void Tables_lists_and_emphasis_survive()
    {
        const string markdown = """
            | Location | Openings |
            |:---------|---------:|
            | El Paso, TX | 12 |

            1. **First**
            2. *Second* and ~~gone~~

            - one
            - two

            > Quoted with `code`

            ---
            """;

        var body = NoticeBody.Render(markdown);

        Assert.Contains("<th scope=\"col\">Location</th>", body.Html, StringComparison.Ordinal);
        Assert.Contains("<td>El Paso, TX</td>", body.Html, StringComparison.Ordinal);
        Assert.Contains("<ol>", body.Html, StringComparison.Ordinal);
        Assert.Contains("<li><strong>First</strong></li>", body.Html, StringComparison.Ordinal);
        Assert.Contains("<em>Second</em> and <del>gone</del>", body.Html, StringComparison.Ordinal);
        Assert.Contains("<ul>", body.Html, StringComparison.Ordinal);
        Assert.Contains("<blockquote>", body.Html, StringComparison.Ordinal);
        Assert.Contains("<code>code</code>", body.Html, StringComparison.Ordinal);
        Assert.Contains("<hr>", body.Html, StringComparison.Ordinal);
        AssertOnlyAllowedMarkup(body.Html);
    }

    [Fact]
    public void Plain_text_shows_links_as_text_and_url()
    {
        var body = NoticeBody.Render("# Volunteers needed\n\nRead [the details](https://hr.agency.example/n/1) now.\n\n- Alpha\n- Beta");

        Assert.Equal("Volunteers needed\n\nRead the details (https://hr.agency.example/n/1) now.\n\n- Alpha\n- Beta\n", body.Text);
    }

    [Fact]
    public void The_same_input_always_renders_the_same_output()
    {
        const string markdown = "# T\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n<a href=\"https://x.example\" onclick=\"y\">x</a>";

        var first = NoticeBody.Render(markdown);
        var second = NoticeBody.Render(markdown);

        Assert.Equal(first.Html, second.Html);
        Assert.Equal(first.Text, second.Text);
    }

    [Fact]
    public void Concurrent_renders_share_the_sanitiser_safely()
    {
        const string markdown = "# T\n\n<b onclick=\"x\">bold</b> [l](https://x.example) <script>alert(1)</script>\n\n| a |\n|---|\n| 1 |";
        var expected = NoticeBody.Render(markdown).Html;

        var results = new string[64];
        Parallel.For(0, results.Length, i => results[i] = NoticeBody.Render(markdown).Html);

        Assert.All(results, html => Assert.Equal(expected, html));
    }

    [Fact]
    public void An_oversized_body_is_refused()
    {
        var exception = Assert.Throws<ArgumentException>(() => NoticeBody.Render(new string('a', NoticeBody.MaxMarkdownLength + 1)));

        Assert.Equal("markdown", exception.ParamName);
    }

    private static void AssertOnlyAllowedMarkup(string html)
    {
        var parser = new HtmlParser();
        using var document = parser.ParseDocument("<!doctype html><html><body>" + html + "</body></html>");
        foreach (var element in document.Body!.QuerySelectorAll("*"))
        {
            Assert.Contains(element.LocalName, AllowedElements);
            var allowed = AllowedAttributes.GetValueOrDefault(element.LocalName, []);
            foreach (var attribute in element.Attributes)
            {
                Assert.Contains(attribute.Name, allowed);
            }

            if (element.LocalName == "a")
            {
                var href = element.GetAttribute("href")!;
                Assert.True(
                    href.StartsWith("https://", StringComparison.Ordinal) || href.StartsWith("http://", StringComparison.Ordinal)
                    || href.StartsWith("mailto:", StringComparison.Ordinal),
                    $"Unsafe href: {href}");
                Assert.Equal("noopener noreferrer", element.GetAttribute("rel"));
            }
        }

        Assert.Empty(document.Body.Descendants<IComment>());
    }
}
