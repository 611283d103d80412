-- What every environment shares: Django's own apps and the tenants app up to 0004.
SET client_min_messages = warning;

-- Roles are the cluster's: made once, whichever environment is loaded first.
DO $$ BEGIN CREATE ROLE root; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;
DO $$ BEGIN CREATE ROLE reporting; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;

CREATE TABLE public.django_migrations (
  id bigserial PRIMARY KEY,
  app varchar(255) NOT NULL,
  name varchar(255) NOT NULL,
  applied timestamptz NOT NULL
);

CREATE TABLE public.django_content_type (
  id serial PRIMARY KEY,
  app_label varchar(100) NOT NULL,
  model varchar(100) NOT NULL,
  CONSTRAINT django_content_type_app_label_model_76bd3d3b_uniq UNIQUE (app_label, model)
);

CREATE TABLE public.auth_user (
  id serial PRIMARY KEY,
  password varchar(128) NOT NULL,
  last_login timestamptz,
  is_superuser boolean NOT NULL,
  username varchar(150) NOT NULL CONSTRAINT auth_user_username_key UNIQUE,
  email varchar(254) NOT NULL,
  date_joined timestamptz NOT NULL
);
CREATE INDEX auth_user_username_6821ab7c_like ON public.auth_user (username varchar_pattern_ops);

CREATE TABLE public.tenants_client (
  id bigserial PRIMARY KEY,
  schema_name varchar(63) NOT NULL CONSTRAINT tenants_client_schema_name_key UNIQUE,
  name varchar(100) NOT NULL,
  contact_phone varchar(32),
  logo varchar(100),
  created_on date NOT NULL
);

INSERT INTO public.django_migrations (app, name, applied) VALUES
  ('contenttypes', '0001_initial', '2025-09-01 09:00:00+00'),
  ('contenttypes', '0002_remove_content_type_name', '2025-09-01 09:00:01+00'),
  ('auth', '0001_initial', '2025-09-01 09:00:02+00'),
  ('auth', '0002_alter_permission_name_max_length', '2025-09-01 09:00:03+00'),
  ('tenants', '0001_initial', '2025-09-01 09:00:04+00'),
  ('tenants', '0002_alter_tenant_contact_phone_tenantinvitation_and_more', '2025-10-02 14:10:00+00'),
  ('tenants', '0003_tenant_logo', '2025-10-20 08:30:00+00'),
  ('tenants', '0004_add_schema_name_and_domain_model', '2025-11-10 16:05:00+00');
