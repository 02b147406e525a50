namespace Ribalta.Channels.Email;

/// <summary>
/// A mailbox as an admin sets it. Passwords are write-only: leave them empty on an edit to keep the stored ones.
/// Ports default to the protocol's usual one for the security chosen. New cases from it start in its department,
/// else in the organisation's department for new requests.
/// </summary>
public sealed record MailboxInput(
    string? Name,
    string? Address,
    string? SenderName,
    bool? Enabled = null,
    MailProtocol? InboundProtocol = null,
    string? InboundHost = null,
    int? InboundPort = null,
    MailSecurity? InboundSecurity = null,
    string? InboundUser = null,
    string? InboundPassword = null,
    string? Folder = null,
    AfterImport? AfterImport = null,
    int? PollSeconds = null,
    string? SmtpHost = null,
    int? SmtpPort = null,
    MailSecurity? SmtpSecurity = null,
    string? SmtpUser = null,
    string? SmtpPassword = null,
    IReadOnlyDictionary<string, string>? Signatures = null,
    bool? IsDefault = null,
    Guid? DepartmentId = null);

/// <summary>A mailbox as shown back: never its passwords, only whether they are set.</summary>
public sealed record MailboxDto(
    Guid Id,
    string Name,
    string Address,
    string SenderName,
    bool Enabled,
    MailProtocol InboundProtocol,
    string InboundHost,
    int InboundPort,
    MailSecurity InboundSecurity,
    string InboundUser,
    bool HasInboundPassword,
    string Folder,
    AfterImport AfterImport,
    int PollSeconds,
    string? SmtpHost,
    int SmtpPort,
    MailSecurity SmtpSecurity,
    string? SmtpUser,
    bool HasSmtpPassword,
    IReadOnlyDictionary<string, string> Signatures,
    bool IsDefault,
    DateTimeOffset? LastPolledAt,
    string? LastError,
    long ImportedCount,
    DateTimeOffset CreatedAt,
    Guid? DepartmentId);

/// <summary>What one check of a mailbox did.</summary>
public sealed record PollResult(int Fetched, int Landed, int Duplicates, int Automatic, int TooLarge, int Failed, string? Error, int SetAside = 0);
