-- Orders schema, migration 0007 (2024-02-12).
BEGIN;

CREATE TABLE IF NOT EXISTS customers (
    id            BIGSERIAL PRIMARY KEY,
    external_id   UUID        NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    display_name  TEXT        NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS orders (
    id            BIGSERIAL PRIMARY KEY,
    customer_id   BIGINT      NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    amount_minor  BIGINT      NOT NULL CHECK (amount_minor >= 0),
    currency      CHAR(3)     NOT NULL DEFAULT 'EUR',
    status        TEXT        NOT NULL DEFAULT 'pending'
                  CHECK (status IN ('pending', 'paid', 'refunded', 'cancelled')),
    placed_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX IF NOT EXISTS orders_customer_placed ON orders (customer_id, placed_at DESC);

INSERT INTO customers (external_id, display_name, created_at) VALUES
    ('a3bb189e-8bf9-3888-9912-ace4e6543002', 'Northwind Traders', '2023-11-05 08:00:00+00'),
    ('c56a4180-65aa-42ec-a945-5fd21dec0538', 'Contoso Ltd',       '2024-01-20 14:45:10+01');

INSERT INTO orders (customer_id, amount_minor, currency, status, placed_at) VALUES
    (1, 1999, 'EUR', 'paid',     '2024-02-01 10:00:00+00'),
    (1, 250000, 'EUR', 'pending', '2024-02-10 16:30:00+00'),
    (2, 7500, 'USD', 'refunded', '2024-02-11 09:05:00-05');

SELECT c.display_name, count(*) AS orders, sum(o.amount_minor) / 100.0 AS total
FROM orders o JOIN customers c ON c.id = o.customer_id
WHERE o.placed_at >= DATE '2024-01-01'
GROUP BY c.display_name
ORDER BY total DESC
LIMIT 10;

COMMIT;
