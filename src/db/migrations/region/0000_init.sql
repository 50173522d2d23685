CREATE TABLE "audit_events" (
	"tenant_id" uuid NOT NULL,
	"seq" bigint NOT NULL,
	"id" uuid NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"actor_type" text NOT NULL,
	"actor_id" text,
	"action" text NOT NULL,
	"object_type" text NOT NULL,
	"object_id" text,
	"before" jsonb,
	"after" jsonb,
	"request_id" text,
	"prev_hash" text NOT NULL,
	"hash" text NOT NULL,
	CONSTRAINT "audit_events_tenant_id_seq_pk" PRIMARY KEY("tenant_id","seq")
);
--> statement-breakpoint
CREATE TABLE "entities" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"legal_name" text NOT NULL,
	"normalized_name" text NOT NULL,
	"trading_names" text[] DEFAULT '{}' NOT NULL,
	"former_names" text[] DEFAULT '{}' NOT NULL,
	"kind" text,
	"corporate_country" text,
	"website" text,
	"parent_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "entities_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "entities_kind_check" CHECK ("entities"."kind" in ('affiliate', 'infrastructure', 'third_party'))
);
--> statement-breakpoint
CREATE TABLE "entries" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"list_id" uuid NOT NULL,
	"entity_id" uuid NOT NULL,
	"group_name" text,
	"purpose" text,
	"data_categories" text,
	"data_category_tags" text[] DEFAULT '{}' NOT NULL,
	"data_subjects" text[] DEFAULT '{}' NOT NULL,
	"locations" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"country_codes" text[] DEFAULT '{}' NOT NULL,
	"transfer_mechanism" text,
	"optional" boolean DEFAULT false NOT NULL,
	"position" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "entries_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "lists" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"slug" text NOT NULL,
	"title" text NOT NULL,
	"classification" text,
	"owner" text,
	"author" text,
	"disclaimer" text,
	"intro" text,
	"definitions" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"notes" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"notice_period_days" integer DEFAULT 30 NOT NULL,
	"visibility" text DEFAULT 'public' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "lists_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "lists_visibility_check" CHECK ("lists"."visibility" in ('public', 'unlisted', 'private')),
	CONSTRAINT "lists_notice_period_check" CHECK ("lists"."notice_period_days" between 0 and 365)
);
--> statement-breakpoint
CREATE TABLE "tenant_profiles" (
	"tenant_id" uuid PRIMARY KEY NOT NULL,
	"display_name" text NOT NULL,
	"hosting_provider" text,
	"hosting_region" text,
	"segregation" text,
	"data_stored" text,
	"region_move_info" text,
	"contact_email" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "entities" ADD CONSTRAINT "entities_parent_fk" FOREIGN KEY ("tenant_id","parent_id") REFERENCES "public"."entities"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "entries" ADD CONSTRAINT "entries_list_fk" FOREIGN KEY ("tenant_id","list_id") REFERENCES "public"."lists"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "entries" ADD CONSTRAINT "entries_entity_fk" FOREIGN KEY ("tenant_id","entity_id") REFERENCES "public"."entities"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "entities_name_idx" ON "entities" USING btree ("tenant_id","normalized_name");--> statement-breakpoint
CREATE INDEX "entries_list_idx" ON "entries" USING btree ("tenant_id","list_id","position");--> statement-breakpoint
CREATE INDEX "entries_entity_idx" ON "entries" USING btree ("tenant_id","entity_id");--> statement-breakpoint
CREATE INDEX "entries_country_idx" ON "entries" USING gin ("country_codes");--> statement-breakpoint
CREATE UNIQUE INDEX "lists_slug_key" ON "lists" USING btree ("tenant_id","slug");