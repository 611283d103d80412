-- A django-tenants database in which each tenant schema is one pre-flight scenario for the
-- migrations in backend/. public holds the shared app (tenants); tenant schemas hold finance.

CREATE TABLE public.django_migrations (
    id bigserial PRIMARY KEY, app varchar(255) NOT NULL, name varchar(255) NOT NULL,
    applied timestamptz NOT NULL);
CREATE TABLE public.tenants_client (
    id bigserial PRIMARY KEY, schema_name varchar(63) NOT NULL UNIQUE, name varchar(100) NOT NULL,
    paid_until date);
CREATE TABLE public.tenants_tenantdomain (
    id bigserial PRIMARY KEY, domain varchar(253) NOT NULL UNIQUE,
    tenant_id bigint NOT NULL REFERENCES public.tenants_client (id));
-- Created under another name than the one 0001_initial declares: 0004's RenameIndex will fail.
CREATE INDEX tenants_ten_domain_0a1b2c_idx ON public.tenants_tenantdomain (domain);
-- Created by hand before 0003 was applied: 0003 is idempotent, so this is no hazard.
CREATE TABLE public.tenants_domain (
    id bigserial PRIMARY KEY, domain varchar(253) NOT NULL UNIQUE, is_primary boolean NOT NULL,
    tenant_id bigint NOT NULL REFERENCES public.tenants_client (id));

INSERT INTO public.tenants_client (schema_name, name) VALUES
    ('public', 'Public'), ('healthy', 'Healthy'), ('demo', 'Demo'), ('dup', 'Duplicate'),
    ('idx', 'Index taken'), ('gone', 'Already removed'), ('ghosty', 'Ghost row'),
    ('broken', 'Broken history');

-- Every schema records the shared and framework rows, as django-tenants does.
CREATE FUNCTION pg_temp.record(target text, rows text[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE item text;
BEGIN
    FOREACH item IN ARRAY rows || ARRAY['contenttypes.0001_initial', 'auth.0001_initial',
        'tenants.0001_initial', 'tenants.0002_client_paid_until'] LOOP
        EXECUTE format('INSERT INTO %I.django_migrations (app, name, applied) VALUES (%L, %L, %L)',
            target, split_part(item, '.', 1), split_part(item, '.', 2),
            '2025-10-02 09:12:00+00');
    END LOOP;
END $$;

CREATE FUNCTION pg_temp.tenant(target text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('CREATE SCHEMA %I', target);
    EXECUTE format('CREATE TABLE %I.django_migrations (id bigserial PRIMARY KEY,'
        ' app varchar(255) NOT NULL, name varchar(255) NOT NULL, applied timestamptz NOT NULL)',
        target);
END $$;

CREATE FUNCTION pg_temp.invoice(target text, legacy boolean, due boolean) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('CREATE TABLE %I.finance_invoice (id bigserial PRIMARY KEY,'
        ' number varchar(32) NOT NULL, amount numeric(12,2) NOT NULL)', target);
    IF legacy THEN
        EXECUTE format('ALTER TABLE %I.finance_invoice ADD COLUMN legacy_code varchar(8) NOT NULL'
            ' DEFAULT %L', target, '');
        EXECUTE format('CREATE INDEX finance_inv_legacy_idx ON %I.finance_invoice (legacy_code)',
            target);
    END IF;
    IF due THEN
        EXECUTE format('ALTER TABLE %I.finance_invoice ADD COLUMN due date', target);
        EXECUTE format('CREATE INDEX finance_inv_due_idx ON %I.finance_invoice (due)', target);
        EXECUTE format('ALTER TABLE %I.finance_invoice ADD CONSTRAINT finance_invoice_number_uniq'
            ' UNIQUE (number)', target);
    END IF;
END $$;

SELECT pg_temp.record('public', ARRAY['finance.0001_initial', 'finance.0002_invoice_due',
    'finance.0003_remove_invoice_legacy']);

-- healthy: every finance migration applied and matching.
SELECT pg_temp.tenant('healthy');
SELECT pg_temp.invoice('healthy', false, true);
SELECT pg_temp.record('healthy', ARRAY['finance.0001_initial', 'finance.0002_invoice_due',
    'finance.0003_remove_invoice_legacy']);

-- demo: never got the tenant app.
SELECT pg_temp.tenant('demo');
SELECT pg_temp.record('demo', ARRAY[]::text[]);

-- dup: finance_invoice made by hand; CreateModel will fail with DuplicateTable.
SELECT pg_temp.tenant('dup');
SELECT pg_temp.invoice('dup', true, false);
SELECT pg_temp.record('dup', ARRAY[]::text[]);

-- idx: 0002's index name is already taken.
SELECT pg_temp.tenant('idx');
SELECT pg_temp.invoice('idx', true, false);
CREATE INDEX finance_inv_due_idx ON idx.finance_invoice (number);
SELECT pg_temp.record('idx', ARRAY['finance.0001_initial']);

-- gone: what 0003 removes was already removed by hand.
SELECT pg_temp.tenant('gone');
SELECT pg_temp.invoice('gone', false, true);
SELECT pg_temp.record('gone', ARRAY['finance.0001_initial', 'finance.0002_invoice_due']);

-- ghosty: a migration from a feature branch was applied.
SELECT pg_temp.tenant('ghosty');
SELECT pg_temp.invoice('ghosty', false, true);
SELECT pg_temp.record('ghosty', ARRAY['finance.0001_initial', 'finance.0002_invoice_due',
    'finance.0003_remove_invoice_legacy', 'finance.0004_invoice_currency']);

-- broken: 0002 recorded without 0001 (a --fake gone wrong).
SELECT pg_temp.tenant('broken');
SELECT pg_temp.invoice('broken', true, true);
SELECT pg_temp.record('broken', ARRAY['finance.0002_invoice_due']);
