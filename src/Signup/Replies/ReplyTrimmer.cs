using System.Text;
using System.Text.RegularExpressions;

namespace Notices.Signup.Replies;

/// <summary>
/// Cuts a reply down to what the person wrote: quoted text, forwarded or embedded emails, header blocks
/// (Outlook's From:/Sent:), "On … wrote:" lines (also when wrapped over two lines, and in common languages) and mobile
/// signatures go. It classifies each line (<see cref="LineKind"/>), then applies the named rules below to the
/// sequence of kinds, in order. The approach and the multilingual markers follow Discourse's email_reply_trimmer
/// (MIT), whose 64-email corpus the tests hold this to.
/// </summary>
internal static class ReplyTrimmer
{
    /// <summary>What a line is. Each is one character in the pattern the rules match.</summary>
    private static class LineKind
    {
        public const char Delimiter = 'd';
        public const char Embedded = 'b';
        public const char Empty = 'e';
        public const char Header = 'h';
        public const char Quote = 'q';
        public const char Signature = 's';
        public const char Text = 't';
    }

    // Compiled: the trimmer runs some fifty patterns over every line of every reply, so the one-off compile cost
    // at first use pays for itself many times over.
    private const RegexOptions Line = RegexOptions.CultureInvariant | RegexOptions.Multiline | RegexOptions.Compiled;
    private const RegexOptions LineI = Line | RegexOptions.IgnoreCase;

    // The rules over the string of line kinds have no lookarounds or back-references, and a long reply gives a long
    // string: the non-backtracking engine keeps them linear in the number of lines.
    private const RegexOptions Kinds = RegexOptions.CultureInvariant | RegexOptions.NonBacktracking;

    /// <summary>
    /// Every pattern here is bounded by the line-by-line design; this only guards against a case that escaped it.
    /// A reply that hits it reads as empty, which decides nothing.
    /// </summary>
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(2);

    /// <summary>
    /// A marker ("On … wrote:") wrapped over more lines than this stays as it is, as in Discourse's trimmer; so the
    /// marker patterns only ever look at this many lines from a line that could start one.
    /// </summary>
    private const int MarkerMaxLines = 5;

    /// <summary>
    /// No signature, embedded-email marker or header line is anywhere near this long (a header listing a few hundred
    /// addresses still is), so a longer line is only told apart as empty, a delimiter, a quote or text; the other
    /// fifty patterns would each read it to the end for nothing.
    /// </summary>
    private const int MaxMarkedLineLength = 10_000;

    // Horizontal white space, as POSIX [[:blank:]] in Unicode.
    private const string Blank = @"[\t\p{Zs}]";

    // ---- Line classes ----

    private static readonly Regex EmptyLine = new($"^{Blank}*$", Line, MatchTimeout);

    /// <summary>A line of only dashes, underscores, equals signs…: "--", "____", "==".</summary>
    private static readonly Regex DelimiterLine = new($@"^{Blank}*[\-_,=+~#*ᐧ—]+{Blank}*$", Line, MatchTimeout);

    private static readonly Regex QuoteLine = new($"^{Blank}*>", Line, MatchTimeout);

    /// <summary>Mobile and client signatures: "Sent from my iPhone", "Von meinem … gesendet", "Get Outlook for iOS".</summary>
    private static readonly Regex[] MobileSignature =
    [
        new($"^{Blank}*從我的 iPhone 傳送", LineI, MatchTimeout),
        new($@"^{Blank}*\w+ from mobile", LineI, MatchTimeout),
        new($@"^{Blank}*[(<]*Sent (from|via|with|by) .+[)>]*", LineI, MatchTimeout),
        new($"^{Blank}*From my .{{1,20}}", LineI, MatchTimeout),
        new($"^{Blank}*Get Outlook for ", LineI, MatchTimeout),
        new($"^{Blank}*Envoyé depuis (mon|Yahoo Mail)", LineI, MatchTimeout),
        new($"^{Blank}*Von meinem .+ gesendet", LineI, MatchTimeout),
        new($"^{Blank}*Diese Nachricht wurde von .+ gesendet", LineI, MatchTimeout),
        new($"^{Blank}*Inviato da ", LineI, MatchTimeout),
        new($"^{Blank}*Sendt fra min ", LineI, MatchTimeout),
        new($"^{Blank}*Enviado do meu ", LineI, MatchTimeout),
        new($"^{Blank}*Enviado desde mi ", LineI, MatchTimeout),
        new($"^{Blank}*Verzonden met ", LineI, MatchTimeout),
        new($"^{Blank}*Verstuurd vanaf mijn ", LineI, MatchTimeout),
        new($"^{Blank}*från min ", LineI, MatchTimeout),
    ];

    private static readonly Regex MarkdownLink = new(@"\[([^\]]+)\]\([^)]+\)", RegexOptions.CultureInvariant | RegexOptions.Compiled, MatchTimeout);

    /// <summary>"On … wrote:" and its translations; the lazy middle may span lines (merged by <see cref="Preprocess"/>).</summary>
    private static readonly Regex[] OnDateSomeoneWrote =
    [
        Dotall($@"^[\t\p{{Zs}}<>-]*在 (?:(?!\b(?>在|写道)\b).)+?写道[\t\p{{Zs}}.:>-]*$"),
        Dotall($@"^[\t\p{{Zs}}<>-]*Op (?:(?!\b(?>Op|het\svolgende\sgeschreven|schreef)\b).)+?(het\svolgende\sgeschreven|schreef[^:]+)[\t\p{{Zs}}.:>-]*$"),
        Dotall($@"^[\t\p{{Zs}}<>-]*In message (?:(?!\b(?>In message|writes)\b).)+?writes[\t\p{{Zs}}.:>-]*$"),
        Dotall($@"^[\t\p{{Zs}}<>-]*(On|At) (?:(?!\b(?>On|wrote|writes|says|said)\b).)+?(wrote|writes|says|said)[\t\p{{Zs}}.:>-]*$"),
        Dotall($@"^[\t\p{{Zs}}<>-]*Le (?:(?!\b(?>Le|nous\sa\sdit|a\s+écrit)\b).)+?(nous\sa\sdit|a\s+écrit)[\t\p{{Zs}}.:>-]*$"),
        Dotall($@"^[\t\p{{Zs}}<>-]*Am (?:(?!\b(?>Am|schrieben\sSie)\b).)+?schrieben\sSie[\t\p{{Zs}}.:>-]*$"),
        Dotall($@"^[\t\p{{Zs}}<>-]*Am (?:(?!\b(?>Am|geschrieben)\b).)+?(geschrieben|schrieb[^:]+)[\t\p{{Zs}}.:>-]*$"),
        Dotall($@"^[\t\p{{Zs}}<>-]*Il (?:(?!\b(?>Il|ha\sscritto)\b).)+?ha\sscritto[\t\p{{Zs}}.:>-]*$"),
        Dotall($@"^[\t\p{{Zs}}<>-]*(Dnia|Dňa) (?:(?!\b(?>Dnia|Dňa|napisał)\b).)+?napisał(\(a\))?[\t\p{{Zs}}.:>-]*$"),
        Dotall($@"^[\t\p{{Zs}}<>-]*Em (?:(?!\b(?>Em|escreveu)\b).)+?escreveu[\t\p{{Zs}}.:>-]*$"),
        Dotall($@"^[\t\p{{Zs}}<>-]*El (?:(?!\b(?>El|escribió)\b).)+?escribió[\t\p{{Zs}}.:>-]*$"),
    ];

    /// <summary>"Am 18.09.2013 um 16:24 schrieb X:", "Den 15. jun. 2016 kl. 20.42 skrev X:".</summary>
    private static readonly Regex[] OnDateWroteSomeone =
    [
        new($@"^[\t\p{{Zs}}>]*Op\s.+\sschreef\s[^:]+:", Line, MatchTimeout),
        new($@"^[\t\p{{Zs}}>]*Am\s.+\sschrieb\s[^:]+:", Line, MatchTimeout),
        new($@"^[\t\p{{Zs}}>]*Den\s.+\sskrev\s[^:]+:", Line, MatchTimeout),
        new($@"^[\t\p{{Zs}}>]*søn\.\s.+\sskrev\s[^:]+:", Line, MatchTimeout),
    ];

    /// <summary>"суббота, 14 марта 2015 г. пользователь X написал:", "23 mar 2017 21:25 X napisał(a):", Ukrainian "пише:".</summary>
    /// <remarks>
    /// Discourse writes the middle as <c>.{1,80}\n?.{0,80}?</c>, which tries 80 × 80 splits from every four-digit
    /// number; the two alternatives here accept the same text (wrapped onto the next line first, as the greedy
    /// original prefers) with a single scan each.
    /// </remarks>
    private static readonly Regex[] DateSomeoneWrote =
    [
        new(@"[0-9]{4}.{1,80}пользователь(?:.{0,80}\n.{0,80}?|.{0,160}?)написал:", Line, MatchTimeout),
        new(@"[0-9]{4}(?:.{1,80}\n.{0,80}?|.{1,160}?)napisał\(a\):", Line, MatchTimeout),
        new(@"[0-9]{4}(?:.{1,80}\n.{0,80}?|.{1,160}?)пише:", Line, MatchTimeout),
    ];

    /// <summary>"Max &lt;max@example.com&gt; schrieb am Fr., 28. Apr. 2017 um 11:53 Uhr:", "X wrote on …:".</summary>
    private static readonly Regex[] SomeoneWroteOnDate =
    [
        new(@"^.+\bwrote\b\s+\bon\b.+[^:]+:", Line, MatchTimeout),
        new(@"^.+\bschrieb\b\s+\bam\b.+[^:]+:", Line, MatchTimeout),
    ];

    /// <summary>"2016-03-03 17:21 GMT+01:00 Some One".</summary>
    private static readonly Regex IsoDateSomeone = new($@"^[\t\p{{Zs}}>]*20[0-9]{{2}}-[0-9]{{2}}-[0-9]{{2}} [0-9]{{2}}:[0-9]{{2}} GMT\+[0-9]{{2}}:[0-9]{{2}} [\w\t\p{{Zs}}]+$", Line, MatchTimeout);

    /// <summary>"2015-10-18 0:17 GMT+03:00 Matt &lt;info@example.org&gt;:", "вт, 5 янв. 2016 г. в 23:39, X &lt;x@example.org&gt;:".</summary>
    private static readonly Regex DateSomeoneEmail = new(@"[0-9]{4}.{1,80}\s?<[^@<>]+@[^@<>.]+\.[^@<>]+>:?$", Line, MatchTimeout);

    /// <summary>"codinghorror via Discourse Meta wrote:".</summary>
    private static readonly Regex[] SomeoneViaSomethingWrote =
    [
        new($@"^.+ via .+ wrote:?{Blank}*$", Line, MatchTimeout),
        new($@"^.+ via .+ schrieb:?{Blank}*$", Line, MatchTimeout),
    ];

    /// <summary>"Some One &lt;x@example.org&gt; wrote:".</summary>
    private static readonly Regex SomeoneEmailWrote = new(@"^.+\b[\w.+-]+@[\w.-]+\.\w{2,}\b.+wrote:?$", Line, MatchTimeout);

    private static readonly Regex PostedBySomeoneOnDate = new($@"^[\t\p{{Zs}}>]*Posted by .+ on [0-9]{{2}}/[0-9]{{2}}/[0-9]{{4}}$", LineI, MatchTimeout);

    /// <summary>"Begin forwarded message:", "-----Original Message-----" and their translations.</summary>
    private static readonly Regex[] ForwardedEmail =
    [
        new($@"^[\t\p{{Zs}}>]*Begin forwarded message:", LineI, MatchTimeout),
        new($@"^[\t\p{{Zs}}>*]*-{{2,}}{Blank}*(Forwarded|Original|Reply) Message{Blank}*-{{2,}}", LineI, MatchTimeout),
        new($@"^[\t\p{{Zs}}>]*Début du message transféré :", LineI, MatchTimeout),
        new($@"^[\t\p{{Zs}}>*]*-{{2,}}{Blank}*Message transféré{Blank}*-{{2,}}", LineI, MatchTimeout),
        new($@"^[\t\p{{Zs}}>*]*-{{2,}}{Blank}*Ursprüngliche Nachricht{Blank}*-{{2,}}", LineI, MatchTimeout),
        new($@"^[\t\p{{Zs}}>*]*-{{2,}}{Blank}*Mensaje original{Blank}*-{{2,}}", LineI, MatchTimeout),
        new($@"^[\t\p{{Zs}}>*]*-{{2,}}{Blank}*原始邮件{Blank}*-{{2,}}", LineI, MatchTimeout),
    ];

    private static readonly Regex[] EmbeddedEmail =
    [
        .. OnDateSomeoneWrote,
        .. OnDateWroteSomeone,
        .. DateSomeoneWrote,
        DateSomeoneEmail,
        .. SomeoneWroteOnDate,
        IsoDateSomeone,
        .. SomeoneViaSomethingWrote,
        SomeoneEmailWrote,
        PostedBySomeoneOnDate,
        .. ForwardedEmail,
    ];

    /// <summary>Header lines of an embedded email (Outlook's From:/Sent:/To:/Subject: block) in the common languages.</summary>
    private static readonly Regex[] EmailHeader = BuildHeaderRegexes();

    // ---- Preprocessing ----

    private static readonly Regex PgpSignedStart = new(@"\A-----BEGIN PGP SIGNED MESSAGE-----\n(?:Hash: \w+)?\s+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Compiled, MatchTimeout);
    private static readonly Regex PgpSignature = new(@"^-----BEGIN PGP SIGNATURE-----$[\s\S]+^-----END PGP SIGNATURE-----", Line, MatchTimeout);
    private static readonly Regex Unsubscribe = new(@"^Unsubscribe: .+@.+(\n.+http:.+)?\s*\z", LineI, MatchTimeout);
    private static readonly Regex AliasQuoteMarker = new(@"^.*>{5} ""[^""\n]+"" == .+ writes:", Line, MatchTimeout);
    private static readonly Regex EnclosedQuote = new(@"^>>> ?(.+) ?>>>$\n([\s\S]+?)\n^<<< ?\1 ?<<<$", Line, MatchTimeout);
    private static readonly Regex EnclosedQuoteArrows = new($@"^>{{4,}}{Blank}*$\n([\s\S]+?)\n^<{{4,}}{Blank}*$", Line, MatchTimeout);
    private static readonly Regex QuotePrefix = new($@"^((?:{Blank}*\p{{L}}*[>|])+)", Line, MatchTimeout);
    private static readonly Regex QuotePrefixMark = new(@"(\p{L}+>|\|)", RegexOptions.CultureInvariant | RegexOptions.Compiled, MatchTimeout);
    private static readonly Regex LineStart = new("^", Line, MatchTimeout);
    private static readonly Regex LineBreaksInMarker = new(@"\n+\s*", RegexOptions.CultureInvariant | RegexOptions.Compiled, MatchTimeout);
    private static readonly Regex CodeBlock = new(@"^```\w*$\n.*?^```$", Line | RegexOptions.Singleline, MatchTimeout);

    /// <summary>
    /// The markers joined when wrapped, each with a text its match cannot do without (null when the marker is anchored
    /// to its line's start, which is cheap to try): the date-first markers may start at any number, so a window
    /// without their word is skipped without running them.
    /// </summary>
    private static readonly (Regex Marker, string? Needs)[] WrappedMarkers =
    [
        .. OnDateSomeoneWrote.Select(r => (r, (string?)null)),
        .. SomeoneWroteOnDate.Select(r => (r, (string?)null)),
        (DateSomeoneWrote[0], "написал:"),
        (DateSomeoneWrote[1], "napisał(a):"),
        (DateSomeoneWrote[2], "пише:"),
        (DateSomeoneEmail, "@"),
    ];

    /// <summary>
    /// A line on which one of <see cref="WrappedMarkers"/> could start: a marker word at its start ("On ", "Am "…), or
    /// "wrote"/"schrieb", or a four-digit year. Only such lines are tried.
    /// </summary>
    private static readonly Regex MarkerStartLine = new(
        @"^[\t\p{Zs}<>-]*(?:在 |Op |In message |On |At |Le |Am |Il |Dnia |Dňa |Em |El )|\b(?:wrote|schrieb)\b|[0-9]{4}",
        LineI,
        MatchTimeout);

    // ---- Rules over the pattern of line kinds ----

    private static readonly Regex ReplyAtEnd = new("^b[^t]+t[et]*$", Kinds, MatchTimeout);
    private static readonly Regex TextAtEnd = new("t[et]*$", Kinds, MatchTimeout);
    private static readonly Regex MarkerNotFollowedByQuote = new("te*b[^q]*$", Kinds, MatchTimeout);
    private static readonly Regex MarkerFollowedByQuote = new("te*b[eqbh]*([te]*)$", Kinds, MatchTimeout);
    private static readonly Regex QuoteAtEnd = new("t?e*[qbe]+$", Kinds, MatchTimeout);
    private static readonly Regex HeadersOverLines = new("h+[hte]+h+e", Kinds, MatchTimeout);
    private static readonly Regex HeaderBlock = new("t[eq]*h{3,}", Kinds, MatchTimeout);
    private static readonly Regex TrailingQuote = new("[eq]+$", Kinds, MatchTimeout);

    /// <summary>
    /// What the person wrote, without quotes, embedded emails or header blocks; without mobile signatures and
    /// anything under a delimiter line ("--") unless <paramref name="keepSignatures"/>. Empty when nothing is left.
    /// </summary>
    public static string Trim(string? text, bool keepSignatures = false)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return "";
        }

        try
        {
            return TrimLines(Preprocess(text), keepSignatures);
        }
        catch (RegexMatchTimeoutException)
        {
            return "";
        }
    }

    private static string TrimLines(string text, bool keepSignatures)
    {
        var blocks = new Dictionary<string, string>(StringComparer.Ordinal);
        text = CodeBlock.Replace(text, m =>
        {
            var token = "\u0001code" + blocks.Count.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\u0001";
            blocks[token] = m.Value;
            return token;
        });

        var lines = text.Split('\n').ToList();
        var kinds = new StringBuilder(lines.Count);
        foreach (var line in lines)
        {
            kinds.Append(Classify(line, keepSignatures));
        }

        var pattern = kinds.ToString();

        // Rule: everything after the first delimiter line is a signature or an old message.
        var delimiter = pattern.IndexOf(LineKind.Delimiter, StringComparison.Ordinal);
        if (delimiter >= 0)
        {
            pattern = pattern[..delimiter];
            lines = lines[..delimiter];
        }

        // Rule: mobile signatures go wherever they are.
        RemoveAll(ref pattern, lines, LineKind.Signature);

        // Rule: the reply is at the end (an embedded marker first, then quotes, then the text).
        if (ReplyAtEnd.IsMatch(pattern))
        {
            var index = TextAtEnd.Match(pattern).Index;
            pattern = "";
            lines = lines[index..];
        }

        // Rule: an embedded email marker not followed by a quote: take the text up to the marker.
        if (MarkerNotFollowedByQuote.Match(pattern) is { Success: true } notQuoted)
        {
            Keep(ref pattern, ref lines, notQuoted.Index + 1);
        }

        // Rule: an embedded email marker followed by a large quote and little text: take the text up to the marker.
        if (MarkerFollowedByQuote.Match(pattern) is { Success: true } quoted && quoted.Groups[1].Value.Count(c => c == LineKind.Text) < 7)
        {
            Keep(ref pattern, ref lines, quoted.Index + 1);
        }

        // Rule: text before a quote that ends the email: drop the quote.
        if (QuoteAtEnd.Match(pattern) is { Success: true } quoteAtEnd)
        {
            Keep(ref pattern, ref lines, quoteAtEnd.Index + 1);
        }

        // Rule: any embedded marker left goes.
        RemoveAll(ref pattern, lines, LineKind.Embedded);

        // Rule: an email header that wraps over lines is still part of the header block.
        if (HeadersOverLines.Match(pattern) is { Success: true } wrapped)
        {
            var chars = pattern.ToCharArray();
            for (var i = wrapped.Index; i < wrapped.Index + wrapped.Length; i++)
            {
                chars[i] = LineKind.Header;
            }

            pattern = new string(chars);
        }

        // Rule: three or more header lines (Outlook's From:/Sent:/To:/Subject:): take the text up to them.
        if (HeaderBlock.Match(pattern) is { Success: true } headers)
        {
            Keep(ref pattern, ref lines, headers.Index + 1);
        }

        // Rule: any header line left goes.
        RemoveAll(ref pattern, lines, LineKind.Header);

        // Rule: quotes and blank lines that end the email go, when some text is left.
        if (pattern.Contains(LineKind.Text, StringComparison.Ordinal) && TrailingQuote.Match(pattern) is { Success: true } trailing)
        {
            lines = lines[..trailing.Index];
        }

        var trimmed = string.Join('\n', lines).Trim();
        foreach (var (token, block) in blocks)
        {
            trimmed = trimmed.Replace(token, block, StringComparison.Ordinal);
        }

        return trimmed;
    }

    private static char Classify(string line, bool keepSignatures)
    {
        if (EmptyLine.IsMatch(line))
        {
            return LineKind.Empty;
        }

        if (DelimiterLine.IsMatch(line))
        {
            return keepSignatures ? LineKind.Text : LineKind.Delimiter;
        }

        if (line.Length > MaxMarkedLineLength)
        {
            return QuoteLine.IsMatch(line) ? LineKind.Quote : LineKind.Text;
        }

        if (!keepSignatures && IsMobileSignature(line))
        {
            return LineKind.Signature;
        }

        if (AnyMatch(EmbeddedEmail, line))
        {
            return LineKind.Embedded;
        }

        if (AnyMatch(EmailHeader, line))
        {
            return LineKind.Header;
        }

        return QuoteLine.IsMatch(line) ? LineKind.Quote : LineKind.Text;
    }

    private static bool IsMobileSignature(string line)
    {
        var stripped = line.Contains('[', StringComparison.Ordinal) ? MarkdownLink.Replace(line, "$1") : line;
        return AnyMatch(MobileSignature, stripped);
    }

    private static string Preprocess(string text)
    {
        text = text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');
        text = PgpSignedStart.Replace(text, "");
        text = PgpSignature.Replace(text, "");
        text = Unsubscribe.Replace(text, "");
        text = AliasQuoteMarker.Replace(text, "");
        text = EnclosedQuote.Replace(text, m => LineStart.Replace(m.Groups[2].Value, "> "));
        text = EnclosedQuoteArrows.Replace(text, m => LineStart.Replace(m.Groups[1].Value, "> "));

        // Rule: "|" and "name>" quote prefixes become ">".
        text = QuotePrefix.Replace(text, m => QuotePrefixMark.Replace(m.Groups[1].Value, ">"));

        // Rule: an "On … wrote:" marker wrapped over a few lines becomes one line.
        foreach (var (marker, needs) in WrappedMarkers)
        {
            text = JoinWrappedMarker(text, marker, needs);
        }

        return text.Trim();
    }

    /// <summary>
    /// Joins the lines of each match of <paramref name="marker"/> that spans at most <see cref="MarkerMaxLines"/> lines.
    /// Each try looks only at a window of that many lines from a line that could start a marker, so a long quoted body
    /// costs a pass over its lines rather than a scan to the end of the text from every "On" or year in it.
    /// </summary>
    private static string JoinWrappedMarker(string text, Regex marker, string? needs)
    {
        StringBuilder? joined = null;
        var copied = 0;
        var lineStart = 0;
        var from = 0;
        while (lineStart < text.Length)
        {
            var lineEnd = text.IndexOf('\n', lineStart);
            if (lineEnd < 0)
            {
                lineEnd = text.Length;
            }

            if (lineEnd - lineStart > MaxMarkedLineLength || !MarkerStartLine.IsMatch(text.AsSpan(lineStart, lineEnd - lineStart)))
            {
                lineStart = from = lineEnd + 1;
                continue;
            }

            var windowEnd = lineEnd;
            for (var i = 1; i < MarkerMaxLines && windowEnd < text.Length; i++)
            {
                var next = text.IndexOf('\n', windowEnd + 1);
                windowEnd = next < 0 ? text.Length : next;
            }

            if (needs is not null && !text.AsSpan(lineStart, windowEnd - lineStart).Contains(needs, StringComparison.Ordinal))
            {
                lineStart = from = lineEnd + 1;
                continue;
            }

            var match = marker.Match(text, lineStart, windowEnd - lineStart);
            while (match.Success && match.Index < from)
            {
                match = match.NextMatch();
            }

            if (!match.Success || match.Index > lineEnd)
            {
                lineStart = from = lineEnd + 1;
                continue;
            }

            if (match.Value.Contains('\n', StringComparison.Ordinal))
            {
                joined ??= new StringBuilder(text.Length);
                joined.Append(text, copied, match.Index - copied).Append(LineBreaksInMarker.Replace(match.Value, " "));
                copied = match.Index + match.Length;
            }

            from = match.Index + match.Length;
            if (from > lineEnd)
            {
                lineStart = text.LastIndexOf('\n', from - 1) + 1;
            }
        }

        return joined is null ? text : joined.Append(text, copied, text.Length - copied).ToString();
    }

    private static void Keep(ref string pattern, ref List<string> lines, int count)
    {
        pattern = pattern[..count];
        lines = lines[..count];
    }

    private static void RemoveAll(ref string pattern, List<string> lines, char kind)
    {
        for (var i = pattern.Length - 1; i >= 0; i--)
        {
            if (pattern[i] == kind)
            {
                lines.RemoveAt(i);
            }
        }

        pattern = pattern.Replace(kind.ToString(), "", StringComparison.Ordinal);
    }

    private static bool AnyMatch(Regex[] regexes, string line)
    {
        foreach (var regex in regexes)
        {
            if (regex.IsMatch(line))
            {
                return true;
            }
        }

        return false;
    }

    private static Regex Dotall(string pattern) => new(pattern, LineI | RegexOptions.Singleline, MatchTimeout);

    private static Regex[] BuildHeaderRegexes()
    {
        string[][] withDate =
        [
            ["Sendt"], ["Sent", "Date"], ["Date", "Le"], ["Gesendet"], ["Enviada em"], ["Enviado"], ["Fecha"], ["Data"], ["Datum"], ["Skickat"], ["发送时间"],
        ];
        string[][] withText =
        [
            ["Fra", "Til", "Emne"],
            ["From", "To", "Cc", "Reply-To", "Subject"],
            ["De", "Expéditeur", "À", "Destinataire", "Répondre à", "Objet"],
            ["Von", "An", "Betreff"],
            ["De", "Para", "Assunto"],
            ["De", "Para", "Asunto"],
            ["Da", "Risposta", "A", "Oggetto"],
            ["Van", "Beantwoorden - Aan", "Aan", "Onderwerp"],
            ["Från", "Till", "Ämne"],
            ["发件人", "收件人", "主题"],
        ];
        return
        [
            .. withDate.Select(names => new Regex($@"^[\t\p{{Zs}}*]*(?:{string.Join('|', names)})[\t\p{{Zs}}*]*:.*[0-9]+", Line, MatchTimeout)),
            .. withText.Select(names => new Regex($@"^[\t\p{{Zs}}*]*(?:{string.Join('|', names)})[\t\p{{Zs}}*]*:.*\w+", LineI, MatchTimeout)),
        ];
    }
}
