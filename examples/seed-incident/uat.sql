-- UAT: tenants_domain was created by hand before 0005 was deployed, so 0005 is not recorded
-- (and, not idempotent, would fail with DuplicateTable); acme has an index nobody migrated.
\ir shared.sql
\ir tenants_0005.sql
\set tenants_last 0004_z
\set finance true
\set tenant acme
\ir tenant.sql
\set tenant globex
\ir tenant.sql
\set tenant demo
\ir tenant.sql
CREATE INDEX finance_invoice_due_date_idx ON acme.finance_invoice (due_date);
-- The reporting role reads the tenant registry here; production never got the grant.
GRANT SELECT ON public.tenants_client TO reporting;
