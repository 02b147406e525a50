using System.Collections.Concurrent;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Ribalta.Cases.Contracts;

namespace Ribalta.Cases.ViewCase;

/// <summary>One open case page: which case, whose page, and whether they are typing a reply.</summary>
public sealed record CaseViewerPresence(Guid Session, string? PersonId, string Name, bool Replying);

/// <summary>
/// Who has a case open, per page (session), in memory on this node. People are shown once however many of their tabs
/// are open, never to themselves, and only while their page is connected: <see cref="PresenceCircuit"/> takes a page
/// out when its browser goes away (a closed tab, a lost connection) and puts it back if it reconnects.
/// </summary>
internal sealed class CasePresence : IStaffPresence
{
    private readonly ConcurrentDictionary<long, ConcurrentDictionary<Guid, CaseViewerPresence>> _cases = new();

    public event Action<long>? Changed;

    public void Enter(long caseId, Guid session, string? personId, string name) => Set(caseId, new CaseViewerPresence(session, personId, name, false));

    public void Replying(long caseId, Guid session, string? personId, string name, bool replying) => Set(caseId, new CaseViewerPresence(session, personId, name, replying));

    public void Leave(long caseId, Guid session)
    {
        if (_cases.TryGetValue(caseId, out var viewers) && viewers.TryRemove(session, out _))
        {
            if (viewers.IsEmpty)
            {
                _cases.TryRemove(new KeyValuePair<long, ConcurrentDictionary<Guid, CaseViewerPresence>>(caseId, viewers));
            }

            Changed?.Invoke(caseId);
        }
    }

    /// <summary>
    /// The other people looking at the case, once each (typing if any of their pages is), never the asking person in
    /// another tab. <paramref name="personId"/> null: everyone but the asking session.
    /// </summary>
    public bool AnyoneReplying(long caseId) => _cases.TryGetValue(caseId, out var viewers) && viewers.Values.Any(v => v.Replying);

    public IReadOnlyList<CaseViewerPresence> Others(long caseId, Guid session, string? personId = null) =>
        _cases.TryGetValue(caseId, out var viewers)
            ? viewers.Values
                .Where(v => v.Session != session && (personId is null || v.PersonId != personId))
                .GroupBy(v => v.PersonId ?? v.Session.ToString())
                .Select(g => g.OrderByDescending(v => v.Replying).First())
                .OrderBy(v => v.Name, StringComparer.CurrentCulture)
                .ToList()
            : [];

    private void Set(long caseId, CaseViewerPresence presence)
    {
        var viewers = _cases.GetOrAdd(caseId, _ => new ConcurrentDictionary<Guid, CaseViewerPresence>());
        var changed = !viewers.TryGetValue(presence.Session, out var before) || before != presence;
        viewers[presence.Session] = presence;
        if (changed)
        {
            Changed?.Invoke(caseId);
        }
    }
}

/// <summary>
/// The case pages of one Blazor circuit (one browser tab). When the tab's connection goes down its pages leave the
/// cases at once, instead of lingering until the server drops the disconnected circuit minutes later; if it comes
/// back, they enter again.
/// </summary>
internal sealed class PresenceCircuit(CasePresence presence) : CircuitHandler
{
    private readonly ConcurrentDictionary<Guid, CaseViewerPresence> _pages = new();
    private readonly ConcurrentDictionary<Guid, long> _caseOf = new();

    public void Track(long caseId, CaseViewerPresence page)
    {
        _pages[page.Session] = page;
        _caseOf[page.Session] = caseId;
    }

    public void Forget(Guid session)
    {
        _pages.TryRemove(session, out _);
        _caseOf.TryRemove(session, out _);
    }

    public override Task OnConnectionDownAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        foreach (var (session, caseId) in _caseOf)
        {
            presence.Leave(caseId, session);
        }

        return Task.CompletedTask;
    }

    public override Task OnConnectionUpAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        foreach (var (session, page) in _pages)
        {
            if (_caseOf.TryGetValue(session, out var caseId))
            {
                presence.Enter(caseId, session, page.PersonId, page.Name);
            }
        }

        return Task.CompletedTask;
    }
}
