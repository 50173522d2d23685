-- Audit heads only move forward for the application: it may insert and advance them, never
-- delete them or move one back (a head moved back would hide truncated events).
GRANT SELECT, INSERT, UPDATE ON audit_heads TO subreg_app;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION audit_heads_forward_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.seq < OLD.seq OR NEW.tenant_id <> OLD.tenant_id THEN
    RAISE EXCEPTION 'audit heads only move forward' USING ERRCODE = '42501';
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER audit_heads_forward BEFORE UPDATE ON audit_heads
  FOR EACH ROW EXECUTE FUNCTION audit_heads_forward_only();
--> statement-breakpoint
-- Checkpoints are signed statements: the application adds them and reads them, nothing else.
GRANT SELECT, INSERT ON audit_checkpoints TO subreg_app;
--> statement-breakpoint
GRANT SELECT, INSERT, DELETE ON api_token_addresses TO subreg_app;
