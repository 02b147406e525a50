using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.Extensions.Caching.Memory;

namespace Ribalta.Platform.Identity;

/// <summary>
/// One signed-in browser or client, staff or customer. The cookie carries its id and every request checks that it has
/// not ended, so signing out (here, everywhere, or by deactivation) ends a copy of the cookie too, not only the browser's.
/// </summary>
internal sealed class SignInSession
{
    public Guid Id { get; set; }

    /// <summary><see cref="SignInSessions.Staff"/> or <see cref="SignInSessions.Customer"/>.</summary>
    public string Kind { get; set; } = "";

    /// <summary>The staff user's or the customer's id.</summary>
    public Guid SubjectId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the cookie was last issued or renewed; it cannot outlive this by more than its lifetime.</summary>
    public DateTimeOffset RenewedAt { get; set; }

    public DateTimeOffset? EndedAt { get; set; }
}

internal sealed class SignInSessionConfiguration : IEntityTypeConfiguration<SignInSession>
{
    public void Configure(EntityTypeBuilder<SignInSession> builder)
    {
        builder.ToTable("sign_in_sessions");
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.Property(s => s.Kind).HasMaxLength(16);
        builder.HasIndex(s => new { s.Kind, s.SubjectId });
        builder.HasIndex(s => s.RenewedAt);
    }
}

/// <summary>Starts, checks and ends <see cref="SignInSession"/>s. A live session is remembered for a few seconds per node.</summary>
public sealed class SignInSessions(Data.RibaltaDbContext db, IMemoryCache cache, TimeProvider clock)
{
    public const string Staff = "staff";
    public const string Customer = "customer";

    /// <summary>The claim on the cookie that names its session.</summary>
    public const string ClaimType = "ribalta:session";

    /// <summary>
    /// How long a node trusts that a session it has seen live still is. Sign-out on this node forgets it at once; on
    /// another node of a cluster a session ended elsewhere may still pass for this long.
    /// </summary>
    public static readonly TimeSpan CheckCache = TimeSpan.FromSeconds(10);

    public static Guid? IdOf(ClaimsPrincipal? user) =>
        Guid.TryParse(user?.FindFirstValue(ClaimType), out var id) ? id : null;

    public async Task<Guid> StartAsync(string kind, Guid subjectId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var session = new SignInSession { Id = Guid.CreateVersion7(now), Kind = kind, SubjectId = subjectId, CreatedAt = now, RenewedAt = now };
        db.Add(session);
        await db.SaveChangesAsync(ct);
        db.Entry(session).State = EntityState.Detached;
        return session.Id;
    }

    /// <summary>Whether the session exists, belongs to this person and has not ended.</summary>
    public async Task<bool> IsLiveAsync(Guid id, string kind, Guid subjectId, CancellationToken ct)
    {
        if (cache.TryGetValue(CacheKey(id), out (string Kind, Guid Subject) known))
        {
            return known.Kind == kind && known.Subject == subjectId;
        }

        var live = await db.Set<SignInSession>().AsNoTracking()
            .AnyAsync(s => s.Id == id && s.Kind == kind && s.SubjectId == subjectId && s.EndedAt == null, ct);
        if (live)
        {
            cache.Set(CacheKey(id), (kind, subjectId), CheckCache);
        }

        return live;
    }

    /// <summary>Records that the cookie was renewed (sliding expiry), so the record is kept as long as the cookie may live.</summary>
    public Task RenewedAsync(Guid id, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        return db.Set<SignInSession>().Where(s => s.Id == id).ExecuteUpdateAsync(s => s.SetProperty(x => x.RenewedAt, now), ct);
    }

    public async Task EndAsync(Guid id, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await db.Set<SignInSession>().Where(s => s.Id == id && s.EndedAt == null).ExecuteUpdateAsync(s => s.SetProperty(x => x.EndedAt, now), ct);
        cache.Remove(CacheKey(id));
    }

    /// <summary>Ends every session of one person: "sign out everywhere", and deactivation.</summary>
    public async Task EndAllAsync(string kind, Guid subjectId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var sessions = db.Set<SignInSession>().Where(s => s.Kind == kind && s.SubjectId == subjectId && s.EndedAt == null);
        var ids = await sessions.Select(s => s.Id).ToListAsync(ct);
        await sessions.ExecuteUpdateAsync(s => s.SetProperty(x => x.EndedAt, now), ct);
        foreach (var id in ids)
        {
            cache.Remove(CacheKey(id));
        }
    }

    /// <summary>Deletes one batch of sessions that ended, or whose cookie has expired, more than a day ago; returns how many.</summary>
    public Task<int> ForgetAsync(TimeSpan longestLifetime, int batch, CancellationToken ct)
    {
        var day = clock.GetUtcNow() - TimeSpan.FromDays(1);
        var renewedBefore = day - longestLifetime;
        return db.Set<SignInSession>()
            .Where(s => s.EndedAt < day || s.RenewedAt < renewedBefore)
            .OrderBy(s => s.Id)
            .Take(batch)
            .ExecuteDeleteAsync(ct);
    }

    private static string CacheKey(Guid id) => "sign-in-session:" + id.ToString("N");
}
