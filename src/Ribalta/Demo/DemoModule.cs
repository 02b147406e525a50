using Ribalta.Platform;

namespace Ribalta.Demo;

public static class DemoModule
{
    public static IServiceCollection AddDemo(this IServiceCollection services) => services.AddScoped<IDemoSeeder, DemoSeeder>();
}
