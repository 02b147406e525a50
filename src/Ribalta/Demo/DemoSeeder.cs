using Microsoft.EntityFrameworkCore;
using Ribalta.Cases.CannedReplies;
using Ribalta.Cases.Contracts;
using Ribalta.Cases.Conversation;
using Ribalta.Cases.OpenCase;
using Ribalta.Customers.Contracts;
using Ribalta.Customers.Domain;
using Ribalta.Customers.CreateCustomer;
using Ribalta.Customers.Segments;
using Ribalta.Platform;
using Ribalta.Platform.Data;
using Ribalta.Platform.Events;
using Ribalta.Platform.Identity;

namespace Ribalta.Demo;

/// <summary>
/// A believable organisation: departments, staff in every role, and customers with names and situations in
/// four languages. The content is a pure function of the seed, so runs and benchmarks are comparable.
/// Goes through the same handlers as the UI, so demo data obeys every rule real data does.
/// </summary>
internal sealed class DemoSeeder(
    RibaltaDbContext db,
    StaffDirectory staff,
    SegmentCatalogue segments,
    CreateCustomerHandler createCustomer,
    OpenCaseHandler openCase,
    ConversationHandler conversation,
    CannedReplyLibrary cannedReplies,
    Cases.Targets.TargetSettings targets,
    Cases.Routing.CaseRouting routing,
    Channels.Chat.ChatWidgetService chatWidgets,
    Empowerment.Catalogue.ResolutionCatalogue resolutionOptions,
    Empowerment.Envelopes.EnvelopeRules envelopeRules,
    Empowerment.Resolve.GrantHandler resolve,
    Empowerment.Help.AskHelpHandler askHelp,
    Empowerment.Help.AnswerHelpHandler answerHelp,
    Empowerment.Promises.PromiseLedger promises,
    Empowerment.Kindness.KindnessHandler kindness,
    Empowerment.Kindness.KindnessBudgets kindnessBudgets,
    Empowerment.Kindness.ImportantMoments moments,
    TimeProvider clock) : IDemoSeeder
{
    public const string Password = "ribalta-demo-2026";

    public async Task<IReadOnlyList<DemoLogin>> SeedIfEmptyAsync(DemoOptions options, CancellationToken cancellationToken)
    {
        if (await db.Users.AnyAsync(cancellationToken))
        {
            // Seeded on an earlier run: the demo people still there are listed again, so every start says how to sign in.
            var emails = DemoData.Staff.Select(s => s.Email.ToUpperInvariant()).ToList();
            var present = await db.Users.Where(u => emails.Contains(u.NormalizedEmail!)).Select(u => u.NormalizedEmail!).ToListAsync(cancellationToken);
            return DemoData.Staff.Where(s => present.Contains(s.Email.ToUpperInvariant())).Select(s => new DemoLogin(s.Role, s.Email, Password)).ToList();
        }

        var departments = DemoData.Departments.Select(name => new Department { Name = name }).ToList();
        db.AddRange(departments);
        await db.SaveChangesAsync(cancellationToken);

        var logins = new List<DemoLogin>();
        foreach (var (role, email, name, language, department) in DemoData.Staff)
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var user = (await staff.CreateUserAsync(email, name, Password, language, [role], cancellationToken)).Value;
            user.DepartmentId = departments.First(d => d.Name == department).Id;
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            logins.Add(new DemoLogin(role, email, Password));
        }

        var segmentIds = new List<Guid>();
        foreach (var (name, description) in DemoData.Segments)
        {
            segmentIds.Add((await segments.CreateAsync(Actor.System, name, description, cancellationToken)).Value.Id);
        }

        foreach (var (language, title, body) in DemoData.CannedReplies)
        {
            await cannedReplies.SaveAsync(Actor.System, null, new CannedReplyInput(title, language, body), cancellationToken);
        }

        await targets.SaveCalendarAsync(Actor.System, null, DemoData.OrganisationCalendar, cancellationToken);
        await targets.SaveTargetsAsync(Actor.System, DemoData.Targets(segmentIds), cancellationToken);
        var care = departments.First(d => d.Name == DemoData.Departments[0]).Id;

        // A chat widget for the company's site; its preview page (Administration → Chat) works before any site is listed.
        await chatWidgets.CreateAsync(Actor.System, new Channels.Chat.ChatWidgetInput("Website", [], true, care), cancellationToken);

        // Requests from the portal, from mailboxes without a department of their own and from the API start in Customer Care.
        await routing.SaveAsync(Actor.System, new Cases.Routing.RoutingInput(care), cancellationToken);

        // What the front line may grant without asking, and a little more for team leads.
        var resolutionIds = new Dictionary<Empowerment.Contracts.ResolutionKind, Guid>();
        foreach (var (kind, measure, names) in DemoData.ResolutionOptions)
        {
            resolutionIds[kind] = (await resolutionOptions.SaveAsync(Actor.System, null, new Empowerment.Catalogue.ResolutionOptionInput(kind, measure, names), cancellationToken)).Value.Id;
        }

        foreach (var (kind, role, rule) in DemoData.Envelopes)
        {
            var saved = await envelopeRules.SaveAsync(Actor.System, null, rule with { OptionId = resolutionIds[kind], Role = role }, cancellationToken);
            if (!saved.IsSuccess)
            {
                throw new InvalidOperationException($"Demo envelope rejected: {string.Join(", ", saved.Error!.Fields.Select(f => f.Field + " " + f.MessageKey))}");
            }
        }

        // On a database that already holds customers (a benchmark dataset, an import) only the people and settings are added.
        if (await db.Set<Customer>().AnyAsync(cancellationToken))
        {
            return logins;
        }

        var random = new Random(options.Seed);
        var agents = await db.Users.Where(u => u.Email!.StartsWith("agent") || u.Email.StartsWith("wakeel") || u.Email.StartsWith("lead"))
            .Select(u => new Actor(ActorKind.Staff, u.Id.ToString(), u.DisplayName)).ToListAsync(cancellationToken);
        var openedCases = new List<long>();
        foreach (var input in Customers(random, options.Customers, segmentIds))
        {
            var created = await createCustomer.HandleAsync(Actor.System, input, cancellationToken);
            if (!created.IsSuccess)
            {
                throw new InvalidOperationException($"Demo customer rejected: {created.Error!.MessageKey}");
            }

            // About a third of the people have written to us; half of those already have an answer.
            if (random.NextDouble() < 0.35 && DemoData.Cases.TryGetValue(input.PreferredLanguage ?? "en", out var templates))
            {
                var customer = created.Value;
                var (subject, body, reply) = templates[random.Next(templates.Length)];
                var customerActor = new Actor(ActorKind.Customer, customer.Id.ToString(), customer.DisplayName);
                var opened = (await openCase.HandleAsync(customerActor, new OpenCaseRequest(customer.Id, subject, body), cancellationToken)).Value;
                openedCases.Add(opened.Id);
                if (random.NextDouble() < 0.5 && agents.Count > 0)
                {
                    var agent = agents[random.Next(agents.Count)];
                    await conversation.ReplyAsync(agent, opened.Id, new ReplyRequest(reply, random.NextDouble() < 0.4 ? CaseStatus.Solved : CaseStatus.WaitingOnCustomer), cancellationToken);

                    // Some are made right on the spot: a refund or a credit within the agent's envelope.
                    if (random.NextDouble() < 0.3)
                    {
                        var kind = random.NextDouble() < 0.6 ? Empowerment.Contracts.ResolutionKind.Refund : Empowerment.Contracts.ResolutionKind.Credit;
                        var amount = random.Next(5, 30);
                        db.ChangeTracker.Clear();
                        await resolve.GrantAsync(agent, opened.Id, new Empowerment.Resolve.ResolutionRequest(
                            [new Empowerment.Resolve.ResolutionLineInput(resolutionIds[kind], new Empowerment.Contracts.MoneyDto(amount, "EUR"))],
                            DemoData.GrantReasons[random.Next(DemoData.GrantReasons.Length)]), cancellationToken);
                    }
                }
            }

            db.ChangeTracker.Clear();
        }

        await AskForHelpAsync(openedCases, resolutionIds[Empowerment.Contracts.ResolutionKind.Refund], cancellationToken);
        await PromiseAsync(openedCases, cancellationToken);
        await KindnessAsync(departments.First(d => d.Name == "Customer Care").Id, cancellationToken);
        return logins;
    }

    /// <summary>
    /// Customer Care's kindness budget, a gesture done (in the recognition feed and the customer's timeline), one
    /// planned for tomorrow, and a customer's moment coming round this week.
    /// </summary>
    private async Task KindnessAsync(Guid care, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        await kindnessBudgets.SetBudgetAsync(Actor.System, care, new Empowerment.Kindness.BudgetInput([new Empowerment.Contracts.MoneyDto(200, "EUR")]), ct);
        var people = await db.Users.Where(u => u.Email == "agent@demo.ribalta.test" || u.Email == "agente@demo.ribalta.test")
            .Select(u => new Actor(ActorKind.Staff, u.Id.ToString(), u.DisplayName)).ToListAsync(ct);
        var customers = await db.Set<Customer>().OrderBy(c => c.CreatedAt).Select(c => c.Id).Take(3).ToListAsync(ct);
        if (people.Count < 2 || customers.Count < 3)
        {
            return;
        }

        var today = kindness.Today;
        foreach (var (who, customer, gesture, done) in DemoData.Gestures.Select((g, i) => (people[i % 2], customers[i % 3], g, g.Done)))
        {
            db.ChangeTracker.Clear();
            var planned = await kindness.PlanAsync(who, customer, new Empowerment.Kindness.GestureInput(gesture.Kind, gesture.Description, today.AddDays(gesture.InDays),
                gesture.Cost is { } cost ? new Empowerment.Contracts.MoneyDto(cost, "EUR") : null), ct);
            if (planned.IsSuccess && done is not null)
            {
                db.ChangeTracker.Clear();
                await kindness.DoneAsync(who, everyTeam: false, planned.Value.Id, done, ct);
            }
        }

        db.ChangeTracker.Clear();
        await moments.NoteMomentAsync(people[0], customers[1], new Empowerment.Kindness.MomentInput("Shop's tenth anniversary", today.AddDays(4).AddYears(-10), Yearly: true, RemindDaysBefore: 7), ct);
    }

    /// <summary>A few promises on cases in the words' language: some owed soon, one about to break, some kept.</summary>
    private async Task PromiseAsync(IReadOnlyList<long> caseIds, CancellationToken ct)
    {
        var people = await db.Users.Select(u => new { u.Id, u.Email, u.DisplayName }).ToListAsync(ct);
        var languages = await db.Set<Cases.Domain.Case>().Where(c => caseIds.Contains(c.Id) && c.Status != CaseStatus.Closed)
            .Select(c => new { c.Id, c.Language }).ToListAsync(ct);
        var used = new HashSet<long>();
        foreach (var (owner, language, kind, words, minutes, kept) in DemoData.Promises)
        {
            if (languages.FirstOrDefault(c => c.Language == language && !used.Contains(c.Id)) is not { } @case)
            {
                continue;
            }

            used.Add(@case.Id);
            var person = people.First(p => p.Email == owner);
            var actor = new Actor(ActorKind.Staff, person.Id.ToString(), person.DisplayName);
            db.ChangeTracker.Clear();
            var made = await promises.MakeAsync(actor, @case.Id, new Empowerment.Promises.PromiseInput(kind, words, clock.GetUtcNow().AddMinutes(minutes)), ct);
            if (!made.IsSuccess)
            {
                throw new InvalidOperationException($"Demo promise rejected: {made.Error!.MessageKey}");
            }

            if (kept)
            {
                db.ChangeTracker.Clear();
                await promises.KeepAsync(actor, Empowerment.Promises.PromiseAuthority.Own, made.Value.Id, ct);
            }
        }
    }

    /// <summary>The front line asks leads, the manager and the back office for help on a few cases; some are answered.</summary>
    private async Task AskForHelpAsync(IReadOnlyList<long> caseIds, Guid refundId, CancellationToken ct)
    {
        var people = await db.Users.Select(u => new { u.Id, u.Email, u.DisplayName }).ToListAsync(ct);
        var departments = await db.Set<Department>().ToDictionaryAsync(d => d.Name, d => d.Id, ct);
        var askers = people.Where(p => p.Email is "agent@demo.ribalta.test" or "agente@demo.ribalta.test" or "wakeel@demo.ribalta.test")
            .Select(p => new Actor(ActorKind.Staff, p.Id.ToString(), p.DisplayName)).ToList();
        for (var i = 0; i < DemoData.HelpAsked.Length && i < caseIds.Count; i++)
        {
            var (reason, whom, question, refund, decision, answer) = DemoData.HelpAsked[i];
            var helper = people.FirstOrDefault(p => p.Email == whom);
            var department = helper is null ? departments[whom] : (Guid?)null;
            db.ChangeTracker.Clear();
            var asked = await askHelp.AskAsync(askers[i % askers.Count], caseIds[i], new Empowerment.Help.HelpRequestInput(
                reason, question, helper?.Id, department,
                refund is { } amount ? [new Empowerment.Resolve.ResolutionLineInput(refundId, new Empowerment.Contracts.MoneyDto(amount, "EUR"))] : null), ct);
            if (!asked.IsSuccess)
            {
                throw new InvalidOperationException($"Demo help request rejected: {asked.Error!.MessageKey} {string.Join(", ", asked.Error.Fields.Select(f => f.Field + " " + f.MessageKey))}");
            }

            if (decision is null)
            {
                continue;
            }

            var answerer = helper ?? people.First(p => p.Email == (whom == "Billing" ? "billing@demo.ribalta.test" : "logistics@demo.ribalta.test"));
            db.ChangeTracker.Clear();
            var answered = await answerHelp.AnswerAsync(new Actor(ActorKind.Staff, answerer.Id.ToString(), answerer.DisplayName), asked.Value.Id, new Empowerment.Help.HelpAnswerInput(decision, answer), ct);
            if (!answered.IsSuccess)
            {
                throw new InvalidOperationException($"Demo help answer rejected: {answered.Error!.MessageKey}");
            }
        }
    }

    /// <summary>The demo customers for a seed; the benchmark generator reuses this at scale.</summary>
    public static IEnumerable<CustomerInput> Customers(Random random, int count, IReadOnlyList<Guid> segmentIds)
    {
        var relationships = new[] { RelationshipType.EndConsumer, RelationshipType.EndConsumer, RelationshipType.EndConsumer, RelationshipType.Retailer, RelationshipType.Distributor, RelationshipType.Agent, RelationshipType.Partner };
        for (var i = 0; i < count; i++)
        {
            var language = DemoData.Languages[random.Next(DemoData.Languages.Length)];
            var given = language.Given[random.Next(language.Given.Length)];
            var family = language.Family[random.Next(language.Family.Length)];
            var relationship = relationships[random.Next(relationships.Length)];
            var email = $"{given.Ascii}.{family.Ascii}{i}@{language.MailDomain}";
            var phone = language.PhonePrefix + string.Concat(Enumerable.Range(0, 8).Select(_ => random.Next(10)));
            var hasPhone = random.NextDouble() < 0.7;
            var organisation = relationship == RelationshipType.EndConsumer ? null : DemoData.Organisations[random.Next(DemoData.Organisations.Length)];
            var segment = relationship switch
            {
                RelationshipType.EndConsumer => segmentIds.Count > 0 ? segmentIds[0] : (Guid?)null,
                RelationshipType.Distributor or RelationshipType.Retailer => segmentIds.Count > 3 ? segmentIds[3] : null,
                _ => segmentIds.Count > 1 ? segmentIds[random.Next(1, 3)] : null,
            };
            var consent = random.NextDouble() < 0.8;
            yield return new CustomerInput(
                $"{given.Display} {family.Display}",
                language.Code,
                relationship,
                organisation,
                [email],
                hasPhone ? [phone] : [],
                [],
                segment is { } s ? [s] : [],
                random.NextDouble() < 0.6 ? language.Notes[random.Next(language.Notes.Length)] : null,
                new ConsentFlags(consent, hasPhone && consent, consent, random.NextDouble() < 0.3));
        }
    }
}
