-- Region moves (features/regions). A row in tenant_write_freezes freezes that tenant's writes in
-- this database; only a move (connected as the owner) writes it. RLS like every tenant table.
GRANT SELECT ON tenant_write_freezes TO subreg_app;
--> statement-breakpoint
ALTER TABLE tenant_write_freezes ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE tenant_write_freezes FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
DROP POLICY IF EXISTS tenant_isolation ON tenant_write_freezes;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON tenant_write_freezes
  USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
--> statement-breakpoint
-- True only in a move's own session (the owner, never subreg_app) for the tenant it moves: the
-- one deliberate way past the freeze and the append-only triggers, and only for that tenant.
CREATE OR REPLACE FUNCTION subreg_move_session_for(t text) RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT current_user <> 'subreg_app' AND t IS NOT NULL
     AND current_setting('subreg.move_tenant', true) = t
$$;
--> statement-breakpoint
-- Statement trigger on every tenant table: a frozen tenant's writes fail with SQLSTATE SR503
-- (the API answers 503 TENANT_MOVING). The shared advisory lock lets the freeze wait for writes
-- that passed this check before it, so none commits after the copy's snapshot.
CREATE OR REPLACE FUNCTION subreg_refuse_frozen_writes() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE t text := NULLIF(current_setting('app.tenant_id', true), '');
BEGIN
  IF t IS NULL OR subreg_move_session_for(t) THEN RETURN NULL; END IF;
  PERFORM pg_advisory_xact_lock_shared(hashtextextended(t, 8731));
  IF EXISTS (SELECT 1 FROM tenant_write_freezes WHERE tenant_id = t::uuid) THEN
    RAISE EXCEPTION 'This workspace is moving to another region; its data can be read but not changed until the move ends.'
      USING ERRCODE = 'SR503', HINT = 'Retry in a minute.';
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
-- Puts the guard on every table of the public schema that has a tenant_id column, so tables added
-- by later migrations are covered too (bootstrap calls it after migrating; a move checks it).
CREATE OR REPLACE FUNCTION subreg_install_move_guards() RETURNS integer LANGUAGE plpgsql AS $$
DECLARE r record; n integer := 0;
BEGIN
  FOR r IN
    SELECT c.relname FROM pg_class c JOIN pg_namespace ns ON ns.oid = c.relnamespace
    WHERE ns.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relname <> 'tenant_write_freezes'
      AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped)
      AND NOT EXISTS (SELECT 1 FROM pg_trigger tg WHERE tg.tgrelid = c.oid AND tg.tgname = 'subreg_move_guard')
  LOOP
    EXECUTE format('CREATE TRIGGER subreg_move_guard BEFORE INSERT OR UPDATE OR DELETE ON %I '
                   'FOR EACH STATEMENT EXECUTE FUNCTION subreg_refuse_frozen_writes()', r.relname);
    n := n + 1;
  END LOOP;
  RETURN n;
END
$$;
--> statement-breakpoint
SELECT subreg_install_move_guards();
--> statement-breakpoint
-- Append-only tables stay append-only, except for a move purging the tenant it moved.
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND subreg_move_session_for(OLD.tenant_id::text) THEN RETURN OLD; END IF;
  RAISE EXCEPTION 'audit events are append-only' USING ERRCODE = '42501';
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION list_versions_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND subreg_move_session_for(OLD.tenant_id::text) THEN RETURN OLD; END IF;
  RAISE EXCEPTION 'published versions are immutable; publish a new version instead' USING ERRCODE = '42501';
END
$$;
