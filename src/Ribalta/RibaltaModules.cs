using Ribalta.Cases;
using Ribalta.Channels;
using Ribalta.Customers;
using Ribalta.Demo;
using Ribalta.Empowerment;
using Ribalta.Insights;
using Ribalta.Platform;

namespace Ribalta;

/// <summary>
/// The platform and the business modules, registered in one place for the web host and for the tools that build the
/// application's services without its pages (the benchmark's dataset generator): a module added here reaches both.
/// </summary>
public static class RibaltaModules
{
    public static WebApplicationBuilder AddRibaltaModules(this WebApplicationBuilder builder)
    {
        builder.AddPlatform();
        builder.Services.AddCustomers();
        builder.Services.AddCases();
        builder.Services.AddChannels();
        builder.Services.AddEmpowerment();
        builder.Services.AddInsights();
        builder.Services.AddDemo();
        return builder;
    }
}
