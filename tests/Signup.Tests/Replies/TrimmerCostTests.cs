using System.Text;
using Notices.Signup.Replies;

namespace Notices.Signup.Tests.Replies;

/// <summary>
/// Shapes that made the trimmer's time grow with the square of the text (every "On" line or year scanning to the end
/// for a "wrote:" that never comes, 80 × 80 splits from every number, fifty patterns over a 700 KB quote line) still
/// trim to the right text. A pattern that overran its match timeout would make the reply read as empty, so the right
/// text also shows none did. How fast they trim is measured by the benchmark (`replies-quick`), not here.
/// </summary>
public sealed class TrimmerCostTests
{
    [Fact]
    public void Thousands_of_lines_starting_with_on_and_no_wrote_still_keep_the_reply()
    {
        var text = new StringBuilder("Approve\n\n");
        for (var i = 0; i < 20_000; i++)
        {
            text.Append("On the other hand, this is line ").Append(i).Append(" of a long paragraph\n");
        }

        var trimmed = ReplyTrimmer.Trim(text.ToString());

        Assert.StartsWith("Approve\n\nOn the other hand, this is line 0 ", trimmed, StringComparison.Ordinal);
        Assert.EndsWith("line 19999 of a long paragraph", trimmed, StringComparison.Ordinal);
    }

    [Fact]
    public void A_long_quote_full_of_numbers_trims_to_the_reply_above_it()
    {
        var text = new StringBuilder("Deny - we are two officers short until March.\n\nOn Fri, 5 Dec 2026 at 10:00, Notices <notices@agency.example>\nwrote:\n");
        for (var i = 0; i < 20_000; i++)
        {
            text.Append("> 2026 1234 5678 9012 3456 7890 order ").Append(i).Append(" napisał\n");
        }

        var trimmed = ReplyTrimmer.Trim(text.ToString());

        Assert.Equal("Deny - we are two officers short until March.", trimmed);
    }

    [Fact]
    public void One_quote_line_of_a_million_characters_trims_to_the_reply_above_it()
    {
        var text = "yes\n\n" + new string('>', 1_000_000) + "\n> On Fri wrote:\n> Approve\n";

        var trimmed = ReplyTrimmer.Trim(text);

        Assert.Equal("yes", trimmed);
    }

    [Fact]
    public void An_on_wrote_marker_wrapped_over_two_lines_is_still_joined_and_cut()
    {
        const string text = "Deny - the detail overlaps the audit week.\n\nOn Fri, Dec 5, 2026 at 10:00 AM Notices <notices@agency.example>\nwrote:\n\n> Reply with APPROVE, or DENY and your reason.\n";

        Assert.Equal("Deny - the detail overlaps the audit week.", ReplyTrimmer.Trim(text));
    }
}
