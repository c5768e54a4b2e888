using Dynamo.Abstractions.Engines;
using Dynamo.Abstractions.Plugins;
using Microsoft.Extensions.DependencyInjection;

namespace Dynamo.Backends.Mocker;

internal sealed class MockerEngineFactory : IComponentFactory<IEngine>
{
    public string Name => "mocker";

    public IEngine Create(ComponentContext context)
    {
        var tokenizer = context.Tokenizer ?? throw new ArgumentException("The mocker writes its output in the model's tokens, so the model needs a tokenizer.");
        var options = MockerOptions.From(context.Options);
        return new MockerEngine(options, new MockTextSource(tokenizer, options.Answers, options.ToolResultMarker),
            context.Services.GetService<TimeProvider>() ?? TimeProvider.System)
        { Grammar = context.Grammar, Tokenizer = tokenizer };
    }
}
