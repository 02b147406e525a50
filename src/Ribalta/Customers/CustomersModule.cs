using Ribalta.Customers.Contracts;
using Ribalta.Customers.CreateCustomer;
using Ribalta.Customers.Domain;
using Ribalta.Customers.EditCustomer;
using Ribalta.Customers.ImportCustomers;
using Ribalta.Customers.MergeCustomers;
using Ribalta.Customers.PortalAccess;
using Ribalta.Customers.SearchCustomers;
using Ribalta.Customers.Segments;
using Ribalta.Customers.ViewCustomer;

namespace Ribalta.Customers;

public static class CustomersModule
{
    public static IServiceCollection AddCustomers(this IServiceCollection services)
    {
        services.AddScoped<CustomerInputRules>();
        services.AddScoped<CustomerReader>();
        services.AddScoped<CustomerSearch>();
        services.AddScoped<CreateCustomerHandler>();
        services.AddScoped<EditCustomerHandler>();
        services.AddScoped<MergeCustomersHandler>();
        services.AddScoped<CustomerImport>();
        services.AddScoped<SegmentCatalogue>();
        services.AddScoped<PortalLinks>();
        services.AddSingleton<PortalLinkLimits>();
        services.AddScoped<ICustomerDirectory, CustomerDirectory>();
        return services;
    }

    public static IEndpointRouteBuilder MapCustomers(this IEndpointRouteBuilder app)
    {
        app.MapCustomersApi();
        app.MapPortalEndpoints();
        return app;
    }
}
