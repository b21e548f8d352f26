using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Reflection;
using System.Text.Json;
using System.Threading.Tasks;

[assembly: AssemblyVersion("1.0.0.0")]
[assembly: AssemblyFileVersion("3.2.0.0")]

namespace Acme.Weather
{
    public sealed record Forecast(DateOnly Date, int TemperatureC, string Summary)
    {
        public int TemperatureF => 32 + (int)(TemperatureC / 0.5556);
    }

    public static class Program
    {
        private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(15) };

        public static async Task<int> Main(string[] args)
        {
            var baseUrl = Environment.GetEnvironmentVariable("WEATHER_URL") ?? "http://localhost:5000";
            var token = Environment.GetEnvironmentVariable("WEATHER_TOKEN");
            if (!string.IsNullOrEmpty(token))
            {
                Http.DefaultRequestHeaders.Authorization = new("Bearer", token);
            }

            var json = await Http.GetStringAsync($"{baseUrl}/forecast?days=5");
            var forecasts = JsonSerializer.Deserialize<List<Forecast>>(json, new JsonSerializerOptions
            {
                PropertyNameCaseInsensitive = true,
            }) ?? new List<Forecast>();

            foreach (var f in forecasts)
            {
                Console.WriteLine($"{f.Date:yyyy-MM-dd}  {f.TemperatureC,4}C {f.TemperatureF,4}F  {f.Summary}");
            }
            return forecasts.Count > 0 ? 0 : 1;
        }
    }
}
