ALTER TABLE "notice_deliveries" DROP CONSTRAINT "notice_deliveries_kind_check";--> statement-breakpoint
ALTER TABLE "lists" ADD COLUMN "announce_in_effect" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "change_notices" ADD COLUMN "in_effect_queued_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "notice_deliveries" ADD CONSTRAINT "notice_deliveries_kind_check" CHECK ("notice_deliveries"."kind" in ('notice', 'withdrawal', 'in_effect'));--> statement-breakpoint
-- Added by hand: notices already in effect when this ships are not announced again.
UPDATE "change_notices" SET "in_effect_queued_at" = "effective_at" WHERE "effective_at" <= now();
