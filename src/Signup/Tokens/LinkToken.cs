using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;

namespace Notices.Signup.Tokens;

/// <summary>What a link token may be used for. Part of the hash, so a token minted for one purpose never works for another.</summary>
public enum TokenPurpose : byte
{
    Signup = 1,
    Approval = 2,
}

/// <summary>
/// A link token: 256 bits from the OS CSPRNG, base64url in the URL (43 characters). Only
/// <see cref="Hash"/> — SHA-256 over the purpose and the secret — is ever stored; the subject (a notice and employee,
/// or one approval), the expiry and revocation live on the row that holds the hash.
/// </summary>
public readonly record struct IssuedToken(string Value, byte[] Hash);

public static class LinkToken
{
    public const int SecretBytes = 32;
    public const int EncodedLength = 43;
    public const int HashBytes = 32;

    public static IssuedToken Issue(TokenPurpose purpose)
    {
        Span<byte> secret = stackalloc byte[SecretBytes];
        RandomNumberGenerator.Fill(secret);
        var value = Base64Url.EncodeToString(secret);
        var hash = HashSecret(purpose, secret);
        CryptographicOperations.ZeroMemory(secret);
        return new IssuedToken(value, hash);
    }

    /// <summary>
    /// The stored hash for a token presented in a link, or false when it cannot be one of ours (wrong length or alphabet).
    /// Malformed input is rejected before any database lookup.
    /// </summary>
    public static bool TryHash(TokenPurpose purpose, ReadOnlySpan<char> presented, out byte[] hash)
    {
        hash = [];
        if (presented.Length != EncodedLength)
        {
            return false;
        }

        Span<byte> secret = stackalloc byte[SecretBytes];
        var status = Base64Url.DecodeFromChars(presented, secret, out var consumed, out var written);
        if (status != OperationStatus.Done || consumed != EncodedLength || written != SecretBytes)
        {
            return false;
        }

        // Only the canonical encoding is accepted: the last character carries 2 spare bits that must be zero.
        if (!presented.SequenceEqual(Base64Url.EncodeToString(secret)))
        {
            return false;
        }

        hash = HashSecret(purpose, secret);
        CryptographicOperations.ZeroMemory(secret);
        return true;
    }

    /// <summary>
    /// A token derived from a 256-bit random key held by its owner (a notice's link key, protected with Data Protection)
    /// and a subject (<c>notice/employee</c>): HMAC-SHA256, so it is as unguessable as a random one while the key is
    /// secret, and a retried or resent message carries the same link. The database keeps only <see cref="IssuedToken.Hash"/>.
    /// </summary>
    public static IssuedToken Derive(TokenPurpose purpose, ReadOnlySpan<byte> key, string subject)
    {
        if (key.Length < SecretBytes)
        {
            throw new ArgumentException($"A link key has at least {SecretBytes} bytes.", nameof(key));
        }

        Span<byte> secret = stackalloc byte[SecretBytes];
        var subjectBytes = System.Text.Encoding.UTF8.GetBytes($"{(byte)purpose}:{subject}");
        HMACSHA256.HashData(key, subjectBytes, secret);
        var value = Base64Url.EncodeToString(secret);
        var hash = HashSecret(purpose, secret);
        CryptographicOperations.ZeroMemory(secret);
        return new IssuedToken(value, hash);
    }

    /// <summary>A new link key: 256 bits from the OS CSPRNG.</summary>
    public static byte[] NewKey() => RandomNumberGenerator.GetBytes(SecretBytes);

    private static byte[] HashSecret(TokenPurpose purpose, ReadOnlySpan<byte> secret)
    {
        Span<byte> input = stackalloc byte[SecretBytes + 1];
        input[0] = (byte)purpose;
        secret.CopyTo(input[1..]);
        var hash = SHA256.HashData(input);
        CryptographicOperations.ZeroMemory(input);
        return hash;
    }
}
