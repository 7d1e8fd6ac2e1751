using Notices.Signup.Tokens;

namespace Notices.Signup.Tests;

public sealed class LinkTokenTests
{
    [Fact]
    public void Issued_token_is_256_bits_of_base64url_and_round_trips_to_its_hash()
    {
        var token = LinkToken.Issue(TokenPurpose.Signup);

        Assert.Equal(LinkToken.EncodedLength, token.Value.Length);
        Assert.Matches("^[A-Za-z0-9_-]{43}$", token.Value);
        Assert.Equal(LinkToken.HashBytes, token.Hash.Length);
        Assert.True(LinkToken.TryHash(TokenPurpose.Signup, token.Value, out var hash));
        Assert.Equal(token.Hash, hash);
    }

    [Fact]
    public void Stored_hash_is_not_the_token()
    {
        var token = LinkToken.Issue(TokenPurpose.Signup);

        Assert.DoesNotContain(token.Value, Convert.ToBase64String(token.Hash), StringComparison.Ordinal);
        Assert.NotEqual(Convert.FromBase64String(Convert.ToBase64String(token.Hash)), System.Buffers.Text.Base64Url.DecodeFromChars(token.Value));
    }

    [Fact]
    public void Token_for_one_purpose_hashes_differently_for_another()
    {
        var token = LinkToken.Issue(TokenPurpose.Signup);

        Assert.True(LinkToken.TryHash(TokenPurpose.Approval, token.Value, out var asApproval));
        Assert.NotEqual(token.Hash, asApproval);
    }

    [Theory]
    [InlineData("")]
    [InlineData("short")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")] // 42 characters
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")] // 44 characters
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+")] // not the URL alphabet
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB")] // non-canonical: spare bits set
    public void Malformed_token_is_rejected_before_any_lookup(string presented)
    {
        Assert.False(LinkToken.TryHash(TokenPurpose.Signup, presented, out _));
    }

    [Fact]
    public void Ten_thousand_issued_tokens_are_distinct()
    {
        var tokens = Enumerable.Range(0, 10_000).Select(_ => LinkToken.Issue(TokenPurpose.Signup).Value).ToHashSet(StringComparer.Ordinal);

        Assert.Equal(10_000, tokens.Count);
    }
}
