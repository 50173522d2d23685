-- Customers and their approvals are tenant-owned: RLS enabled and forced.
GRANT SELECT, INSERT, UPDATE, DELETE ON customers TO subreg_app;
--> statement-breakpoint
ALTER TABLE customers ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE customers FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
DROP POLICY IF EXISTS tenant_isolation ON customers;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON customers
  USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON change_approvals TO subreg_app;
--> statement-breakpoint
ALTER TABLE change_approvals ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE change_approvals FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
DROP POLICY IF EXISTS tenant_isolation ON change_approvals;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON change_approvals
  USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
