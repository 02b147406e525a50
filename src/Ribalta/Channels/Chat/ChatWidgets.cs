using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Ribalta.Channels.Contracts.Events;
using Ribalta.Cases.Contracts.Events;
using Ribalta.Platform.Data;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;
using Ribalta.Platform.Identity;
using Ribalta.Platform.Localization;

namespace Ribalta.Channels.Chat;

/// <summary>A chat widget as an admin sets it: the sites allowed to embed it, one origin each ("https://shop.example.com").</summary>
public sealed record ChatWidgetInput(
    string? Name,
    IReadOnlyList<string>? AllowedOrigins,
    bool? Enabled = null,
    Guid? DepartmentId = null,
    Guid? MailboxId = null,
    IReadOnlyDictionary<string, string>? Greetings = null);

/// <summary>A chat widget as shown back, with the snippet to paste into a site.</summary>
public sealed record ChatWidgetDto(
    Guid Id,
    string Key,
    string Name,
    bool Enabled,
    IReadOnlyList<string> AllowedOrigins,
    Guid? DepartmentId,
    Guid? MailboxId,
    IReadOnlyDictionary<string, string> Greetings,
    DateTimeOffset CreatedAt);

/// <summary>What the widget needs to know of itself, cached: it is read on every chat connection.</summary>
internal sealed record WidgetView(Guid Id, string Key, string Name, bool Enabled, IReadOnlySet<string> AllowedOrigins, Guid? DepartmentId, Guid? MailboxId, IReadOnlyDictionary<string, string> Greetings);

/// <summary>The admins' side of chat widgets: create, edit, remove (a widget with chats can only be turned off).</summary>
internal sealed class ChatWidgetService(RibaltaDbContext db, ChatWidgetCache cache, TimeProvider clock) : Cases.Contracts.IChannelDoors
{
    async Task<IReadOnlyList<Cases.Contracts.ChannelDoor>> Cases.Contracts.IChannelDoors.DoorsAsync(CancellationToken ct) =>
        (await ListAsync(ct)).Select(w => new Cases.Contracts.ChannelDoor(Cases.Contracts.ChannelDoorKind.ChatWidget, w.Name, null, w.DepartmentId)).ToList();

    public async Task<IReadOnlyList<ChatWidgetDto>> ListAsync(CancellationToken ct) =>
        (await db.Set<ChatWidget>().AsNoTracking().OrderBy(w => w.Name).ToListAsync(ct)).Select(ToDto).ToList();

    public async Task<Result<ChatWidgetDto>> GetAsync(Guid id, CancellationToken ct) =>
        await db.Set<ChatWidget>().AsNoTracking().FirstOrDefaultAsync(w => w.Id == id, ct) is { } widget ? ToDto(widget) : Error.NotFound();

    public async Task<Result<ChatWidgetDto>> CreateAsync(Actor actor, ChatWidgetInput input, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var widget = new ChatWidget { Key = NewKey(), Name = "", CreatedAt = now };
        if (await ApplyAsync(widget, input, creating: true, ct) is { } invalid)
        {
            return invalid;
        }

        widget.UpdatedAt = now;
        db.Add(widget);
        db.Append(clock, actor, new ChatWidgetCreated(widget.Name, widget.Enabled, widget.AllowedOrigins, widget.DepartmentId, widget.MailboxId), "chat_widget", widget.Id.ToString());
        await db.SaveChangesAsync(ct);
        cache.Forget(widget.Key);
        return ToDto(widget);
    }

    public async Task<Result<ChatWidgetDto>> UpdateAsync(Actor actor, Guid id, ChatWidgetInput input, CancellationToken ct)
    {
        var widget = await db.Set<ChatWidget>().FirstOrDefaultAsync(w => w.Id == id, ct);
        if (widget is null)
        {
            return Error.NotFound();
        }

        if (await ApplyAsync(widget, input, creating: false, ct) is { } invalid)
        {
            return invalid;
        }

        widget.UpdatedAt = clock.GetUtcNow();
        db.Append(clock, actor, new ChatWidgetUpdated(widget.Name, widget.Enabled, widget.AllowedOrigins, widget.DepartmentId, widget.MailboxId), "chat_widget", widget.Id.ToString());
        await db.SaveChangesAsync(ct);
        cache.Forget(widget.Key);
        return ToDto(widget);
    }

    public async Task<Result<bool>> DeleteAsync(Actor actor, Guid id, CancellationToken ct)
    {
        var widget = await db.Set<ChatWidget>().FirstOrDefaultAsync(w => w.Id == id, ct);
        if (widget is null)
        {
            return Error.NotFound();
        }

        if (await db.Set<ChatSession>().AnyAsync(s => s.WidgetId == id, ct))
        {
            return Error.Conflict("Error.ChatWidgetHasChats");
        }

        db.Remove(widget);
        db.Append(clock, actor, new ChatWidgetDeleted(widget.Name), "chat_widget", widget.Id.ToString());
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // A chat started between the check and the delete: its widget stays.
            db.ChangeTracker.Clear();
            return Error.Conflict("Error.ChatWidgetHasChats");
        }

        cache.Forget(widget.Key);
        return true;
    }

    /// <summary>Checks and applies the input; on an edit, what it leaves out (enabled, greetings) stays as it was.</summary>
    private async Task<Error?> ApplyAsync(ChatWidget widget, ChatWidgetInput input, bool creating, CancellationToken ct)
    {
        var v = new ValidationBuilder().Required("name", input.Name, ChatWidget.NameMax).NoControlCharacters("name", input.Name);
        var origins = new List<string>();
        var given = input.AllowedOrigins ?? [];
        if (given.Count > ChatWidget.MaxOrigins)
        {
            v.Add("allowedOrigins", "Validation.TooMany", ChatWidget.MaxOrigins);
        }

        foreach (var raw in given.Where(o => !string.IsNullOrWhiteSpace(o)).Take(ChatWidget.MaxOrigins))
        {
            if (ChatOrigin.Normalize(raw) is { } origin)
            {
                if (!origins.Contains(origin))
                {
                    origins.Add(origin);
                }
            }
            else
            {
                v.Add("allowedOrigins", "Validation.ChatOrigin", raw.Length > 80 ? raw[..80] + "…" : raw);
            }
        }

        foreach (var (language, text) in input.Greetings ?? new Dictionary<string, string>())
        {
            if (!SupportedCultures.IsSupported(language))
            {
                v.Add("greetings", "Validation.LanguageUnsupported", language ?? "");
            }

            v.MaxLength($"greetings.{language}", text, ChatWidget.GreetingMax).NoControlCharacters($"greetings.{language}", text);
        }

        if (input.DepartmentId is { } department && !await db.Set<Department>().AnyAsync(d => d.Id == department, ct))
        {
            v.Add("departmentId", "Validation.DepartmentUnknown");
        }

        if (input.MailboxId is { } mailbox && !await db.Set<Email.Mailbox>().AnyAsync(m => m.Id == mailbox, ct))
        {
            v.Add("mailboxId", "Validation.MailboxUnknown");
        }

        if (v.ToError() is { } invalid)
        {
            return invalid;
        }

        widget.Name = input.Name!.Trim();
        widget.AllowedOrigins = origins;
        widget.Enabled = input.Enabled ?? (creating || widget.Enabled);
        widget.DepartmentId = input.DepartmentId;
        widget.MailboxId = input.MailboxId;
        if (input.Greetings is not null)
        {
            widget.Greetings = input.Greetings.Where(g => !string.IsNullOrWhiteSpace(g.Value)).ToDictionary(g => g.Key, g => g.Value.Trim());
        }

        return null;
    }

    /// <summary>128 random bits, URL-safe: a key nobody guesses, so a widget is not found by trying.</summary>
    private static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static ChatWidgetDto ToDto(ChatWidget w) =>
        new(w.Id, w.Key, w.Name, w.Enabled, w.AllowedOrigins, w.DepartmentId, w.MailboxId, w.Greetings, w.CreatedAt);
}

/// <summary>
/// Widgets by key, kept for a short while: every chat connection and every poll of a fallback transport asks. A
/// change made here is seen at once; one made by another instance within <see cref="Lifetime"/>.
/// </summary>
internal sealed class ChatWidgetCache(IServiceScopeFactory scopes, TimeProvider clock)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);
    private readonly ConcurrentDictionary<string, (WidgetView Widget, DateTimeOffset Until)> _byKey = new(StringComparer.Ordinal);

    public async Task<WidgetView?> FindAsync(string? key, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(key) || key.Length > 32)
        {
            return null;
        }

        var now = clock.GetUtcNow();
        if (_byKey.TryGetValue(key, out var cached) && cached.Until > now)
        {
            return cached.Widget;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RibaltaDbContext>();
        var widget = await db.Set<ChatWidget>().AsNoTracking().FirstOrDefaultAsync(w => w.Key == key, ct);
        if (widget is null)
        {
            // Misses are not kept: made-up keys would otherwise fill the cache (one indexed lookup each is cheap).
            _byKey.TryRemove(key, out _);
            return null;
        }

        var view = new WidgetView(widget.Id, widget.Key, widget.Name, widget.Enabled,
            widget.AllowedOrigins.ToHashSet(StringComparer.Ordinal), widget.DepartmentId, widget.MailboxId, widget.Greetings);
        _byKey[key] = (view, now + Lifetime);
        return view;
    }

    public void Forget(string key) => _byKey.TryRemove(key, out _);
}
