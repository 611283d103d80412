-- One django-tenants tenant schema. Set first: \set tenant NAME, \set finance true|false,
-- \set tenants_last 0005_client_domain (the last tenants migration recorded).
CREATE SCHEMA :"tenant";
INSERT INTO public.tenants_client (schema_name, name, created_on)
  VALUES (:'tenant', initcap(:'tenant'), '2025-09-15');

CREATE TABLE :"tenant".django_migrations (
  id bigserial PRIMARY KEY,
  app varchar(255) NOT NULL,
  name varchar(255) NOT NULL,
  applied timestamptz NOT NULL
);
-- django-tenants records every app's migrations in every tenant schema.
INSERT INTO :"tenant".django_migrations (app, name, applied)
  SELECT app, name, applied + interval '5 minutes' FROM public.django_migrations
  WHERE app IN ('contenttypes', 'auth', 'tenants') AND name <= :'tenants_last';

\if :finance
CREATE TABLE :"tenant".finance_invoice (
  id bigserial PRIMARY KEY,
  number varchar(32) NOT NULL,
  amount numeric(12, 2) NOT NULL,
  due_date date,
  customer_email varchar(254) NOT NULL
);
CREATE UNIQUE INDEX finance_invoice_number_key ON :"tenant".finance_invoice (number);
CREATE TABLE :"tenant".finance_payment (
  id bigserial PRIMARY KEY,
  invoice_id bigint NOT NULL
    CONSTRAINT finance_payment_invoice_id_fk REFERENCES :"tenant".finance_invoice (id),
  paid_at timestamptz NOT NULL,
  amount numeric(12, 2) NOT NULL CONSTRAINT finance_payment_amount_positive CHECK (amount > 0)
);
CREATE INDEX finance_payment_invoice_id_idx ON :"tenant".finance_payment (invoice_id);
INSERT INTO :"tenant".django_migrations (app, name, applied) VALUES
  ('finance', '0001_initial', '2025-09-15 10:00:00+00'),
  ('finance', '0002_payment', '2025-10-05 11:30:00+00');
\endif
