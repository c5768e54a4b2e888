using Dynamo.Host.Commands;

try
{
    return args.FirstOrDefault() switch
    {
        "plugins" => await PluginsCommand.RunAsync(args[1..], Console.Out),
        "serve" => await ServeCommand.RunAsync(args[1..]),
        "frontend" => await ServeCommand.RunAsync([.. args[1..], "--distributed"]),
        "worker" => await WorkerCommand.RunAsync(args[1..]),
        "planner" => await PlannerCommand.RunAsync(args[1..]),
        "-h" or "--help" or "help" => HelpCommand.Run(Console.Out),
        _ => await ServeCommand.RunAsync(args),
    };
}
catch (Exception ex) when (UsageError.Message(ex) is { } message)
{
    Console.Error.WriteLine($"dynamo: {message}");
    Console.Error.WriteLine("Run 'dynamo --help' for usage.");
    return 2;
}
catch (Exception ex)
{
    // Anything else that stops the start (a port in use, say): one line, not a stack trace.
    Console.Error.WriteLine($"dynamo: {ex.GetBaseException().Message}");
    return 1;
}
