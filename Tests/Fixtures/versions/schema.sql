-- One schema, loaded unchanged into every PostgreSQL version envdrift supports: comparing any
-- two of them must give no finding. No extension is needed, so every server build can load it.
DO $$ BEGIN CREATE ROLE envdrift_app; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
DO $$ BEGIN CREATE ROLE envdrift_readonly; EXCEPTION WHEN duplicate_object THEN NULL; END $$;

CREATE SCHEMA shop;
CREATE TYPE shop.order_status AS ENUM ('new', 'paid', 'shipped');
CREATE DOMAIN shop.positive_amount AS numeric(12, 2) CHECK (VALUE > 0);
CREATE SEQUENCE shop.invoice_numbers START 1000 INCREMENT 10;

CREATE TABLE shop.customer (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email text NOT NULL UNIQUE,
  name text NOT NULL DEFAULT 'anonymous',
  created_at timestamptz NOT NULL DEFAULT now(),
  score integer CHECK (score BETWEEN 0 AND 100)
);
COMMENT ON TABLE shop.customer IS 'People who buy';

CREATE TABLE shop.orders (
  id serial PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES shop.customer (id) ON DELETE CASCADE,
  status shop.order_status NOT NULL DEFAULT 'new',
  amount shop.positive_amount NOT NULL,
  total numeric GENERATED ALWAYS AS (amount * 1.2) STORED,
  invoice integer DEFAULT nextval('shop.invoice_numbers'),
  note varchar(200),
  CONSTRAINT orders_note_length CHECK (char_length(note) < 150)
);
CREATE INDEX orders_customer_idx ON shop.orders (customer_id);
CREATE INDEX orders_open_idx ON shop.orders (status) WHERE status <> 'shipped';
CREATE UNIQUE INDEX orders_invoice_idx ON shop.orders (invoice) INCLUDE (amount);
CREATE INDEX orders_lower_note_idx ON shop.orders (lower(note));

CREATE TABLE shop.events (
  id bigint NOT NULL,
  happened_on date NOT NULL,
  payload text
) PARTITION BY RANGE (happened_on);
CREATE TABLE shop.events_2025 PARTITION OF shop.events
  FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');

CREATE VIEW shop.open_orders AS
  SELECT o.id, o.amount, c.email
  FROM shop.orders o JOIN shop.customer c ON c.id = o.customer_id
  WHERE o.status <> 'shipped';
CREATE VIEW shop.big_customers WITH (security_barrier) AS
  SELECT id, email FROM shop.customer WHERE score > 90;
CREATE MATERIALIZED VIEW shop.order_totals AS
  SELECT customer_id, sum(amount) AS total, count(*) AS orders FROM shop.orders GROUP BY customer_id;
CREATE UNIQUE INDEX order_totals_customer_idx ON shop.order_totals (customer_id);

CREATE FUNCTION shop.touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.note := coalesce(NEW.note, 'touched');
  RETURN NEW;
END
$$;
CREATE TRIGGER orders_touch BEFORE INSERT OR UPDATE ON shop.orders
  FOR EACH ROW WHEN (NEW.note IS NULL) EXECUTE FUNCTION shop.touch();
CREATE FUNCTION shop.order_count(customer bigint) RETURNS bigint LANGUAGE sql STABLE
  AS 'SELECT count(*) FROM shop.orders WHERE customer_id = customer';

ALTER TABLE shop.orders ENABLE ROW LEVEL SECURITY;
CREATE POLICY orders_own ON shop.orders FOR SELECT TO envdrift_app
  USING (customer_id = current_setting('app.customer')::bigint);
CREATE RULE customer_no_delete AS ON DELETE TO shop.customer DO INSTEAD NOTHING;

GRANT USAGE ON SCHEMA shop TO envdrift_app, envdrift_readonly;
GRANT ALL ON shop.orders TO envdrift_app;
GRANT SELECT, INSERT ON shop.customer TO envdrift_app;
GRANT SELECT ON ALL TABLES IN SCHEMA shop TO envdrift_readonly;

CREATE TABLE public.django_migrations (
  id serial PRIMARY KEY, app varchar(255) NOT NULL, name varchar(255) NOT NULL,
  applied timestamptz NOT NULL
);
INSERT INTO public.django_migrations (app, name, applied) VALUES
  ('shop', '0001_initial', '2025-01-01T00:00:00Z'),
  ('shop', '0002_events', '2025-02-01T00:00:00Z');
