using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Notices.Identity.Database;
using Notices.Signup.Database;
using Notices.Signup.Replies;
using Notices.Testing;

namespace Notices.Signup.Tests.Replies;

/// <summary>The reply key on an approval request email: where it is carried, what is stored, and the settings checked at start.</summary>
public sealed class ReplyKeyTests
{
    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task An_approval_request_carries_its_key_in_the_reply_address_and_subject_and_the_database_holds_only_hashes(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var app = new NoticesAppFactory(db, ReplyApp.Settings(db));
        var scenario = await app.SeedSignupScenarioAsync(recipients: 1);
        using var person = app.CreateBrowserClient();
        await person.VolunteerAsync(scenario.PathOf("E000001"));

        var request = await ReplyApp.WaitForApprovalRequestAsync(app);
        var replyTo = Assert.Single(request.ReplyTo.Mailboxes).Address;
        var match = System.Text.RegularExpressions.Regex.Match(replyTo, "^approvals\\+([a-z2-7]{32})@agency\\.example$");
        Assert.True(match.Success, "Reply-To is the configured plus address with a 32-character key");
        var key = match.Groups[1].Value;
        var tag = System.Text.RegularExpressions.Regex.Match(request.Subject ?? "", "\\[AR-([a-z2-7]{8})\\]$");
        Assert.True(tag.Success, "the subject ends with the short tag");
        Assert.Contains("decide by replying to this email", string.Join(' ', (request.TextBody ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);

        await using var scope = app.Services.CreateAsyncScope();
        var stored = Assert.Single(await scope.ServiceProvider.GetRequiredService<SignupDbContext>().ReplyKeys.AsNoTracking().ToListAsync());
        Assert.True(ReplyKeys.TryHashKey(key, out var keyHash));
        Assert.True(ReplyKeys.TryHashTag(tag.Groups[1].Value, out var tagHash));
        Assert.Equal(keyHash, stored.KeyHash);
        Assert.Equal(tagHash, stored.TagHash);
        Assert.Equal(request.MessageId, stored.MessageId);
        Assert.Equal(SignupScenario.Supervisor, stored.ApproverEmployeeId);
        Assert.False(await app.DatabaseContainsAsync(key), "the key itself is stored nowhere");
    }

    [Fact]
    public void Keys_are_random_and_only_their_own_alphabet_and_length_hash()
    {
        var keys = Enumerable.Range(0, 1000).Select(_ => ReplyKeys.Issue()).ToList();
        Assert.Equal(1000, keys.Select(k => k.Key).Distinct(StringComparer.Ordinal).Count());
        Assert.All(keys, k => Assert.Equal(ReplyKeys.KeyLength, k.Key.Length));
        Assert.True(ReplyKeys.TryHashKey(keys[0].Key.ToUpperInvariant(), out var upper), "servers that fold case still match");
        Assert.Equal(keys[0].KeyHash, upper);
        Assert.False(ReplyKeys.TryHashKey(keys[0].Key.AsSpan()[..^1], out _));
        Assert.False(ReplyKeys.TryHashKey(string.Concat(keys[0].Key.AsSpan()[..^1], "1"), out _));
        Assert.False(ReplyKeys.TryHashTag(keys[0].Key, out _));
        Assert.NotEqual(keys[0].KeyHash, keys[0].TagHash);
    }

    [Theory]
    [InlineData("approvals@agency.example", "must hold {key} once")]
    [InlineData("{key}@{key}.example", "must hold {key} once")]
    [InlineData("approvals@{key}.example", "in the local part")]
    [InlineData("Approvals <approvals+{key}@agency.example>", "plain address pattern")]
    public async Task A_bad_reply_address_pattern_stops_the_start_naming_the_key(string pattern, string expected)
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var app = new NoticesAppFactory(db, new Dictionary<string, string>(ReplyApp.Settings(db)) { ["Notices:Mail:Inbound:ReplyAddress"] = pattern });
        var error = await app.StartupErrorAsync();
        Assert.NotNull(error);
        Assert.Contains("Notices:Mail:Inbound:ReplyAddress", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Outside_development_reading_replies_needs_our_authserv_id()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var settings = new Dictionary<string, string>(ReplyApp.Settings(db)) { ["Notices:Mail:Inbound:AuthServId"] = "" };
        await using var app = new NoticesAppFactory(db, settings, environment: "Production");
        var error = await app.StartupErrorAsync();
        Assert.NotNull(error);
        Assert.Contains("Notices:Mail:Inbound:AuthServId is required", error.Message, StringComparison.Ordinal);
    }
}
