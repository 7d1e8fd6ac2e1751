using System.Diagnostics;
using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using MimeKit;
using MimeKit.Text;
using Notices.Signup.Replies;

namespace Notices.Benchmarks;

/// <summary>
/// Reading replies: parse the MIME, run the header checks (bounce, auto-reply, our Authentication-Results), read the
/// body (HTML converted), trim it and parse the answer, over a mix of the shared corpora's shapes (talon's full MIME
/// replies; Discourse's and GitHub's bodies as plain-text replies; Outlook, Gmail and Apple Mail shapes with HTML).
/// The baseline is a bare <c>MimeMessage.Load</c> of the same messages. The database work of a decision is not here.
/// </summary>
[MemoryDiagnoser]
public class ReplyBenchmarks
{
    private byte[][] _messages = [];

    [GlobalSetup]
    public void Setup() => _messages = ReplyMix.Load();

    [Benchmark(Baseline = true, Description = "MimeMessage.Load (baseline)")]
    public int LoadOnly()
    {
        var n = 0;
        foreach (var raw in _messages)
        {
            using var message = MimeMessage.Load(new MemoryStream(raw, writable: false));
            n += message.Headers.Count;
        }

        return n;
    }

    [Benchmark(Description = "parse + checks + trim + decide")]
    public int ParseTrimDecide()
    {
        var n = 0;
        foreach (var raw in _messages)
        {
            n += (int)ReplyMix.Read(raw);
        }

        return n;
    }
}

/// <summary>The message mix and the per-message work, shared by BenchmarkDotNet and the quick mode.</summary>
internal static class ReplyMix
{
    public static ReplyVerdict Read(byte[] raw)
    {
        using var message = MimeMessage.Load(new MemoryStream(raw, writable: false));
        if (MailChecks.AsBounce(message) is not null || MailChecks.AutoReply(message) is not null)
        {
            return ReplyVerdict.Unclear;
        }

        if (!MailChecks.Authenticate(message, "mx.agency.example", message.From.Mailboxes.FirstOrDefault()?.Domain).Pass)
        {
            return ReplyVerdict.Unclear;
        }

        var body = ReplyBody.Read(message);
        return body.Text is null ? ReplyVerdict.Unclear : ReplyGrammar.Parse(ReplyTrimmer.Trim(body.Text)).Verdict;
    }

    public static byte[][] Load()
    {
        var root = FindCorpora();
        var messages = new List<byte[]>();
        messages.AddRange(Directory.GetFiles(Path.Combine(root, "talon-standard-replies"), "*.eml").Order(StringComparer.Ordinal).Select(File.ReadAllBytes));
        foreach (var file in Directory.GetFiles(Path.Combine(root, "email-reply-trimmer", "emails"), "*.txt").Order(StringComparer.Ordinal))
        {
            messages.Add(Wrap(File.ReadAllText(file), html: false));
        }

        foreach (var file in Directory.GetFiles(Path.Combine(root, "email-reply-parser"), "*.txt").Order(StringComparer.Ordinal))
        {
            messages.Add(Wrap(File.ReadAllText(file), html: false));
        }

        // Our own request answered the three ways mail clients quote it (HTML with divRplyFwdMsg, gmail_quote, blockquote).
        var quote = "Approval needed: Person 1 volunteered for a detail\nReply with APPROVE, or DENY and your reason.\n";
        messages.Add(Wrap($"<div>Approve</div><div id=\"divRplyFwdMsg\"><b>From:</b> Notices<br><b>Sent:</b> Friday</div><div>{quote}</div>", html: true));
        messages.Add(Wrap($"<div dir=\"ltr\">Deny - we are two officers short until March.</div><div class=\"gmail_quote\">On Fri wrote:<blockquote>{quote}</blockquote></div>", html: true));
        messages.Add(Wrap($"<div>yes</div><blockquote type=\"cite\">{quote}</blockquote>", html: true));
        return [.. messages];
    }

    private static byte[] Wrap(string body, bool html)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Pat Supervisor", "pat.supervisor@agency.example"));
        message.To.Add(new MailboxAddress("Approvals", "approvals+abcdefghijklmnopqrstuvwxyz234567@agency.example"));
        message.Subject = "RE: Approval needed [AR-abcdefgh]";
        message.MessageId = Guid.NewGuid().ToString("N") + "@mail.agency.example";
        message.InReplyTo = "0123456789abcdef0123456789abcdef@agency.example";
        var part = new TextPart(html ? TextFormat.Html : TextFormat.Plain) { ContentTransferEncoding = ContentEncoding.QuotedPrintable };
        part.SetText(Encoding.UTF8, body);
        message.Body = part;
        message.Headers.Insert(0, new Header("Authentication-Results", "mx.agency.example; spf=pass smtp.mailfrom=agency.example; dkim=pass header.d=agency.example; dmarc=pass header.from=agency.example"));
        using var stream = new MemoryStream();
        message.WriteTo(stream);
        return stream.ToArray();
    }

    private static string FindCorpora()
    {
        if (Environment.GetEnvironmentVariable("NOTICES_CORPORA") is { Length: > 0 } configured)
        {
            return configured;
        }

        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "shared", "corpora");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("shared/corpora was not found above the benchmark; set NOTICES_CORPORA.");
    }

    /// <summary>`replies-quick [--seconds N]`: messages per second of each, single thread, and the ratio.</summary>
    public static void Quick(int seconds)
    {
        var messages = Load();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{messages.Length} messages in the mix, {messages.Sum(m => m.Length) / 1024.0:F0} KB"));
        var verdicts = messages.Select(Read).GroupBy(v => v).Select(g => $"{g.Key}: {g.Count()}");
        Console.WriteLine("verdicts: " + string.Join(", ", verdicts));
        var bodies = messages.Select(Body).ToArray();
        Slowest(bodies);
        var load = Rate(messages, seconds, raw => { using var m = MimeMessage.Load(new MemoryStream(raw, writable: false)); });
        var trim = Rate(bodies, seconds, body => ReplyTrimmer.Trim(body));
        var full = Rate(messages, seconds, raw => Read(raw));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
            MimeMessage.Load (baseline):     {load:N0} messages/s
            trim alone (body text in hand):  {trim:N0} messages/s
            parse + checks + trim + decide:  {full:N0} messages/s
            ratio (time per message, ours / baseline): {load / full:F2}x
            """));
    }

    private static string Body(byte[] raw)
    {
        using var message = MimeMessage.Load(new MemoryStream(raw, writable: false));
        return ReplyBody.Read(message).Text ?? "";
    }

    /// <summary>The five bodies that take the trimmer longest (first use, then the best of three), to find a hot spot.</summary>
    private static void Slowest(string[] bodies)
    {
        var times = new List<(int Index, double First, double Best, int Chars)>();
        for (var i = 0; i < bodies.Length; i++)
        {
            var clock = Stopwatch.StartNew();
            ReplyTrimmer.Trim(bodies[i]);
            var first = clock.Elapsed.TotalMilliseconds;
            var best = double.MaxValue;
            for (var n = 0; n < 3; n++)
            {
                clock.Restart();
                ReplyTrimmer.Trim(bodies[i]);
                best = Math.Min(best, clock.Elapsed.TotalMilliseconds);
            }

            times.Add((i, first, best, bodies[i].Length));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"trim, total of best times: {times.Sum(t => t.Best):F1} ms for {bodies.Length} bodies; slowest:"));
        foreach (var t in times.OrderByDescending(t => t.Best).Take(5))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  #{t.Index,3}  {t.Chars,7:N0} chars  first {t.First,8:F2} ms  best {t.Best,8:F3} ms"));
        }
    }

    private static double Rate<T>(T[] messages, int seconds, Action<T> work)
    {
        foreach (var raw in messages)
        {
            work(raw); // warm up: JIT and the regexes' first use
        }

        var clock = Stopwatch.StartNew();
        long done = 0;
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            foreach (var raw in messages)
            {
                work(raw);
            }

            done += messages.Length;
        }

        return done / clock.Elapsed.TotalSeconds;
    }
}
