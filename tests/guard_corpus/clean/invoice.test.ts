import { describe, expect, it, vi } from "vitest";
import { BillingClient, formatAmount } from "./api_client";

const sample = {
  id: "9b2d7f4e-3c1a-4e8b-b5d6-0a1f2e3d4c5b",
  number: "INV-2024-000184",
  issuedAt: "2024-03-01T09:15:00.000Z",
  totalMinor: 1234500,
  currency: "EUR",
};

describe("BillingClient", () => {
  it("parses an invoice", async () => {
    const fetchMock = vi.fn().mockResolvedValue(new Response(JSON.stringify(sample), { status: 200 }));
    vi.stubGlobal("fetch", fetchMock);
    const client = new BillingClient({ baseUrl: "http://localhost:4010/", apiKey: "test" });
    const inv = await client.invoice(sample.id);
    expect(inv.totalMinor).toBe(1234500);
    expect(fetchMock).toHaveBeenCalledWith(
      "http://localhost:4010/v2/invoices/9b2d7f4e-3c1a-4e8b-b5d6-0a1f2e3d4c5b",
      expect.objectContaining({ headers: expect.objectContaining({ authorization: "Bearer test" }) }),
    );
  });

  it("reports a missing invoice", async () => {
    vi.stubGlobal("fetch", vi.fn().mockResolvedValue(new Response("", { status: 404 })));
    const client = new BillingClient({ baseUrl: "http://127.0.0.1:4010" });
    await expect(client.invoice("nope")).rejects.toThrow("not found");
  });
});

describe("formatAmount", () => {
  it.each([
    [1234500, "EUR", "€12,345.00"],
    [99, "GBP", "£0.99"],
    [100000000, "USD", "US$1,000,000.00"],
  ])("formats %d %s", (minor, currency, want) => {
    expect(formatAmount(minor as number, currency as string)).toBe(want);
  });
});
