using System.Globalization;
using Ribalta.Cases.Domain;
using Ribalta.Cases.Search;
using Ribalta.Customers.Contracts;
using Ribalta.Customers.Contracts.Events;
using Ribalta.Customers.Domain;
using Ribalta.Demo;
using Ribalta.Platform.Events;
using Ribalta.Platform.Text;

namespace Ribalta.Bench.Generate;

/// <summary>A customer as the cases need them: who they are and what language they write in.</summary>
internal sealed record PlannedCustomer(Guid Id, string Name, string? Language);

/// <summary>What the application's demo seeder created first: the people cases are assigned to, back offices, segments.</summary>
internal sealed record StaffSetting(IReadOnlyList<StaffMember> Agents, IReadOnlyList<Guid> BackOffices, IReadOnlyList<Guid> Segments);

/// <summary>Where the ids of the loaded rows start (after whatever the demo seeder wrote).</summary>
internal sealed record FirstIds(long Case, long Message, long Event);

/// <summary>
/// Writes the dataset in the order things happened over the year before <see cref="DatasetShape.AsOf"/>:
/// customers join, open cases, and every later message and change of each case is merged in time order, so ids
/// grow with time as they do in the application (a case's messages are spread among everyone else's, not stored
/// together) and newest-first by id means what it says.
/// </summary>
internal sealed class DatasetTimeline(DatasetShape shape, StaffSetting staff, FirstIds first, IBulkLoader loader, Progress progress)
{
    private readonly Dictionary<(string Body, string? Language), string> _terms = [];
    private readonly DeterministicIds _contactIds = new(shape.Seed + 3);
    private long _nextMessage = first.Message;
    private long _nextEvent = first.Event;
    private long _messages;
    private long _rows;

    public long Rows => _rows;

    public IReadOnlyList<PlannedCustomer> Customers { get; private set; } = [];

    public void Write()
    {
        var organisations = WriteOrganisations();
        var (customers, created) = PlanCustomers();
        Customers = customers;
        var (opened, owner, seeds) = PlanCases(created);
        progress.Step($"planned {customers.Length:N0} customers and {opened.Length:N0} cases");

        // Customers are written again from the same seed, this time whole.
        using var inputs = DemoSeeder.Customers(new Random(shape.Seed), shape.Customers, staff.Segments).GetEnumerator();
        var pending = new PriorityQueue<(Guid Customer, string CaseId, CaseStep Step), (long Ticks, long Order)>();
        long order = 0;
        var nextCustomer = 0;
        var nextCase = 0;
        while (nextCustomer < customers.Length || nextCase < opened.Length || pending.Count > 0)
        {
            var customerAt = nextCustomer < customers.Length ? created[nextCustomer] : long.MaxValue;
            var caseAt = nextCase < opened.Length ? opened[nextCase] : long.MaxValue;
            var stepAt = pending.TryPeek(out _, out var next) ? next.Ticks : long.MaxValue;
            if (customerAt <= caseAt && customerAt <= stepAt)
            {
                inputs.MoveNext();
                WriteCustomer(customers[nextCustomer], inputs.Current, new DateTimeOffset(customerAt, TimeSpan.Zero), organisations);
                nextCustomer++;
            }
            else if (caseAt <= stepAt)
            {
                var number = nextCase + 1L;
                var id = first.Case + nextCase;
                var customer = customers[owner[nextCase]];
                var story = CaseStory.Tell(id, seeds[nextCase], new DateTimeOffset(caseAt, TimeSpan.Zero), shape.MessagesIn(number), customer, staff.Agents, staff.BackOffices, shape.AsOf);
                WriteCase(id, story);
                var caseId = id.ToString(CultureInfo.InvariantCulture);
                WriteStep(customer.Id, caseId, story.Steps[0]);
                foreach (var step in story.Steps.Skip(1))
                {
                    pending.Enqueue((customer.Id, caseId, step), (step.At.UtcTicks, order++));
                }

                nextCase++;
            }
            else
            {
                var (customer, caseId, step) = pending.Dequeue();
                WriteStep(customer, caseId, step);
            }

            progress.Rows(_rows, shape.Messages == 0 ? 1 : _messages / (double)shape.Messages);
        }
    }

    /// <summary>The demo's organisations, as CustomerInputRules.FindOrCreateOrganisationAsync would create them.</summary>
    private Dictionary<string, Organisation> WriteOrganisations()
    {
        var ids = new DeterministicIds(shape.Seed + 4);
        var organisations = new Dictionary<string, Organisation>(StringComparer.Ordinal);
        foreach (var name in DemoData.Organisations)
        {
            var organisation = new Organisation { Id = ids.Version7(shape.Start), Name = name.Trim(), NormalizedName = TextFolding.Fold(name.Trim()) };
            organisations[organisation.NormalizedName] = organisation;
            loader[BulkTable.Organisations].Row().Guid(organisation.Id).Text(organisation.Name).Text(organisation.NormalizedName).End();
            _rows++;
        }

        return organisations;
    }

    /// <summary>Who joins when: evenly over the year, each at their own minute; ids ordered by that time, as the application's are.</summary>
    private (PlannedCustomer[] Customers, long[] Created) PlanCustomers()
    {
        var random = new Random(shape.Seed + 1);
        var ids = new DeterministicIds(shape.Seed + 2);
        var step = (shape.AsOf - shape.Start).Ticks / shape.Customers;
        var customers = new PlannedCustomer[shape.Customers];
        var created = new long[shape.Customers];
        var i = 0;
        foreach (var input in DemoSeeder.Customers(new Random(shape.Seed), shape.Customers, staff.Segments))
        {
            created[i] = shape.Start.UtcTicks + (i * step) + (long)(random.NextDouble() * step / 2);
            var language = string.IsNullOrWhiteSpace(input.PreferredLanguage) ? null : input.PreferredLanguage;
            customers[i] = new PlannedCustomer(ids.Version7(new DateTimeOffset(created[i], TimeSpan.Zero)), input.DisplayName!.Trim(), language);
            i++;
        }

        return (customers, created);
    }

    /// <summary>When each case opens (some time after its customer joined), sorted, since case ids follow opening time.</summary>
    private (long[] Opened, int[] Owner, int[] Seeds) PlanCases(long[] created)
    {
        var random = new Random(shape.Seed + 5);
        var count = checked((int)shape.Cases);
        var opened = new long[count];
        var owner = new int[count];
        var seeds = new int[count];
        var c = 0;
        for (var i = 0; i < created.Length; i++)
        {
            for (var k = 0; k < shape.CasesPerCustomer; k++, c++)
            {
                var earliest = created[i] + TimeSpan.TicksPerMinute;
                opened[c] = earliest + (long)(random.NextDouble() * (shape.AsOf.UtcTicks - TimeSpan.TicksPerHour - earliest));
                owner[c] = i;
                seeds[c] = random.Next();
            }
        }

        var byTime = Enumerable.Range(0, count).ToArray();
        Array.Sort(opened.ToArray(), byTime);
        return (byTime.Select(j => opened[j]).ToArray(), byTime.Select(j => owner[j]).ToArray(), byTime.Select(j => seeds[j]).ToArray());
    }

    /// <summary>CreateCustomerHandler with CustomerInputRules.ApplyAsync, minus the database round trips.</summary>
    private void WriteCustomer(PlannedCustomer planned, CustomerInput input, DateTimeOffset at, Dictionary<string, Organisation> organisations)
    {
        var organisation = string.IsNullOrWhiteSpace(input.Organisation) ? null : organisations[TextFolding.Fold(input.Organisation.Trim())];
        var customer = new Customer
        {
            Id = planned.Id,
            DisplayName = input.DisplayName!.Trim(),
            PreferredLanguage = string.IsNullOrWhiteSpace(input.PreferredLanguage) ? null : input.PreferredLanguage,
            Relationship = input.Relationship ?? RelationshipType.EndConsumer,
            Notes = string.IsNullOrWhiteSpace(input.Notes) ? null : input.Notes.Trim(),
            OrganisationId = organisation?.Id,
            CreatedAt = at,
            UpdatedAt = at,
        };
        customer.SetConsent(input.Consent ?? new ConsentFlags(false, false, false, false));
        foreach (var (kind, value, normalized) in input.ContactPoints()
            .Select(c => (c.Kind, c.Value, Normalized: ContactPoint.Normalize(c.Kind, c.Value)))
            .DistinctBy(c => (c.Kind, c.Normalized)))
        {
            customer.ContactPoints.Add(new ContactPoint { Id = _contactIds.Version7(at), CustomerId = customer.Id, Kind = kind, Value = value, NormalizedValue = normalized });
        }

        foreach (var segment in (input.SegmentIds ?? []).Distinct())
        {
            customer.Segments.Add(new CustomerSegment { CustomerId = customer.Id, SegmentId = segment });
        }

        CustomerInputRules.SyncSearchTerms(customer, organisation?.Name);

        loader[BulkTable.Customers].Row()
            .Guid(customer.Id).Text(customer.DisplayName).Text(customer.PreferredLanguage).Text(customer.Relationship.ToString()).Guid(customer.OrganisationId)
            .Text(customer.Notes).Bool(customer.ConsentEmail).Bool(customer.ConsentPhone).Bool(customer.ConsentSurveys).Bool(customer.ConsentMarketing)
            .Time(customer.CreatedAt).Time(customer.UpdatedAt).Guid(customer.MergedIntoId).Int(customer.Version).End();
        foreach (var point in customer.ContactPoints)
        {
            loader[BulkTable.ContactPoints].Row().Guid(point.Id).Guid(point.CustomerId).Text(point.Kind.ToString()).Text(point.Value).Text(point.NormalizedValue).End();
        }

        foreach (var segment in customer.Segments)
        {
            loader[BulkTable.CustomerSegments].Row().Guid(segment.CustomerId).Guid(segment.SegmentId).End();
        }

        foreach (var term in customer.SearchTerms)
        {
            loader[BulkTable.CustomerSearchTerms].Row().Guid(term.CustomerId).Text(term.Term).End();
        }

        _rows += 1 + customer.ContactPoints.Count + customer.Segments.Count + customer.SearchTerms.Count;
        var created = new CustomerCreated(customer.DisplayName, customer.PreferredLanguage, customer.Relationship, customer.ContactPoints.Count);
        WriteEvent(PlannedEvent.Of(created, Actor.System), at, "customer", customer.Id.ToString(), customer.Id);
    }

    private void WriteCase(long id, CaseStory.Story story)
    {
        var c = story.Case;
        loader[BulkTable.Cases].Row()
            .Long(id).Guid(c.CustomerId).Text(c.Subject).Text(c.Status.ToString()).Text(c.Priority.ToString()).Text(c.Channel.ToString()).Text(c.Language)
            .Guid(c.AssigneeId).Guid(c.DepartmentId).Time(c.CreatedAt).Time(c.UpdatedAt).Time(c.FirstRespondedAt).Time(c.SolvedAt).Int(c.Version).Long(c.MergedIntoId).End();
        foreach (var tag in story.Tags)
        {
            loader[BulkTable.CaseTags].Row().Long(id).Text(tag).End();
        }

        _rows += 1 + story.Tags.Count;
    }

    private void WriteStep(Guid customer, string caseId, CaseStep step)
    {
        if (step.Message is { } m)
        {
            var id = _nextMessage++;
            loader[BulkTable.Messages].Row()
                .Long(id).Long(m.CaseId).Text(m.Kind.ToString()).Text(m.Channel.ToString()).Text(m.Language).Int((int)m.AuthorKind).Text(m.AuthorId)
                .Text(m.AuthorName).Text(m.Body).Time(m.CreatedAt).Text(m.CallDirection?.ToString()).Int(m.CallSeconds).End();
            loader[BulkTable.SearchEntries].Row().Long(id).Long(m.CaseId).Text(Terms(m, step.Subject)).End();
            _rows += 2;
            _messages++;
        }

        foreach (var e in step.Events)
        {
            WriteEvent(e, step.At, "case", caseId, customer);
        }
    }

    private void WriteEvent(PlannedEvent e, DateTimeOffset at, string subjectType, string subjectId, Guid customerId)
    {
        loader[BulkTable.Events].Row()
            .Long(_nextEvent++).Time(at).Text(e.Type).Int((int)e.Actor.Kind).Text(e.Actor.Id).Text(e.Actor.Name)
            .Text(subjectType).Text(subjectId).Guid(customerId).Text(e.Payload).End();
        _rows++;
    }

    /// <summary>The handlers' own SearchEntry.For; texts without a subject repeat, so their terms are worked out once.</summary>
    private string Terms(Message message, string? subject)
    {
        if (subject is not null)
        {
            return SearchEntry.For(message, subject).Terms;
        }

        if (!_terms.TryGetValue((message.Body, message.Language), out var terms))
        {
            terms = _terms[(message.Body, message.Language)] = SearchEntry.For(message).Terms;
        }

        return terms;
    }
}
