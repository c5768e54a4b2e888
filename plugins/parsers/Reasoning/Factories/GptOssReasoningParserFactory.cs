using Dynamo.Abstractions.Parsing;
using Dynamo.Abstractions.Plugins;
using Dynamo.Parsers.Reasoning.Harmony;
using Dynamo.Parsers.Reasoning.Tags;

namespace Dynamo.Parsers.Reasoning.Factories;

internal sealed class GptOssReasoningParserFactory() : ReasoningParserFactory("gpt_oss", "harmony")
{
    public override IReasoningParser Create(ComponentContext context) => new HarmonyReasoningParser();
}
