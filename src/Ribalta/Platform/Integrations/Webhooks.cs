using System.Text.RegularExpressions;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.Extensions.Options;
using Ribalta.Platform.Contracts.Events;
using Ribalta.Platform.Data;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;
using Ribalta.Platform.Security;

namespace Ribalta.Platform.Integrations;

/// <summary>How webhooks are sent. Internal and special-purpose addresses are refused (<see cref="Net.OutboundAddressGuard"/>) unless their host is allowed here or in <c>Outbound:AllowedHosts</c>.</summary>
public sealed class WebhookOptions
{
    public const string Section = "Webhooks";

    /// <summary>Host names or IP literals allowed for webhooks only, even though they are internal (e.g. an on-premises CRM); kept beside <c>Outbound:AllowedHosts</c>.</summary>
    public List<string> AllowedHosts { get; init; } = [];

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);
}

public sealed record WebhookDto(Guid Id, string Url, IReadOnlyList<string> EventTypes, string? Description, bool Active, DateTimeOffset CreatedAt, string CreatedBy);

/// <summary>A new subscription: <c>Secret</c> signs every delivery and is shown this once.</summary>
public sealed record WebhookCreated(WebhookDto Webhook, string Secret);

public sealed record WebhookInput(string? Url, IReadOnlyList<string>? EventTypes, string? Description);

public sealed record WebhookDeliveryDto(
    long Id, Guid SubscriptionId, long EventId, string EventType, string Status, int Attempts, DateTimeOffset CreatedAt, DateTimeOffset? NextAttemptAt, DateTimeOffset? DeliveredAt, int? LastStatusCode, string? LastError);

public enum WebhookDeliveryStatus
{
    Pending = 0,
    Delivered = 1,
    Failed = 2,
}

/// <summary>An admin's subscription of a URL to event types (<c>case.opened</c>, <c>case.*</c> or <c>*</c>).</summary>
internal sealed class WebhookSubscription
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public required string Url { get; init; }

    /// <summary>Space-separated patterns.</summary>
    public required string EventTypes { get; init; }

    public string? Description { get; init; }

    /// <summary>The signing secret, protected with ASP.NET Core Data Protection (never stored or shown in clear).</summary>
    public required string ProtectedSecret { get; init; }

    public bool Active { get; set; } = true;

    public DateTimeOffset CreatedAt { get; init; }

    public required string CreatedBy { get; init; }

    public IReadOnlyList<string> Patterns => EventTypes.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    public bool Wants(string eventType) => Patterns.Any(p => p == "*" || p == eventType || (p.EndsWith(".*", StringComparison.Ordinal) && eventType.StartsWith(p[..^1], StringComparison.Ordinal)));

    public WebhookDto ToDto() => new(Id, Url, Patterns, Description, Active, CreatedAt, CreatedBy);
}

/// <summary>One event for one subscription: the outbox row the dispatcher sends, and afterwards the delivery log.</summary>
internal sealed class WebhookDelivery
{
    public long Id { get; private set; }

    public Guid SubscriptionId { get; init; }

    public long EventId { get; init; }

    public required string EventType { get; init; }

    /// <summary>The JSON body, fixed when queued, so a retry or a replay sends the same bytes.</summary>
    public required string Body { get; init; }

    public WebhookDeliveryStatus Status { get; set; }

    public int Attempts { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? NextAttemptAt { get; set; }

    public DateTimeOffset? DeliveredAt { get; set; }

    public int? LastStatusCode { get; set; }

    public string? LastError { get; set; }

    public WebhookDeliveryDto ToDto() => new(Id, SubscriptionId, EventId, EventType, Status.ToString(), Attempts, CreatedAt, NextAttemptAt, DeliveredAt, LastStatusCode, LastError);
}

internal sealed class WebhookConfigurations : IEntityTypeConfiguration<WebhookSubscription>, IEntityTypeConfiguration<WebhookDelivery>
{
    public const int UrlMax = 2000;

    public void Configure(EntityTypeBuilder<WebhookSubscription> builder)
    {
        builder.ToTable("webhook_subscriptions");
        builder.HasKey(w => w.Id);
        builder.Property(w => w.Url).HasMaxLength(UrlMax);
        builder.Property(w => w.EventTypes).HasMaxLength(1000);
        builder.Property(w => w.Description).HasMaxLength(200);
        builder.Property(w => w.ProtectedSecret).HasMaxLength(1000);
        builder.Property(w => w.CreatedBy).HasMaxLength(200);
        builder.Ignore(w => w.Patterns);
    }

    public void Configure(EntityTypeBuilder<WebhookDelivery> builder)
    {
        builder.ToTable("webhook_deliveries");
        builder.HasKey(d => d.Id);
        builder.Property(d => d.EventType).HasMaxLength(100);
        builder.Property(d => d.LastError).HasMaxLength(500);
        builder.HasOne<WebhookSubscription>().WithMany().HasForeignKey(d => d.SubscriptionId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(d => new { d.Status, d.NextAttemptAt });
        builder.HasIndex(d => new { d.SubscriptionId, d.Id });
    }
}

/// <summary>Subscriptions and their delivery logs, for admins.</summary>
internal sealed partial class WebhookService(
    RibaltaDbContext db, IDataProtectionProvider protection, Net.OutboundAddressGuard guard, IOptions<WebhookOptions> options, WebhookSignal signal, TimeProvider clock)
{
    public const string SecretPrefix = "whsec_";

    public IDataProtector Protector => protection.CreateProtector("Ribalta.Webhooks.Secret");

    public async Task<IReadOnlyList<WebhookDto>> ListAsync(CancellationToken ct) =>
        (await db.Set<WebhookSubscription>().AsNoTracking().OrderByDescending(w => w.CreatedAt).Take(200).ToListAsync(ct)).Select(w => w.ToDto()).ToList();

    public async Task<Result<WebhookCreated>> CreateAsync(Actor actor, WebhookInput input, CancellationToken ct)
    {
        var v = new ValidationBuilder().Required("url", input.Url, WebhookConfigurations.UrlMax).MaxLength("description", input.Description, 200).NoControlCharacters("description", input.Description);
        if (input.Url is { Length: > 0 } url)
        {
            if (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || !string.IsNullOrEmpty(uri.UserInfo))
            {
                v.Add("url", "Validation.Url");
            }
            else if (!guard.MayCall(uri.Host, options.Value.AllowedHosts))
            {
                v.Add("url", "Validation.WebhookPrivateAddress", uri.Host);
            }
        }

        var patterns = (input.EventTypes ?? []).Select(t => t?.Trim() ?? "").Distinct().ToList();
        if (patterns.Count == 0)
        {
            v.Add("eventTypes", "Validation.WebhookEventsRequired");
        }

        foreach (var pattern in patterns.Where(p => p.Length > 100 || !EventPattern().IsMatch(p)).Take(5))
        {
            v.Add("eventTypes", "Validation.WebhookEventPattern", pattern.Length > 100 ? pattern[..100] + "…" : pattern);
        }

        if (patterns.Count > 20)
        {
            v.Add("eventTypes", "Validation.WebhookEventCount", 20);
        }

        if (v.ToError() is { } invalid)
        {
            return invalid;
        }

        var secret = SecretPrefix + SecretToken.Create();
        var webhook = new WebhookSubscription
        {
            Url = input.Url!.Trim(),
            EventTypes = string.Join(' ', patterns),
            Description = string.IsNullOrWhiteSpace(input.Description) ? null : input.Description.Trim(),
            ProtectedSecret = Protector.Protect(secret),
            CreatedAt = clock.GetUtcNow(),
            CreatedBy = actor.Name,
        };
        db.Add(webhook);
        // The log keeps where it goes without the query string, which often carries the receiver's own token.
        db.Append(clock, actor, new WebhookSubscribed(WithoutQuery(webhook.Url), patterns), "webhook", webhook.Id.ToString());
        await db.SaveChangesAsync(ct);
        return new WebhookCreated(webhook.ToDto(), secret);
    }

    /// <summary>Stops a subscription; its log stays.</summary>
    public async Task<Result<WebhookDto>> DeactivateAsync(Actor actor, Guid id, CancellationToken ct)
    {
        var webhook = await db.Set<WebhookSubscription>().FirstOrDefaultAsync(w => w.Id == id, ct);
        if (webhook is null)
        {
            return Error.NotFound();
        }

        if (webhook.Active)
        {
            webhook.Active = false;
            db.Append(clock, actor, new WebhookDeactivated(WithoutQuery(webhook.Url)), "webhook", webhook.Id.ToString());
            await db.SaveChangesAsync(ct);
        }

        return webhook.ToDto();
    }

    public async Task<Result<IReadOnlyList<WebhookDeliveryDto>>> DeliveriesAsync(Guid id, CancellationToken ct)
    {
        if (!await db.Set<WebhookSubscription>().AnyAsync(w => w.Id == id, ct))
        {
            return Error.NotFound();
        }

        var deliveries = await db.Set<WebhookDelivery>().AsNoTracking().Where(d => d.SubscriptionId == id).OrderByDescending(d => d.Id).Take(100).ToListAsync(ct);
        return deliveries.Select(d => d.ToDto()).ToList();
    }

    /// <summary>Sends a delivery again, as a new delivery with the same body (the receiver sees the same event id).</summary>
    public async Task<Result<WebhookDeliveryDto>> ReplayAsync(Actor actor, long deliveryId, CancellationToken ct)
    {
        var original = await db.Set<WebhookDelivery>().AsNoTracking().FirstOrDefaultAsync(d => d.Id == deliveryId, ct);
        if (original is null)
        {
            return Error.NotFound();
        }

        if (!await db.Set<WebhookSubscription>().AnyAsync(w => w.Id == original.SubscriptionId && w.Active, ct))
        {
            return Error.Conflict("Error.WebhookInactive");
        }

        var now = clock.GetUtcNow();
        var replay = new WebhookDelivery
        {
            SubscriptionId = original.SubscriptionId,
            EventId = original.EventId,
            EventType = original.EventType,
            Body = original.Body,
            CreatedAt = now,
            NextAttemptAt = now,
        };
        db.Add(replay);
        db.Append(clock, actor, new WebhookReplayed(original.Id, original.EventId), "webhook", original.SubscriptionId.ToString());
        await db.SaveChangesAsync(ct);
        signal.Wake();
        return replay.ToDto();
    }

    private static string WithoutQuery(string url) => Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.GetLeftPart(UriPartial.Path) : url;

    [GeneratedRegex(@"^(\*|[a-z_]+(\.[a-z_]+)*(\.\*)?)$", RegexOptions.CultureInvariant)]
    private static partial Regex EventPattern();
}
