using System.Net.Mail;

namespace Ribalta.Platform.Errors;

/// <summary>Collects field errors at the edge; <see cref="ToError"/> is null when the input is valid.</summary>
public sealed class ValidationBuilder
{
    private readonly List<FieldError> _errors = [];

    public bool IsValid => _errors.Count == 0;

    public ValidationBuilder Add(string field, string messageKey, params object[] args)
    {
        _errors.Add(new FieldError(field, messageKey, args));
        return this;
    }

    /// <summary>Takes the field errors of a check made elsewhere (a value type's own validation).</summary>
    public ValidationBuilder Include(Error? error)
    {
        foreach (var field in error?.Fields ?? [])
        {
            Add(field.Field, field.MessageKey, field.Args);
        }

        return this;
    }

    public ValidationBuilder Required(string field, string? value, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return Add(field, "Validation.Required");
        }

        return MaxLength(field, value, maxLength);
    }

    public ValidationBuilder MaxLength(string field, string? value, int maxLength)
    {
        if (value is not null && value.Length > maxLength)
        {
            Add(field, "Validation.TooLong", maxLength);
        }

        return this;
    }

    public ValidationBuilder Email(string field, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value) && !IsEmail(value))
        {
            Add(field, "Validation.Email");
        }

        return this;
    }

    public ValidationBuilder NoControlCharacters(string field, string? value)
    {
        if (value is not null && value.Any(c => char.IsControl(c) && c is not '\n' and not '\r' and not '\t'))
        {
            Add(field, "Validation.ControlCharacters");
        }

        return this;
    }

    public static bool IsEmail(string value)
    {
        var trimmed = value.Trim();
        if (trimmed.Length > 254 || trimmed.Contains(' ', StringComparison.Ordinal) || !trimmed.Contains('@', StringComparison.Ordinal))
        {
            return false;
        }

        // MailAddress accepts display-name forms ("A <a@b>"); require that the address is the whole input.
        return MailAddress.TryCreate(trimmed, out var address)
            && string.Equals(address.Address, trimmed, StringComparison.OrdinalIgnoreCase)
            && address.Host.Contains('.', StringComparison.Ordinal)
            && !address.Host.EndsWith('.');
    }

    public Error? ToError() => IsValid ? null : Error.Validation(_errors.ToArray());
}
