-- tenants.0005_client_domain: the domain table and its index, idempotent as in production.
CREATE TABLE IF NOT EXISTS public.tenants_domain (
  id bigserial PRIMARY KEY,
  domain varchar(253) NOT NULL CONSTRAINT tenants_domain_domain_key UNIQUE,
  is_primary boolean NOT NULL,
  tenant_id bigint NOT NULL
    CONSTRAINT tenants_domain_tenant_id_fk REFERENCES public.tenants_client (id)
    DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX IF NOT EXISTS tenants_ten_domain_6df599_idx ON public.tenants_domain (domain, is_primary);
CREATE INDEX IF NOT EXISTS tenants_domain_tenant_id_idx ON public.tenants_domain (tenant_id);
