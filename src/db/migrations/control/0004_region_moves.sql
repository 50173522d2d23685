CREATE TABLE "region_moves" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"from_region" text NOT NULL,
	"to_region" text NOT NULL,
	"state" text NOT NULL,
	"step" text,
	"requested_by" text NOT NULL,
	"estimate" jsonb NOT NULL,
	"steps" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"tables" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"copied_rows" bigint DEFAULT 0 NOT NULL,
	"copied_bytes" bigint DEFAULT 0 NOT NULL,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"frozen_at" timestamp with time zone,
	"unfrozen_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "regions" ADD COLUMN "provider" text;--> statement-breakpoint
ALTER TABLE "regions" ADD COLUMN "countries" text[] DEFAULT '{}' NOT NULL;--> statement-breakpoint
ALTER TABLE "region_moves" ADD CONSTRAINT "region_moves_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "region_moves_tenant_idx" ON "region_moves" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "region_moves_open_key" ON "region_moves" USING btree ("tenant_id") WHERE state in ('planned', 'running', 'failed', 'rolling_back');