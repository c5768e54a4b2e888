using System.Text.Json.Serialization;

namespace Dynamo.Abstractions.Constraints;

/// <summary>A piece of a tool call's syntax.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "part")]
[JsonDerivedType(typeof(LiteralPart), "literal")]
[JsonDerivedType(typeof(TokenPart), "token")]
[JsonDerivedType(typeof(NamePart), "name")]
[JsonDerivedType(typeof(ArgumentsPart), "arguments")]
public abstract record SyntaxPart
{
    /// <summary>The tool's name goes here.</summary>
    public static readonly SyntaxPart Name = new NamePart();

    /// <summary>The call's arguments go here, written as <see cref="ToolCallSyntax.Arguments"/> says.</summary>
    public static readonly SyntaxPart Arguments = new ArgumentsPart();

    public static SyntaxPart Literal(string text) => new LiteralPart(text);

    /// <summary>A special token the model writes as one token (Harmony's <c>&lt;|channel|&gt;</c>); written out as text where the vocabulary lacks it.</summary>
    public static SyntaxPart Special(string text) => new TokenPart(text);
}

public sealed record LiteralPart(string Text) : SyntaxPart;

public sealed record TokenPart(string Text) : SyntaxPart;

public sealed record NamePart : SyntaxPart;

public sealed record ArgumentsPart : SyntaxPart;
