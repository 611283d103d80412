-- Plants known drift in a copy of a bench/generate.sql database. Each statement matches one
-- check in scripts/bench; the tenants it touches exist at every scale (10 tenants and up).
SET client_min_messages = warning;
-- 1. a migration row missing in some tenants (every third of the first ten)
DELETE FROM tenant_0003.django_migrations WHERE app = 'finance' AND name = '0004_auto_4';
DELETE FROM tenant_0006.django_migrations WHERE app = 'finance' AND name = '0004_auto_4';
DELETE FROM tenant_0009.django_migrations WHERE app = 'finance' AND name = '0004_auto_4';
-- 2. a renamed index
ALTER INDEX tenant_0001.crm_account_owner_id_9d5e78c8 RENAME TO crm_account_owner_renamed_idx;
-- 3. a dropped index
DROP INDEX tenant_0002.hr_employee_owner_id_1579a32e;
-- 4. an added column
ALTER TABLE tenant_0004.orders_order ADD COLUMN tracking_code varchar(40);
-- 5. a changed column type
ALTER TABLE tenant_0005.support_ticket ALTER COLUMN status TYPE varchar(64);
-- 6. a missing table (the last of the chain: nothing references it)
DROP TABLE tenant_0007.reports_schedule;
-- 7. a missing tenant schema
DROP SCHEMA tenant_0008 CASCADE;
DELETE FROM public.tenants_client WHERE schema_name = 'tenant_0008';
-- 8. an extra extension
CREATE EXTENSION pg_trgm;
