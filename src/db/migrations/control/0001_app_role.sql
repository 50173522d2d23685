-- The application connects as subreg_app: it owns nothing and cannot bypass row-level security.
-- Roles are cluster-wide, so this is idempotent (several databases share one cluster).
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'subreg_app') THEN
    CREATE ROLE subreg_app NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
  END IF;
END
$$;
--> statement-breakpoint
GRANT subreg_app TO CURRENT_USER;
--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO subreg_app;
--> statement-breakpoint
GRANT SELECT ON regions TO subreg_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON tenants, users, memberships, invitations, sessions, api_tokens TO subreg_app;
