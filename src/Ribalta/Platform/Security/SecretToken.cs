using System.Security.Cryptography;
using System.Text;

namespace Ribalta.Platform.Security;

/// <summary>
/// Bearer secrets handed to people (set-up, invitation and sign-in links): 256 random bits, URL-safe,
/// and only their SHA-256 hash is ever stored.
/// </summary>
public static class SecretToken
{
    public static string Create() => Base64UrlEncode(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    public static bool FixedTimeEquals(string hashA, string hashB) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(hashA), Encoding.ASCII.GetBytes(hashB));

    private static string Base64UrlEncode(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
