-- Published versions never change: the application may read and insert, nothing else, and a
-- trigger refuses UPDATE and DELETE even for the owner (corrections are a new version).
GRANT SELECT, INSERT ON list_versions TO subreg_app;
--> statement-breakpoint
ALTER TABLE list_versions ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE list_versions FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
DROP POLICY IF EXISTS tenant_isolation ON list_versions;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON list_versions
  USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
--> statement-breakpoint
CREATE OR REPLACE FUNCTION list_versions_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'published versions are immutable; publish a new version instead' USING ERRCODE = '42501';
END
$$;
--> statement-breakpoint
CREATE TRIGGER list_versions_no_change BEFORE UPDATE OR DELETE ON list_versions
  FOR EACH ROW EXECUTE FUNCTION list_versions_immutable();
