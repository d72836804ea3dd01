var app = WebApplication.CreateBuilder(args).Build();
app.MapGet("/ping", () => "Ok.\n");
app.Run();
