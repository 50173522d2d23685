DROP INDEX "notice_deliveries_due_idx";--> statement-breakpoint
ALTER TABLE "change_notices" ADD COLUMN "fanout_after" uuid;--> statement-breakpoint
ALTER TABLE "change_notices" ADD COLUMN "fanned_out_at" timestamp with time zone;--> statement-breakpoint
-- (added by hand) notices from before this migration got their delivery rows at publish: fanned out
UPDATE "change_notices" SET "fanned_out_at" = "created_at";--> statement-breakpoint
CREATE INDEX "change_notices_fanout_idx" ON "change_notices" USING btree ("tenant_id","published_at") WHERE "change_notices"."fanned_out_at" is null;--> statement-breakpoint
CREATE INDEX "notice_deliveries_queued_idx" ON "notice_deliveries" USING btree ("tenant_id","next_attempt_at") WHERE "notice_deliveries"."status" = 'queued';--> statement-breakpoint
CREATE INDEX "notice_deliveries_lease_idx" ON "notice_deliveries" USING btree ("tenant_id","lease_until") WHERE "notice_deliveries"."status" = 'sending';