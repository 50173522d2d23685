-- Webhooks (features/webhooks): tenant-owned like every region table, RLS enabled and forced.
GRANT SELECT, INSERT, UPDATE, DELETE ON webhook_endpoints, webhook_deliveries, webhook_attempts TO subreg_app;
--> statement-breakpoint
ALTER TABLE webhook_endpoints ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE webhook_endpoints FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
DROP POLICY IF EXISTS tenant_isolation ON webhook_endpoints;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON webhook_endpoints
  USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
--> statement-breakpoint
ALTER TABLE webhook_deliveries ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE webhook_deliveries FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
DROP POLICY IF EXISTS tenant_isolation ON webhook_deliveries;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON webhook_deliveries
  USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
--> statement-breakpoint
ALTER TABLE webhook_attempts ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE webhook_attempts FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
DROP POLICY IF EXISTS tenant_isolation ON webhook_attempts;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON webhook_attempts
  USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
--> statement-breakpoint
-- A pg-boss job inserted in the caller's transaction, so the job commits with the change that
-- made it or not at all. The app role cannot touch pgboss.* itself: this function (the owner's)
-- inserts only into webhook queues and only for the tenant of the transaction. When pg-boss has
-- not run in this database yet, or the queue does not exist, it inserts nothing and answers false:
-- the delivery row is still there and the webhooks sweep enqueues it once the workers run.
CREATE OR REPLACE FUNCTION subreg_enqueue_webhook_job(p_queue text, p_data jsonb, p_start_after timestamptz)
RETURNS boolean LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE n integer;
BEGIN
  IF p_queue NOT LIKE 'subreg.webhooks.%' THEN
    RAISE EXCEPTION 'only webhook queues may be enqueued here, not %', p_queue;
  END IF;
  IF p_data->>'tenantId' IS DISTINCT FROM NULLIF(current_setting('app.tenant_id', true), '') THEN
    RAISE EXCEPTION 'a job must carry the tenant of its transaction';
  END IF;
  IF to_regclass('pgboss.job') IS NULL OR to_regclass('pgboss.queue') IS NULL THEN RETURN false; END IF;
  EXECUTE 'INSERT INTO pgboss.job (name, data, start_after, retry_limit, retry_delay, retry_backoff, keep_until, policy)
           SELECT q.name, $2, $3, 3, 30, true, $3 + interval ''14 days'', q.policy
           FROM pgboss.queue q WHERE q.name = $1'
    USING p_queue, p_data, p_start_after;
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n > 0;
END
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION subreg_enqueue_webhook_job(text, jsonb, timestamptz) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION subreg_enqueue_webhook_job(text, jsonb, timestamptz) TO subreg_app;
--> statement-breakpoint
-- FORCE applies RLS to the owner too; the sweep function below (the owner's) reads across tenants.
-- Never true for the app role itself.
DROP POLICY IF EXISTS owner_sweep ON webhook_deliveries;
--> statement-breakpoint
CREATE POLICY owner_sweep ON webhook_deliveries FOR SELECT USING (current_user <> 'subreg_app');
--> statement-breakpoint
-- The sweep's only view across tenants: which tenants have a delivery overdue (its job lost, or
-- its worker died mid-attempt). Tenant ids only; the sweep then reads each through RLS.
CREATE OR REPLACE FUNCTION subreg_webhook_overdue_tenants(p_before timestamptz, p_limit integer)
RETURNS SETOF uuid LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT DISTINCT tenant_id FROM webhook_deliveries
  WHERE status IN ('pending', 'sending') AND next_at < p_before
  LIMIT p_limit
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION subreg_webhook_overdue_tenants(timestamptz, integer) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION subreg_webhook_overdue_tenants(timestamptz, integer) TO subreg_app;
