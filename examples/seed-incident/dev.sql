-- Development: everything production has, plus two migrations production lacks.
\ir shared.sql
\ir tenants_0005.sql
INSERT INTO public.django_migrations (app, name, applied) VALUES
  ('tenants', '0005_client_domain', '2025-11-20 11:00:00+00'),
  ('tenants', '0006_rename_tenants_ten_domain_6df599_idx_tenants_ten_domain_f3abe6_idx_and_more',
   '2025-11-29 21:41:07+00');
-- tenants.0006: RenameIndex(old_name="tenants_ten_domain_6df599_idx", new_name="…f3abe6_idx")
ALTER INDEX public.tenants_ten_domain_6df599_idx RENAME TO tenants_ten_domain_f3abe6_idx;
\set tenants_last 0006_z
\set finance true
\set tenant acme
\ir tenant.sql
\set tenant globex
\ir tenant.sql
\set tenant demo
\ir tenant.sql
-- finance.0003_alter_invoice_number, in every tenant.
DO $$
DECLARE
  tenant text;
BEGIN
  FOR tenant IN SELECT schema_name FROM public.tenants_client ORDER BY 1 LOOP
    EXECUTE format('ALTER TABLE %I.finance_invoice ALTER COLUMN number TYPE varchar(64)', tenant);
    EXECUTE format(
      'INSERT INTO %I.django_migrations (app, name, applied) VALUES (%L, %L, %L)',
      tenant, 'finance', '0003_alter_invoice_number', '2025-11-28 09:15:00+00');
  END LOOP;
END $$;
-- The reporting role reads the tenant registry here; production never got the grant.
GRANT SELECT ON public.tenants_client TO reporting;
