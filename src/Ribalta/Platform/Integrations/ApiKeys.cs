using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Ribalta.Platform.Contracts.Events;
using Ribalta.Platform.Data;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;
using Ribalta.Platform.Security;

namespace Ribalta.Platform.Integrations;

/// <summary>What an integration's key may do: read (safe methods), write (cases, messages, customers), admin (settings).</summary>
[Flags]
public enum ApiKeyScopes
{
    None = 0,
    Read = 1,
    Write = 2,
    Admin = 4,
}

/// <summary>A key as listed: never the secret, only the prefix that lets an admin recognise it.</summary>
public sealed record ApiKeyDto(
    Guid Id, string Name, string Prefix, IReadOnlyList<string> Scopes, DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset ExpiresAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt);

/// <summary>A new key: <c>Key</c> is shown this once and stored only as a hash.</summary>
public sealed record ApiKeyCreated(ApiKeyDto ApiKey, string Key);

public sealed record ApiKeyInput(string? Name, IReadOnlyList<string>? Scopes, int? ExpiresInDays);

/// <summary>An integration's credential: 256 random bits behind a readable prefix, stored as a SHA-256 hash, expiring, revocable.</summary>
internal sealed class ApiKey
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public required string Name { get; set; }

    /// <summary>The first characters of the key (<c>rbk_</c> and eight more), shown in lists and logs.</summary>
    public required string Prefix { get; init; }

    public required string SecretHash { get; init; }

    public ApiKeyScopes Scopes { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public required string CreatedBy { get; init; }

    public DateTimeOffset ExpiresAt { get; init; }

    public DateTimeOffset? LastUsedAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }

    public ApiKeyDto ToDto() => new(
        Id, Name, Prefix, Enum.GetValues<ApiKeyScopes>().Where(s => s != ApiKeyScopes.None && Scopes.HasFlag(s)).Select(s => s.ToString().ToLowerInvariant()).ToList(),
        CreatedAt, CreatedBy, ExpiresAt, LastUsedAt, RevokedAt);
}

internal sealed class ApiKeyConfiguration : IEntityTypeConfiguration<ApiKey>
{
    public const int NameMax = 100;

    public void Configure(EntityTypeBuilder<ApiKey> builder)
    {
        builder.ToTable("api_keys");
        builder.HasKey(k => k.Id);
        builder.Property(k => k.Name).HasMaxLength(NameMax);
        builder.Property(k => k.Prefix).HasMaxLength(20);
        builder.Property(k => k.SecretHash).HasMaxLength(64);
        builder.Property(k => k.CreatedBy).HasMaxLength(200);
        builder.HasIndex(k => k.SecretHash).IsUnique();
        builder.HasIndex(k => k.CreatedAt);
    }
}

/// <summary>Creates, lists, revokes and checks integration keys.</summary>
internal sealed class ApiKeyService(RibaltaDbContext db, TimeProvider clock)
{
    public const string KeyPrefix = "rbk_";

    public const int DefaultDays = 365;

    public const int MaxDays = 730;

    /// <summary>Last-used times are written at most this often per key, not on every request.</summary>
    private static readonly TimeSpan UsageResolution = TimeSpan.FromMinutes(1);

    public async Task<IReadOnlyList<ApiKeyDto>> ListAsync(CancellationToken ct) =>
        (await db.Set<ApiKey>().AsNoTracking().OrderByDescending(k => k.CreatedAt).Take(500).ToListAsync(ct)).Select(k => k.ToDto()).ToList();

    public async Task<Result<ApiKeyCreated>> CreateAsync(Actor actor, ApiKeyInput input, CancellationToken ct)
    {
        var v = new ValidationBuilder().Required("name", input.Name, ApiKeyConfiguration.NameMax).NoControlCharacters("name", input.Name);
        var scopes = ApiKeyScopes.None;
        foreach (var name in input.Scopes ?? [])
        {
            if (Enum.TryParse<ApiKeyScopes>(name, ignoreCase: true, out var scope) && scope != ApiKeyScopes.None && Enum.IsDefined(scope))
            {
                scopes |= scope;
            }
            else
            {
                v.Add("scopes", "Validation.ApiKeyScopeUnknown", name ?? "");
            }
        }

        if (scopes == ApiKeyScopes.None && (input.Scopes ?? []).Count == 0)
        {
            v.Add("scopes", "Validation.ApiKeyScopesRequired");
        }

        var days = input.ExpiresInDays ?? DefaultDays;
        if (days is < 1 or > MaxDays)
        {
            v.Add("expiresInDays", "Validation.ApiKeyDays", MaxDays);
        }

        if (v.ToError() is { } invalid)
        {
            return invalid;
        }

        var secret = KeyPrefix + SecretToken.Create();
        var now = clock.GetUtcNow();
        var key = new ApiKey
        {
            Name = input.Name!.Trim(),
            Prefix = secret[..(KeyPrefix.Length + 8)],
            SecretHash = SecretToken.Hash(secret),
            Scopes = scopes,
            CreatedAt = now,
            CreatedBy = actor.Name,
            ExpiresAt = now.AddDays(days),
        };
        db.Add(key);
        db.Append(clock, actor, new ApiKeyIssued(key.Name, key.Prefix, key.ToDto().Scopes, key.ExpiresAt), "api_key", key.Id.ToString());
        await db.SaveChangesAsync(ct);
        return new ApiKeyCreated(key.ToDto(), secret);
    }

    public async Task<Result<ApiKeyDto>> RevokeAsync(Actor actor, Guid id, CancellationToken ct)
    {
        var key = await db.Set<ApiKey>().FirstOrDefaultAsync(k => k.Id == id, ct);
        if (key is null)
        {
            return Error.NotFound();
        }

        if (key.RevokedAt is null)
        {
            key.RevokedAt = clock.GetUtcNow();
            db.Append(clock, actor, new ApiKeyRevoked(key.Name, key.Prefix), "api_key", key.Id.ToString());
            await db.SaveChangesAsync(ct);
        }

        return key.ToDto();
    }

    /// <summary>The live key a presented secret belongs to, or null (unknown, revoked or expired). Notes when it was used.</summary>
    public async Task<ApiKey?> VerifyAsync(string presented, CancellationToken ct)
    {
        if (!presented.StartsWith(KeyPrefix, StringComparison.Ordinal) || presented.Length > 100)
        {
            return null;
        }

        var hash = SecretToken.Hash(presented);
        var key = await db.Set<ApiKey>().AsNoTracking().FirstOrDefaultAsync(k => k.SecretHash == hash, ct);
        var now = clock.GetUtcNow();
        if (key is null || key.RevokedAt is not null || key.ExpiresAt <= now)
        {
            return null;
        }

        if (key.LastUsedAt is null || now - key.LastUsedAt >= UsageResolution)
        {
            await db.Set<ApiKey>().Where(k => k.Id == key.Id).ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAt, now), ct);
            key.LastUsedAt = now;
        }

        return key;
    }
}
