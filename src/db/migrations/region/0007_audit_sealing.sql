ALTER TABLE "audit_events" ADD COLUMN "scheme" smallint DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "audit_events" ADD COLUMN "key_id" text;