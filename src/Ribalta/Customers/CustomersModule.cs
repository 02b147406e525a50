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
using Ribalta.Platform.Identity;

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
        // Every operation on a customer shares the path and the staff policy; each adds the stricter one it needs.
        var customers = app.MapGroup("/api/v1/customers").RequireAuthorization(Policies.Staff).WithTags("Customers");
        customers.MapSearchCustomers();
        customers.MapCreateCustomer();
        customers.MapViewCustomer();
        customers.MapEditCustomer();
        customers.MapMergeCustomers();
        app.MapPortal(customers);
        customers.MapImportCustomers();
        app.MapSegments();
        return app;
    }
}
