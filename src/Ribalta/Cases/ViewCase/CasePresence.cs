using System.Collections.Concurrent;

namespace Ribalta.Cases.ViewCase;

/// <summary>Who has a case open right now, and who is writing to its customer, so two people never answer at once unknowingly.</summary>
public sealed record CaseViewerPresence(Guid Session, string Name, bool Replying);

public sealed class CasePresence
{
    private readonly ConcurrentDictionary<long, ConcurrentDictionary<Guid, CaseViewerPresence>> _cases = new();

    public event Action<long>? Changed;

    public void Enter(long caseId, Guid session, string name) => Set(caseId, new CaseViewerPresence(session, name, false));

    public void Replying(long caseId, Guid session, string name, bool replying) => Set(caseId, new CaseViewerPresence(session, name, replying));

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

    /// <summary>The others looking at the case, not counting the asking session.</summary>
    public IReadOnlyList<CaseViewerPresence> Others(long caseId, Guid session) =>
        _cases.TryGetValue(caseId, out var viewers) ? viewers.Values.Where(v => v.Session != session).OrderBy(v => v.Name, StringComparer.CurrentCulture).ToList() : [];

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
