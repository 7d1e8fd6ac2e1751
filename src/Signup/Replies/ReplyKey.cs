using System.Security.Cryptography;
using System.Text;

namespace Notices.Signup.Replies;

/// <summary>
/// What lets a reply find its approval request: one row per approval request email, bound to that request and to the
/// approver it was sent to. The key (in the Reply-To plus address) and the short subject tag are stored only as
/// SHA-256 hashes; <see cref="MessageId"/> is the Message-ID the outbox fixed for the email, which replies carry back
/// in In-Reply-To and References.
/// </summary>
internal sealed class ReplyKey
{
    public long Id { get; set; }

    public long ApprovalId { get; set; }

    /// <summary>The approver the email went to: only they (or their current delegate) can decide by replying to it.</summary>
    public string ApproverEmployeeId { get; set; } = "";

    public byte[] KeyHash { get; set; } = [];

    public byte[] TagHash { get; set; } = [];

    /// <summary>Our Message-ID for the email (without angle brackets).</summary>
    public string MessageId { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>A freshly issued reply key and subject tag (shown once, in the email) with the hashes that are stored.</summary>
internal readonly record struct IssuedReplyKey(string Key, string Tag, byte[] KeyHash, byte[] TagHash);

/// <summary>
/// Reply keys: 160 bits from the OS CSPRNG in lower-case base32 (32 characters, safe in an address's local part, which
/// some servers fold to lower case), and a subject tag of 40 bits (8 characters, <c>[AR-xxxxxxxx]</c>). Only SHA-256
/// hashes, salted by purpose, are stored. Parsing rejects anything of the wrong length or alphabet before any lookup.
/// </summary>
internal static class ReplyKeys
{
    public const int KeyLength = 32;
    public const int TagLength = 8;
    public const string TagPrefix = "AR-";
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz234567";

    public static IssuedReplyKey Issue()
    {
        var key = Random(KeyLength);
        var tag = Random(TagLength);
        return new IssuedReplyKey(key, tag, Hash("reply-key:", key), Hash("reply-tag:", tag));
    }

    /// <summary>The subject tag as it appears in the subject: <c>[AR-xxxxxxxx]</c>.</summary>
    public static string SubjectTag(string tag) => $"[{TagPrefix}{tag}]";

    public static bool TryHashKey(ReadOnlySpan<char> presented, out byte[] hash) => TryHash("reply-key:", presented, KeyLength, out hash);

    public static bool TryHashTag(ReadOnlySpan<char> presented, out byte[] hash) => TryHash("reply-tag:", presented, TagLength, out hash);

    private static bool TryHash(string purpose, ReadOnlySpan<char> presented, int length, out byte[] hash)
    {
        hash = [];
        if (presented.Length != length)
        {
            return false;
        }

        Span<char> lower = stackalloc char[length];
        for (var i = 0; i < length; i++)
        {
            var c = char.ToLowerInvariant(presented[i]);
            if (!Alphabet.Contains(c, StringComparison.Ordinal))
            {
                return false;
            }

            lower[i] = c;
        }

        hash = Hash(purpose, new string(lower));
        return true;
    }

    private static string Random(int length)
    {
        Span<byte> bytes = stackalloc byte[length];
        RandomNumberGenerator.Fill(bytes);
        return string.Create(length, bytes.ToArray(), static (chars, b) =>
        {
            for (var i = 0; i < chars.Length; i++)
            {
                chars[i] = Alphabet[b[i] & 31];
            }
        });
    }

    private static byte[] Hash(string purpose, string value) => SHA256.HashData(Encoding.ASCII.GetBytes(purpose + value));
}
