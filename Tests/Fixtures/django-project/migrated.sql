-- A django-tenants database on which every migration in backend/ has been applied.

CREATE TABLE public.django_migrations (
    id bigserial PRIMARY KEY, app varchar(255) NOT NULL, name varchar(255) NOT NULL,
    applied timestamptz NOT NULL);
CREATE TABLE public.tenants_client (
    id bigserial PRIMARY KEY, schema_name varchar(63) NOT NULL UNIQUE, name varchar(100) NOT NULL,
    paid_until date);
CREATE TABLE public.tenants_tenantdomain (
    id bigserial PRIMARY KEY, domain varchar(253) NOT NULL UNIQUE,
    tenant_id bigint NOT NULL REFERENCES public.tenants_client (id));
CREATE INDEX tenants_ten_domain_f3abe6_idx ON public.tenants_tenantdomain (domain);
CREATE TABLE public.tenants_domain (
    id bigserial PRIMARY KEY, domain varchar(253) NOT NULL UNIQUE, is_primary boolean NOT NULL,
    tenant_id bigint NOT NULL REFERENCES public.tenants_client (id));
CREATE INDEX tenants_domain_tenant_idx ON public.tenants_domain (tenant_id);
INSERT INTO public.tenants_client (schema_name, name) VALUES ('public', 'Public'), ('acme', 'Acme');

CREATE SCHEMA acme;
CREATE TABLE acme.django_migrations (LIKE public.django_migrations INCLUDING ALL);
CREATE TABLE acme.finance_invoice (
    id bigserial PRIMARY KEY, number varchar(32) NOT NULL, amount numeric(12,2) NOT NULL,
    due date, CONSTRAINT finance_invoice_number_uniq UNIQUE (number));
CREATE INDEX finance_inv_due_idx ON acme.finance_invoice (due);

INSERT INTO public.django_migrations (app, name, applied)
SELECT app, name, '2025-11-29 21:41:00+00' FROM (VALUES
    ('contenttypes', '0001_initial'), ('auth', '0001_initial'),
    ('tenants', '0001_initial'), ('tenants', '0002_client_paid_until'),
    ('tenants', '0003_client_domain'),
    ('tenants', '0004_rename_tenants_ten_domain_6df599_idx_tenants_ten_domain_f3abe6_idx'),
    ('finance', '0001_initial'), ('finance', '0002_invoice_due'),
    ('finance', '0003_remove_invoice_legacy')) AS rows (app, name);
INSERT INTO acme.django_migrations (app, name, applied)
SELECT app, name, applied FROM public.django_migrations;
