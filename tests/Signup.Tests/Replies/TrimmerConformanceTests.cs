using MimeKit;
using Notices.Signup.Replies;
using Xunit.Abstractions;

namespace Notices.Signup.Tests.Replies;

/// <summary>
/// The trimmer against the shared corpora: Discourse's 64 emails with their expected text, talon's full MIME replies
/// from many clients (text and HTML parts), and GitHub's reply bodies, which must all trim and parse without error.
/// </summary>
public sealed class TrimmerConformanceTests(ITestOutputHelper output)
{
    public static TheoryData<string> TrimmerEmails() => new(Corpora.Files("email-reply-trimmer", "emails", "*.txt"));

    public static TheoryData<string> TalonReplies() => new(Corpora.Files("talon-standard-replies", "", "*.eml"));

    public static TheoryData<string> ParserEmails() => new(Corpora.Files("email-reply-parser", "", "*.txt"));

    [Theory]
    [MemberData(nameof(TrimmerEmails))]
    public void Each_discourse_email_trims_to_its_expected_text(string file)
    {
        var email = File.ReadAllText(Corpora.PathOf("email-reply-trimmer", "emails", file));
        var expected = File.ReadAllText(Corpora.PathOf("email-reply-trimmer", "trimmed", file));

        Assert.Equal(Normalise(expected), Normalise(ReplyTrimmer.Trim(email)));
    }

    [Theory]
    [MemberData(nameof(TalonReplies))]
    public void Each_talon_reply_trims_to_what_the_person_wrote(string file)
    {
        var message = MimeMessage.Load(Corpora.PathOf("talon-standard-replies", file));
        var body = ReplyBody.Read(message);
        Assert.Null(body.Problem);

        // talon's expected text strips quotations only and keeps signatures ("Sent from my iPhone", "-- xxx").
        Assert.Equal(Normalise(TalonExpected(file)), Normalise(ReplyTrimmer.Trim(body.Text, keepSignatures: true)));
    }

    [Theory]
    [MemberData(nameof(TalonReplies))]
    public void Each_talon_html_part_trims_to_what_the_person_wrote_in_it(string file)
    {
        var message = MimeMessage.Load(Corpora.PathOf("talon-standard-replies", file));
        if (message.HtmlBody is not { } html)
        {
            Assert.NotNull(message.TextBody);
            return;
        }

        // Each fixture's HTML part says what its plain part says, except Outlook's, whose HTML was written separately.
        var expected = file == "outlook.eml" ? "Allo! Follow up MIME!" : ReplyTrimmer.Trim(message.TextBody);
        Assert.Equal(Normalise(expected), Normalise(ReplyTrimmer.Trim(ReplyBody.HtmlToText(html))));
    }

    [Theory]
    [MemberData(nameof(ParserEmails))]
    public void Each_github_reply_body_trims_and_parses_without_error(string file)
    {
        var text = File.ReadAllText(Corpora.PathOf("email-reply-parser", file));
        var trimmed = ReplyTrimmer.Trim(text);
        var answer = ReplyGrammar.Parse(trimmed);

        Assert.True(trimmed.Length <= text.Length);
        Assert.Equal(ReplyVerdict.Unclear, answer.Verdict); // none of them is an approval answer
        Assert.NotNull(answer.Why);
    }

    [Fact]
    public void The_exact_match_rates_are_reported_and_complete()
    {
        var discourse = Corpora.Files("email-reply-trimmer", "emails", "*.txt").ToList();
        var discourseMatches = discourse.Count(f =>
            Normalise(File.ReadAllText(Corpora.PathOf("email-reply-trimmer", "trimmed", f)))
            == Normalise(ReplyTrimmer.Trim(File.ReadAllText(Corpora.PathOf("email-reply-trimmer", "emails", f)))));
        var talon = Corpora.Files("talon-standard-replies", "", "*.eml").ToList();
        var talonMatches = talon.Count(f =>
            ReplyBody.Read(MimeMessage.Load(Corpora.PathOf("talon-standard-replies", f))) is { Text: { } text }
            && Normalise(TalonExpected(f)) == Normalise(ReplyTrimmer.Trim(text, keepSignatures: true)));

        output.WriteLine($"email-reply-trimmer: {discourseMatches}/{discourse.Count} exact; talon-standard-replies: {talonMatches}/{talon.Count} exact");
        Assert.Equal(64, discourse.Count);
        Assert.Equal(12, talon.Count);
        Assert.Equal((discourse.Count, talon.Count), (discourseMatches, talonMatches));
    }

    private static string TalonExpected(string file)
    {
        var path = Corpora.PathOf("talon-standard-replies", Path.GetFileNameWithoutExtension(file) + "_reply_text");
        return File.Exists(path) ? File.ReadAllText(path) : "Hello";
    }

    /// <summary>Line ends unified, trailing white space on each line and around the whole ignored.</summary>
    private static string Normalise(string text) =>
        string.Join('\n', text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').Select(l => l.TrimEnd())).Trim();
}
