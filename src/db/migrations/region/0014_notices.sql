CREATE TABLE "change_notices" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"list_id" uuid NOT NULL,
	"version_number" integer NOT NULL,
	"base_version" integer NOT NULL,
	"published_at" timestamp with time zone NOT NULL,
	"effective_at" timestamp with time zone NOT NULL,
	"emergency_reason" text,
	"status" text NOT NULL,
	"withdrawn_at" timestamp with time zone,
	"withdrawn_reason" text,
	"counts" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "change_notices_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "change_notices_version_key" UNIQUE("tenant_id","list_id","version_number"),
	CONSTRAINT "change_notices_status_check" CHECK ("change_notices"."status" in ('scheduled', 'withdrawn'))
);
--> statement-breakpoint
CREATE TABLE "delivery_attempts" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"delivery_id" uuid NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"result" text NOT NULL,
	"smtp_response" text,
	CONSTRAINT "delivery_attempts_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "notice_deliveries" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"notice_id" uuid NOT NULL,
	"subscriber_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"email" text NOT NULL,
	"status" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone NOT NULL,
	"lease_until" timestamp with time zone,
	"message_id" text NOT NULL,
	"last_error" text,
	"sent_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "notice_deliveries_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "notice_deliveries_once_key" UNIQUE("tenant_id","notice_id","subscriber_id","kind"),
	CONSTRAINT "notice_deliveries_kind_check" CHECK ("notice_deliveries"."kind" in ('notice', 'withdrawal')),
	CONSTRAINT "notice_deliveries_status_check" CHECK ("notice_deliveries"."status" in ('queued', 'sending', 'sent', 'failed'))
);
--> statement-breakpoint
CREATE TABLE "objections" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"notice_id" uuid NOT NULL,
	"delivery_id" uuid,
	"email" text NOT NULL,
	"organisation" text,
	"contact" text,
	"reason" text NOT NULL,
	"status" text NOT NULL,
	"answer" text,
	"answered_at" timestamp with time zone,
	"answer_mailed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "objections_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "objections_status_check" CHECK ("objections"."status" in ('open', 'resolved', 'withdrawn', 'upheld'))
);
--> statement-breakpoint
CREATE TABLE "subscribers" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"list_id" uuid,
	"email" text NOT NULL,
	"organisation" text,
	"status" text NOT NULL,
	"added_by" text NOT NULL,
	"confirm_nonce_hash" text,
	"confirm_expires_at" timestamp with time zone,
	"confirmations_sent" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"confirmed_at" timestamp with time zone,
	"unsubscribed_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "subscribers_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "subscribers_address_key" UNIQUE NULLS NOT DISTINCT("tenant_id","list_id","email"),
	CONSTRAINT "subscribers_status_check" CHECK ("subscribers"."status" in ('pending', 'confirmed', 'unsubscribed')),
	CONSTRAINT "subscribers_added_by_check" CHECK ("subscribers"."added_by" in ('staff', 'self'))
);
--> statement-breakpoint
ALTER TABLE "list_versions" ADD COLUMN "emergency_reason" text;--> statement-breakpoint
ALTER TABLE "list_versions" ADD COLUMN "replaces_version" integer;--> statement-breakpoint
ALTER TABLE "change_notices" ADD CONSTRAINT "change_notices_list_fk" FOREIGN KEY ("tenant_id","list_id") REFERENCES "public"."lists"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "delivery_attempts" ADD CONSTRAINT "delivery_attempts_delivery_fk" FOREIGN KEY ("tenant_id","delivery_id") REFERENCES "public"."notice_deliveries"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notice_deliveries" ADD CONSTRAINT "notice_deliveries_notice_fk" FOREIGN KEY ("tenant_id","notice_id") REFERENCES "public"."change_notices"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "objections" ADD CONSTRAINT "objections_notice_fk" FOREIGN KEY ("tenant_id","notice_id") REFERENCES "public"."change_notices"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscribers" ADD CONSTRAINT "subscribers_list_fk" FOREIGN KEY ("tenant_id","list_id") REFERENCES "public"."lists"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "delivery_attempts_delivery_idx" ON "delivery_attempts" USING btree ("tenant_id","delivery_id");--> statement-breakpoint
CREATE INDEX "notice_deliveries_due_idx" ON "notice_deliveries" USING btree ("tenant_id","status","next_attempt_at");--> statement-breakpoint
CREATE INDEX "objections_notice_idx" ON "objections" USING btree ("tenant_id","notice_id");