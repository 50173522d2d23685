-- Imports are tenant-owned like every region table: RLS enabled and forced, one policy.
GRANT SELECT, INSERT, UPDATE, DELETE ON imports TO subreg_app;
--> statement-breakpoint
ALTER TABLE imports ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE imports FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
DROP POLICY IF EXISTS tenant_isolation ON imports;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON imports
  USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
