global using Dynamo.Host;
