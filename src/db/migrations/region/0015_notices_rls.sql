-- Subscriptions, notices, deliveries and objections are tenant-owned: RLS enabled and forced.
-- Attempts are history: the app may only insert and read them.
GRANT SELECT, INSERT, UPDATE, DELETE ON subscribers TO subreg_app;
--> statement-breakpoint
ALTER TABLE subscribers ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE subscribers FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
DROP POLICY IF EXISTS tenant_isolation ON subscribers;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON subscribers
  USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON change_notices TO subreg_app;
--> statement-breakpoint
ALTER TABLE change_notices ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE change_notices FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
DROP POLICY IF EXISTS tenant_isolation ON change_notices;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON change_notices
  USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON notice_deliveries TO subreg_app;
--> statement-breakpoint
ALTER TABLE notice_deliveries ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE notice_deliveries FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
DROP POLICY IF EXISTS tenant_isolation ON notice_deliveries;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON notice_deliveries
  USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON objections TO subreg_app;
--> statement-breakpoint
ALTER TABLE objections ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE objections FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
DROP POLICY IF EXISTS tenant_isolation ON objections;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON objections
  USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
--> statement-breakpoint
GRANT SELECT, INSERT ON delivery_attempts TO subreg_app;
--> statement-breakpoint
ALTER TABLE delivery_attempts ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE delivery_attempts FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
DROP POLICY IF EXISTS tenant_isolation ON delivery_attempts;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON delivery_attempts
  USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
