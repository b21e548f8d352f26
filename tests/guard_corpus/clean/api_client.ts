import { z } from "zod";

export const Invoice = z.object({
  id: z.string().uuid(),
  number: z.string(), // e.g. "INV-2024-000184"
  issuedAt: z.string().datetime(),
  totalMinor: z.number().int(),
  currency: z.enum(["EUR", "USD", "GBP"]),
});
export type Invoice = z.infer<typeof Invoice>;

export interface ClientOptions {
  baseUrl: string;
  apiKey?: string;
  timeoutMs?: number;
  retries?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;

export class BillingClient {
  private readonly baseUrl: string;
  private readonly apiKey: string | undefined;
  private readonly timeoutMs: number;

  constructor(options: ClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/$/, "");
    this.apiKey = options.apiKey ?? process.env.BILLING_API_KEY;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  private headers(): Record<string, string> {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (this.apiKey) headers.authorization = `Bearer ${this.apiKey}`;
    return headers;
  }

  async invoice(id: string): Promise<Invoice> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    try {
      const res = await fetch(`${this.baseUrl}/v2/invoices/${encodeURIComponent(id)}`, {
        headers: this.headers(),
        signal: controller.signal,
      });
      if (res.status === 404) throw new Error(`invoice ${id} not found`);
      if (!res.ok) throw new Error(`billing API answered ${res.status}`);
      return Invoice.parse(await res.json());
    } finally {
      clearTimeout(timer);
    }
  }

  async list(since: Date, limit = 100): Promise<Invoice[]> {
    const params = new URLSearchParams({ since: since.toISOString(), limit: String(limit) });
    const res = await fetch(`${this.baseUrl}/v2/invoices?${params}`, { headers: this.headers() });
    const body = (await res.json()) as { data: unknown[] };
    return body.data.map((d) => Invoice.parse(d));
  }
}

export function formatAmount(minor: number, currency: string): string {
  return new Intl.NumberFormat("en-GB", { style: "currency", currency }).format(minor / 100);
}
