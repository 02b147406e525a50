namespace Ribalta.Components.Shared;

/// <summary>What a part of a page tells the person in the alert at the top of the page; no text clears it.</summary>
public sealed record Notice(string? Text, bool IsError);
