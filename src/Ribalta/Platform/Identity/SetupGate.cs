using Ribalta.Platform.Security;

namespace Ribalta.Platform.Identity;

/// <summary>
/// Guards first-run set-up. Until an administrator exists, a single-use token printed to the console is the
/// only way to create one; an open install page is how help desks get taken over.
/// </summary>
public sealed class SetupGate
{
    private readonly Lock _lock = new();
    private string? _tokenHash;

    /// <summary>Opens the gate and returns the secret to print. Called at start-up when no administrator exists.</summary>
    public string Open()
    {
        var token = SecretToken.Create();
        lock (_lock)
        {
            _tokenHash = SecretToken.Hash(token);
        }

        return token;
    }

    public bool IsOpen
    {
        get
        {
            lock (_lock)
            {
                return _tokenHash is not null;
            }
        }
    }

    public bool Matches(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return false;
        }

        lock (_lock)
        {
            return _tokenHash is not null && SecretToken.FixedTimeEquals(_tokenHash, SecretToken.Hash(token));
        }
    }

    public void Close()
    {
        lock (_lock)
        {
            _tokenHash = null;
        }
    }

    /// <summary>Consumes the token: true for exactly one caller holding it.</summary>
    public bool TryConsume(string? token)
    {
        lock (_lock)
        {
            if (!Matches(token))
            {
                return false;
            }

            _tokenHash = null;
            return true;
        }
    }
}
