-- Production: 0005 applied, three tenants; the demo tenant never got the finance app.
\ir shared.sql
\ir tenants_0005.sql
INSERT INTO public.django_migrations (app, name, applied)
  VALUES ('tenants', '0005_client_domain', '2025-11-20 12:00:00+00');
\set tenants_last 0005_client_domain
\set tenant acme
\set finance true
\ir tenant.sql
\set tenant globex
\ir tenant.sql
\set tenant demo
\set finance false
\ir tenant.sql
-- tenants_domain was created by a container running as root, not by postgres.
ALTER TABLE public.tenants_domain OWNER TO root;
