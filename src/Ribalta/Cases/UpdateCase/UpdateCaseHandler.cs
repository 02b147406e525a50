using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Ribalta.Cases.Contracts;
using Ribalta.Cases.Contracts.Events;
using Ribalta.Cases.Domain;
using Ribalta.Cases.ViewCase;
using Ribalta.Platform.Data;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;
using Ribalta.Platform.Identity;

namespace Ribalta.Cases.UpdateCase;

/// <summary>A change to a case's own fields; absent fields stay as they are. <c>Unassign</c> clears the owner, <c>NoDepartment</c> the department.</summary>
public sealed record UpdateCaseRequest(
    CaseStatus? Status = null,
    CasePriority? Priority = null,
    Guid? AssigneeId = null,
    bool Unassign = false,
    Guid? DepartmentId = null,
    IReadOnlyList<string>? Tags = null,
    string? Subject = null,
    bool NoDepartment = false);

internal sealed class UpdateCaseHandler(RibaltaDbContext db, CaseReader reader, Targets.CaseTargets targets, TimeProvider clock)
{
    public async Task<Result<CaseDetails>> HandleAsync(Actor actor, long id, int expectedVersion, UpdateCaseRequest request, CancellationToken ct)
    {
        var @case = await db.Set<Case>().Include(c => c.Tags).FirstOrDefaultAsync(c => c.Id == id, ct);
        if (@case is null)
        {
            return Error.NotFound();
        }

        if (@case.Version != expectedVersion)
        {
            return Error.StaleVersion();
        }

        var v = new ValidationBuilder();
        if (request.Subject is not null)
        {
            v.Required("subject", request.Subject, Data.CaseConfiguration.SubjectMax).NoControlCharacters("subject", request.Subject);
        }

        if (request.Status is { } status && (!Enum.IsDefined(status) || (status != @case.Status && !@case.CanMoveTo(status))))
        {
            v.Add("status", "Validation.StatusTransition", @case.Status.ToString(), status.ToString());
        }

        if (request.Priority is { } priority && !Enum.IsDefined(priority))
        {
            v.Add("priority", "Validation.Invalid");
        }

        var tags = request.Tags is null ? null : CaseRules.NormalizeTags(request.Tags);
        if (tags is not null)
        {
            CaseRules.Tags(v, tags);
        }

        string? assigneeName = null;
        if (request.AssigneeId is { } assignee)
        {
            assigneeName = await db.Users.Where(u => u.Id == assignee && u.IsActive).Select(u => u.DisplayName).FirstOrDefaultAsync(ct);
            if (assigneeName is null)
            {
                v.Add("assigneeId", "Validation.StaffUnknown");
            }
            else if (!await MayWorkCasesAsync(assignee, ct))
            {
                // An executive (or anyone whose roles cannot open the case page's tools) would hold a case nobody works.
                v.Add("assigneeId", "Validation.AssigneeCannotWorkCases");
            }
        }

        if (request.DepartmentId is { } department && !await db.Set<Department>().AnyAsync(d => d.Id == department, ct))
        {
            v.Add("departmentId", "Validation.DepartmentUnknown");
        }

        if (v.ToError() is { } invalid)
        {
            return invalid;
        }

        if (@case.Status == CaseStatus.Closed)
        {
            return Error.Conflict("Error.CaseClosed");
        }

        var now = clock.GetUtcNow();
        var subjectId = id.ToString(CultureInfo.InvariantCulture);
        var changed = new List<string>();
        if (request.Status is { } newStatus && newStatus != @case.Status)
        {
            var before = @case.Status;
            @case.MoveTo(newStatus, now);
            db.Append(clock, actor, new CaseStatusChanged(before, newStatus), "case", subjectId, @case.CustomerId);
        }

        if ((request.AssigneeId is { } to && to != @case.AssigneeId) || (request.Unassign && @case.AssigneeId is not null))
        {
            var before = @case.AssigneeId;
            @case.AssigneeId = request.Unassign ? null : request.AssigneeId;
            db.Append(clock, actor, new CaseAssigned(before, @case.AssigneeId, assigneeName), "case", subjectId, @case.CustomerId);
        }

        if (request.Priority is { } p && p != @case.Priority)
        {
            @case.Priority = p;
            changed.Add("priority");
        }

        if ((request.DepartmentId is { } d && d != @case.DepartmentId) || (request.NoDepartment && request.DepartmentId is null && @case.DepartmentId is not null))
        {
            @case.DepartmentId = request.DepartmentId;
            changed.Add("department");
        }

        if (request.Subject is { } subject && subject.Trim() != @case.Subject)
        {
            @case.Subject = subject.Trim();
            changed.Add("subject");
        }

        if (tags is not null && !tags.Order(StringComparer.Ordinal).SequenceEqual(@case.Tags.Select(t => t.Tag).Order(StringComparer.Ordinal)))
        {
            @case.Tags.RemoveAll(t => !tags.Contains(t.Tag));
            foreach (var tag in tags.Where(t => @case.Tags.All(existing => existing.Tag != t)))
            {
                @case.Tags.Add(new CaseTag { CaseId = id, Tag = tag });
            }

            changed.Add("tags");
        }

        if (changed.Contains("priority") || changed.Contains("department"))
        {
            await targets.RetargetAsync(@case, now, ct);
        }
        else
        {
            await targets.SyncAsync(@case, now, ct);
        }

        if (changed.Count > 0)
        {
            db.Append(clock, actor, new CaseUpdated(changed, changed.Contains("department") ? @case.DepartmentId : null), "case", subjectId, @case.CustomerId);
        }

        if (db.ChangeTracker.HasChanges())
        {
            @case.Touch(now);
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateConcurrencyException)
            {
                return Error.StaleVersion();
            }
        }

        return (await reader.FindAsync(id, CaseViewer.Staff, ct))!;
    }

    private Task<bool> MayWorkCasesAsync(Guid userId, CancellationToken ct) =>
        db.UserRoles.Where(r => r.UserId == userId)
            .Join(db.Roles, ur => ur.RoleId, r => r.Id, (_, r) => r.Name)
            .AnyAsync(name => WorkCaseRoles.Contains(name!), ct);

    private static readonly string[] WorkCaseRoles = [.. StaffRoles.WorkCases];
}
